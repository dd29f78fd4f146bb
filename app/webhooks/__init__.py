"""Webhooks: registered receivers, the requests queued for them and their signed delivery."""
