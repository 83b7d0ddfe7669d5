"""API: participants (issue 15)."""
