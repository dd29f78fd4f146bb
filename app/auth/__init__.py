"""Authentication: API keys, passwords, user tokens and the principal a request runs as."""
