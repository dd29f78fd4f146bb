"""The REST compatibility door: documented Back-Office routes run as saved GraphQL operations."""
