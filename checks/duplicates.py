"""duplicates checks (family being built; see the issue tracker)."""
