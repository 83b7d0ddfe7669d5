from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class CodeRelatedField(serializers.SlugRelatedField):
    """A related record named by its code (``torture``, ``screening``, ``mission``). A value the
    database cannot even hold (a NUL character, not text) is refused as invalid, not sent."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data or len(data) > 64:
            self.fail("invalid")
        return super().to_internal_value(data)

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "invalid": _("Invalid code."),
    }
