"""Runtime core of the CRM Back-Office gateway: settings, database, auth and domain services."""
