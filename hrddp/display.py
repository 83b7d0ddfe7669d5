"""How the pages show statuses and amounts, one way everywhere (issue 16).

Statuses: each status family (a ``TextChoices``) names the tone of each of its members with
``@toned(...)``, beside the family's definition; ``{% status_badge obj %}`` (``display_tags``)
shows the status's words in a badge of that tone. The words are always written: the colour only
repeats them, for readers who cannot tell the colours apart.

Amounts: ``format_amount(25000, "USD")`` is "USD 25,000" in English and "25 000 USD" in French.

A leaf module: the apps' models import it, it imports no app.
"""

import enum
import functools
from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language


class Tone(enum.StrEnum):
    """Bootstrap's ``text-bg-*`` colours (each pairs its background with a text colour of AA
    contrast): what a status means for the reader."""

    SUCCESS = "success"  # done, or going as it should
    WARNING = "warning"  # waits for someone, or needs attention
    DANGER = "danger"  # stopped, refused, failed
    INFO = "info"  # moving along, nothing to do yet
    SECONDARY = "secondary"  # not started, or over


# Status families by the set of their codes: a model field's choices lead to their family.
_FAMILIES = {}


def toned(blank=Tone.SECONDARY, **tones):
    """Class decorator: the tone of each member of a status family, by code (and ``blank``'s for
    a field not set yet). Every member must have one, and two families may not share the same
    codes (``family_of`` tells them apart by their codes)."""

    def decorate(choices):
        missing = set(choices.values) - set(tones)
        unknown = set(tones) - set(choices.values)
        if missing or unknown:
            raise TypeError(f"{choices.__name__}: no tone for {missing}, unknown codes {unknown}")
        key = frozenset(choices.values)
        if key in _FAMILIES:
            raise TypeError(f"{choices.__name__} has the codes of {_FAMILIES[key].__name__}")
        _FAMILIES[key] = choices
        choices._tones = {code: Tone(tone) for code, tone in tones.items()}
        choices.tone = property(lambda member: type(member)._tones[member.value])
        choices._tones[""] = Tone(blank)
        choices.tone_of = classmethod(lambda cls, code: cls._tones.get(code, Tone.SECONDARY))
        return choices

    return decorate


@functools.cache
def family_of(field):
    """The status family (toned ``TextChoices``) of a model field, or None."""
    if not field.choices:
        return None
    return _FAMILIES.get(frozenset(code for code, _label in field.flatchoices))


# Languages that write the currency after the amount ("25 000 USD").
CURRENCY_AFTER = {"fr"}


def format_amount(amount, currency):
    """An amount with its currency code, as the reader's language writes it: digits grouped,
    cents only when there are any ("USD 25,000", "USD 1,250.50", "25 000 USD")."""
    if amount is None or amount == "":
        return "—"
    amount = Decimal(amount)
    places = 0 if amount == amount.to_integral_value() else 2
    number = formats.number_format(amount, places, use_l10n=True, force_grouping=True)
    if not currency:
        return number
    language = (get_language() or "en").split("-")[0]
    # A no-break space: the code never ends a line apart from its amount.
    if language in CURRENCY_AFTER:
        return f"{number}\u00a0{currency}"
    return f"{currency}\u00a0{number}"
