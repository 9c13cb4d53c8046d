"""pii checks (family being built; see the issue tracker)."""
