"""Approval requests: made by automations, decided by the users, teams and roles named."""
