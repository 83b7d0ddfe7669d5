"""``grave_triage``: the grave cases waiting for triage, for the HROs' navigation badge (issue 16).

Lazy: the count query runs only on a page that shows the badge, once per page."""

from functools import cached_property

from .queries import grave_triage_count


class GraveTriage:
    def __init__(self, user):
        self.user = user

    @cached_property
    def _counted(self):
        return grave_triage_count(self.user)

    @property
    def count(self):
        return self._counted[0]

    @property
    def more(self):
        return self._counted[1]


def grave_triage(request):
    if not request.user.is_authenticated:
        return {}
    return {"grave_triage": GraveTriage(request.user)}
