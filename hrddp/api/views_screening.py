"""API: screening (issue 15)."""
