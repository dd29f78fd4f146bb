"""Customer events: what contacts did (purchases, spends, awards...), recorded and derived."""
