"""Accounts: a contact's accounts, their life cycle, reward attributes, schemes and merchants."""
