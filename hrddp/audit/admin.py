"""pghistory's events in the admin: every change as it was, identities included (a source's
identity and contact, who reported an abuse), so HROs only, and read-only (history is
append-only). ``settings.PGHISTORY_ADMIN_CLASS`` names this class; pghistory registers it."""

from pghistory.admin import EventsAdmin

from hrddp.admin_mixins import HROOnlyAdminMixin


class HistoryEventsAdmin(HROOnlyAdminMixin, EventsAdmin):
    pass
