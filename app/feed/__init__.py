"""The activity feed of an organisation: its dated events from several domains, merged."""
