"""Analytics of organisations and contacts, computed in the database from events and wallets."""
