import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from hrddp.registry.forms import EARLIEST_DATE, DateInput

from .queries import default_period

# Monthly columns stay readable up to about ten years.
LONGEST_PERIOD = datetime.timedelta(days=10 * 366)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, data=None, today=None):
        super().__init__(data)
        self.defaults = default_period(today)
        self.fields["start"].initial, self.fields["end"].initial = self.defaults

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start") or self.defaults[0]
        end = cleaned.get("end") or self.defaults[1]
        if start < EARLIEST_DATE:
            self.add_error("start", _("Enter a date after 1900."))
        elif end < start:
            self.add_error("end", _("The period cannot end before it starts."))
        elif end - start > LONGEST_PERIOD:
            self.add_error("end", _("Choose a period of ten years at most."))
        return cleaned

    def period(self):
        """(start, end): the valid dates given, the defaults for the others or for invalid input."""
        if self.is_bound and self.is_valid():
            return (
                self.cleaned_data["start"] or self.defaults[0],
                self.cleaned_data["end"] or self.defaults[1],
            )
        return self.defaults
