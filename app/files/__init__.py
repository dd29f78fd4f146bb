"""Uploaded files: storage on disk, metadata per tenant, expiring signed links to the content."""
