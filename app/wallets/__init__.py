"""Wallets: their balances, limit rules and top-up settings, journals and commerce balances."""
