"""API tokens have no admin page: only digests are stored, and only their owner lists and
revokes them (the "API tokens" page), so an administrator cannot act through someone's token."""
