"""Contacts: people and companies, with their phones and addresses."""
