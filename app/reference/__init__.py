"""Reference data: classifications, payment terms, reward schemes and tiers, spend conditions,
industries, sectors, business activities and organisation groups."""
