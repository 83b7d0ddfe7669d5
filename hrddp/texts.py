"""Text the system writes is stored as a message and its parameters, never as a sentence in the
writer's language, and rendered in the reader's language when it is read (issue 16).

A stored text is JSON: ``{"msgid": ..., "params": {...}}``. The msgid is the English message,
marked with ``gettext_noop`` where it is written (so makemessages finds it), and it is the code:
``render`` looks it up in the catalogue of the active language. Parameters are kept as data, not
as text: a date is formatted in the reader's date format, a label of a choice (a lazy
translation) is translated for the reader, and a nested text is rendered in turn.

    texts.text(gettext_noop("Review of “%(title)s” due on %(due)s"), title=t, due=date)
"""

import datetime
import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext


def text(msgid, **params):
    """The stored form of ``msgid % params`` (msgid marked with gettext_noop by the caller)."""
    return {"msgid": str(msgid), "params": {key: _encode(value) for key, value in params.items()}}


def _encode(value):
    if isinstance(value, dict) and "msgid" in value:
        return {"text": value}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, Promise):
        # A gettext_lazy label (a choice's, a rule's): kept as its msgid, translated when read.
        args = getattr(value, "_args", ())
        if len(args) == 1 and isinstance(args[0], str):
            return {"label": args[0]}
        return str(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _decode(value):
    if not isinstance(value, dict):
        return value
    if "text" in value:
        return render(value["text"])
    if "datetime" in value:
        moment = datetime.datetime.fromisoformat(value["datetime"])
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "DATETIME_FORMAT")
    if "date" in value:
        return date_format(datetime.date.fromisoformat(value["date"]), "DATE_FORMAT")
    if "label" in value:
        return gettext(value["label"])
    return value


def from_validation_error(error):
    """One ``ValidationError`` (of a single message) as a text: its message template and
    parameters when the message is a lazy translation, else its words as they stand."""
    message, params = error.message, error.params or {}
    args = getattr(message, "_args", ()) if isinstance(message, Promise) else ()
    if len(args) == 1 and isinstance(args[0], str):
        return text(args[0], **params)
    return str(message % params if params else message)


def render_any(value):
    """A stored text in the active language; older text (a string) as recorded."""
    return render(value) if is_text(value) or isinstance(value, list) else value


def is_text(value):
    return isinstance(value, dict) and isinstance(value.get("msgid"), str)


def render(stored):
    """``stored`` (a text, a list of texts joined by spaces, or None) in the active language."""
    if not stored:
        return ""
    if isinstance(stored, list):
        return " ".join(render(part) for part in stored)
    params = {key: _decode(value) for key, value in (stored.get("params") or {}).items()}
    message = gettext(stored["msgid"])
    try:
        return message % params
    except (KeyError, TypeError, ValueError):
        # A translation that lost a placeholder must not break the page: the English message.
        return stored["msgid"] % params


def parse(sentence, msgids):
    """The text of ``sentence`` (English, as written before texts were stored as codes) if it is
    one of ``msgids`` with its parameters filled in, else None. Parameters that read as ISO dates
    become dates again (they were written with ``str(date)``)."""
    for msgid in msgids:
        names = re.findall(r"%\((\w+)\)s", msgid)
        pattern = "".join(
            f"(?P<{part[2:-2]}>.+?)" if re.fullmatch(r"%\(\w+\)s", part) else re.escape(part)
            for part in re.split(r"(%\(\w+\)s)", msgid.replace("%%", "%"))
            if part
        )
        match = re.fullmatch(pattern, sentence, flags=re.DOTALL)
        if match and len(set(names)) == len(match.groupdict()):
            params = {}
            for name, value in match.groupdict().items():
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    value = datetime.date.fromisoformat(value)
                params[name] = value
            return text(msgid, **params)
    return None
