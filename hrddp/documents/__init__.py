"""Attached files (issue 17): signed letters, decisions and evidence, kept in the default storage
with their checksum, and read only through a view that checks who may read their record."""
