"""Forms of the notification pages. They validate; services.py writes."""

from django import forms


class NotificationReadForm(forms.Form):
    """Marks one notification read, or all of them when no id is given."""

    notification = forms.IntegerField(required=False, widget=forms.HiddenInput)
