"""Template tags every page may use without loading them (``TEMPLATES`` builtins):
``{% status_badge obj %}`` and ``{{ value|amount:currency }}`` (``hrddp.display``)."""

from django import template
from django.utils.html import format_html

from .display import Tone, family_of, format_amount

register = template.Library()


@register.simple_tag
def status_badge(obj, field="status", empty=""):
    """The status in ``obj.<field>`` as a badge: its words, in the tone its family gives it
    (``hrddp.display.toned``). ``empty`` is shown for a status not set yet."""
    code = getattr(obj, field) or ""
    label = getattr(obj, f"get_{field}_display")() if code else empty
    if not label:
        return ""
    family = family_of(obj._meta.get_field(field))
    tone = family.tone_of(code) if family else Tone.SECONDARY
    return format_html(
        '<span class="badge text-bg-{} status-badge" data-status="{}">{}</span>', tone, code, label
    )


@register.filter
def amount(value, currency=""):
    """``{{ request.value|amount:request.currency }}``: "USD 25,000" / "25 000 USD"."""
    return format_amount(value, currency)
