"""The organisations network: registration, expansion, reads, updates and removal."""
