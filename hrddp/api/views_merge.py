"""API: merge (issue 15)."""
