"""Database access: engine and sessions, mapped models, migrations."""
