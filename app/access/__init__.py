"""Users of organisations, their roles, custom roles and teams (who may do what)."""
