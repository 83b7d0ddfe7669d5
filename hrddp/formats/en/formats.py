"""One date and one date-time format in English, on every page, print and email: "3 Dec 2026"
and "3 Dec 2026, 06:04" (day first, never the American 12/03/2026; a 24-hour clock, so no
"a.m." whose period doubles at the end of a sentence). Input formats stay Django's (and ISO)."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
# The short formats are the same: one format per language, whichever name a template uses.
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
