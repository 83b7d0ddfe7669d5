"""One date and one date-time format in French, on every page, print and email: "3 déc. 2026"
and "3 déc. 2026 06:04". Input formats stay Django's (and ISO)."""

DATE_FORMAT = "j N Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j N Y H:i"
# The short formats are the same: one format per language, whichever name a template uses.
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
