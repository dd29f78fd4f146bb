"""The GraphQL schema: Strawberry types, inputs and enums per domain; ``schema.py`` builds it."""
