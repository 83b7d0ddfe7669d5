"""API: search (issue 15)."""
