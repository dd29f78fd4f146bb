"""Identity through the API: user invitations, switching and masquerading between
organisations, and an organisation's API keys."""
