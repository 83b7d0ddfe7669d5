"""Validators shared by the models of every app, so pages, the API and imports refuse the same
input (each of them validates through the model's fields)."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Line and paragraph separators break a line as surely as a newline does.
_LINE_BREAKING = {"\u2028", "\u2029", "\u0085"}


def is_control(character):
    return unicodedata.category(character) == "Cc" or character in _LINE_BREAKING


def single_line(value):
    """A single-line field (a title, a name) holds no line break, tab or other control character:
    such text ends up in mail headers, file names and spreadsheet cells, where a newline starts a
    new header or row (issue 12, hole 4)."""
    if any(is_control(character) for character in str(value)):
        raise ValidationError(
            _(
                "Enter this on a single line, without line breaks, tabs or other control "
                "characters."
            ),
            code="control_characters",
        )


_RUNS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text):
    """``text`` made safe for a single-line place (a mail subject): every run of whitespace or
    control characters becomes one space."""
    return _RUNS.sub(" ", str(text)).strip()


def not_in_the_future(value):
    """No letter or event is dated after today (domain.md 4.5, D7)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    if value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


# Anything earlier is a typing mistake (a year of 0202), not a security force's history.
EARLIEST_DATE = datetime.date(1900, 1, 1)


def dates_not_too_early(instance, *names):
    """Errors, by field, for the dates of ``instance`` before 1900 (a typing mistake). The models'
    ``clean()`` call it, so the pages, the API and imports refuse the same dates."""
    errors = {}
    for name in names:
        value = getattr(instance, name)
        if value and value < EARLIEST_DATE:
            errors[name] = ValidationError(_("Enter a date after 1900."), code="too_early")
    return errors


def no_commas(values):
    """An alias holds no comma: the pages read and show aliases as one comma-separated text."""
    if any("," in value for value in values or ()):
        raise ValidationError(_("An alias cannot contain a comma."), code="comma")


def unique_external_ref(instance):
    """Errors for an ``external_ref`` another record of the same kind already has (the import
    matches records by it: two could not both be matched)."""
    ref = instance.external_ref
    if not ref:
        return {}
    others = type(instance)._default_manager.filter(external_ref=ref)
    if instance.pk is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        return {
            "external_ref": ValidationError(
                _("Another %(kind)s already has this external reference."),
                code="unique",
                params={"kind": type(instance)._meta.verbose_name},
            )
        }
    return {}
