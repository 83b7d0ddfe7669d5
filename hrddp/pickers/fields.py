"""The picker (issue 11): a form field and its widget for choosing units, people, institutions or
violations in forms, formsets and django-filter filters, without listing the registry.

With JavaScript (``static/js/pickers.js`` and Tom Select) the text input becomes a search-as-you-
type field that asks the source's endpoint (``hrddp/pickers/views.py``) and submits ids. Without
it, it stays a text input that accepts what a person would type:

- the label with its id, as the page shows it: ``2nd Brigade — Army (#123)``;
- a bare id: ``123`` or ``#123``;
- an external reference, or a name or alias that names exactly one record (case aside).

Anything else is refused with a message naming up to ten candidates with their ids, and the text
stays in the field as typed. A multi-valued picker takes one value per line or values separated
by ``;``. Whatever is typed, the field's queryset decides: an id outside it is refused as if it
did not exist, and the field reads only the rows it names (by id, reference or exact name).
"""

import json
import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import queries

SEPARATORS = re.compile(r"[;\n]")
MULTIPLE_HELP = _("Several: one per line, or separated by “;”.")
CHOICES_HELP = _("Choices: {choices}.")


@dataclass
class Resolved:
    """What a typed text names: the records found, and the errors for the parts that name none."""

    records: list
    errors: list
    unresolved: list


@dataclass
class PickerValue:
    """What the widget shows: the text of the input, and the chosen records for the script."""

    text: str
    options: list


class PickerWidgetMixin:
    """The picker's input; its field (``picker``) turns the value into labels with ids."""

    search_url = ""
    multiple = False
    picker = None

    def get_context(self, name, value, attrs):
        options = []
        if self.picker is not None:
            shown = self.picker.display(value)
            value, options = shown.text, shown.options
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-picker-url"] = str(self.search_url)
        widget_attrs["data-picker-selected"] = json.dumps(options)
        widget_attrs.setdefault("autocomplete", "off")
        if self.multiple:
            widget_attrs["data-picker-multiple"] = ""
        return context

    def format_value(self, value):
        return "" if value is None else str(value)


class PickerInput(PickerWidgetMixin, forms.TextInput):
    pass


class MultiplePickerInput(PickerWidgetMixin, forms.Textarea):
    multiple = True

    def __init__(self, attrs=None):
        super().__init__({"rows": 3, **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        # Several values under one name (``?units=1&units=2``, as a <select multiple> sent them)
        # are read as several lines.
        if hasattr(data, "getlist") and len(values := data.getlist(name)) > 1:
            return "\n".join(values)
        return super().value_from_datadict(data, files, name)


class PickerField(forms.Field):
    """``PickerField(queries.UNITS)``, or ``PickerField(queries.PEOPLE, queryset=...)`` to narrow
    what may be chosen (and searched: give ``search_url`` an endpoint that searches the same)."""

    widget = PickerInput
    multiple = False
    default_error_messages = {
        "not_allowed": _("#%(pk)s cannot be chosen here."),
        "mismatch": _(
            "#%(pk)s is “%(label)s”, not “%(text)s”: type the name alone, or the id alone."
        ),
        "ambiguous": _(
            "“%(text)s” names several records: %(candidates)s. Type the one you mean with its id."
        ),
        "ambiguous_more": _(
            "“%(text)s” names more than %(count)s records, among them %(candidates)s. Type the "
            "one you mean with its id, or search for it."
        ),
        "unknown": _("Nothing that can be chosen here is named “%(text)s”."),
        "suggestions": _(
            "Nothing that can be chosen here is named “%(text)s”. Close matches: "
            "%(candidates)s. Type one of them with its id."
        ),
    }

    def __init__(
        self,
        source,
        *,
        queryset=None,
        search_url=None,
        empty_label=None,
        null_label=None,
        null_value=None,
        **kwargs,
    ):
        # empty_label, null_label and null_value come from django-filter's ModelChoiceFilter.
        self.source = source
        self.queryset = queryset if queryset is not None else source.queryset()
        help_text = kwargs.pop("help_text", "")
        picker_help = source.help_text
        if self.multiple:
            picker_help = format_lazy("{} {}", picker_help, MULTIPLE_HELP)
        kwargs["help_text"] = (
            format_lazy("{} {}", help_text, picker_help) if help_text else picker_help
        )
        super().__init__(**kwargs)
        self.search_url = search_url or source.url
        if empty_label:
            self.widget.attrs.setdefault("placeholder", empty_label)
        self.widget.picker = self
        self._resolved, self._known = {}, {}

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.picker = result
        result.queryset = self.queryset.all()
        result._resolved, result._known = {}, {}
        return result

    def name_choices_if_few(self, limit):
        """When the queryset holds ``limit`` records or fewer, the help text names them all (one
        query), so that a person without JavaScript sees what may be typed."""
        records = list(self.queryset.order_by(*self.source.ordering)[: limit + 1])
        if records and len(records) <= limit:
            choices = format_html_join("; ", "{}", ((self.source.text(r),) for r in records))
            self.help_text = format_html(
                "{} {}", self.help_text, format_html(str(CHOICES_HELP), choices=choices)
            )

    @property
    def search_url(self):
        return self.widget.search_url

    @search_url.setter
    def search_url(self, url):
        self.widget.search_url = url

    # Reading what was typed

    def tokens(self, text):
        parts = SEPARATORS.split(text) if self.multiple else [text]
        return [" ".join(part.split()) for part in parts if part.strip()]

    def resolve(self, text):
        """The records ``text`` names, with an error for each part that names none (cached: the
        form's clean and its rendering ask for the same text)."""
        if text not in self._resolved:
            self._resolved[text] = self._resolve(self.tokens(text))
        return self._resolved[text]

    def _resolve(self, tokens):
        parsed = []
        for token in tokens:
            match = queries.LABEL_WITH_ID.match(token) or queries.BARE_ID.match(token)
            parsed.append((token, int(match["pk"]) if match else None))
        found = queries.by_pk(self.queryset, {pk for _, pk in parsed if pk is not None})
        records, errors, unresolved = [], [], []
        for token, pk in parsed:
            record, error = self._resolve_one(token, pk, found)
            if record is not None:
                if record not in records:
                    records.append(record)
            else:
                errors.append(error)
                unresolved.append(token)
        return Resolved(records, errors, unresolved)

    def _resolve_one(self, token, pk, found):
        labelled = queries.LABEL_WITH_ID.match(token)
        if pk in found:
            record = found[pk]
            if labelled and not self._names(record, labelled["text"]):
                return None, self._error(
                    "mismatch", pk=pk, label=self.source.label(record), text=labelled["text"]
                )
            return record, None
        if labelled:
            return None, self._error("not_allowed", pk=pk)
        # A bare number that is no id here may still be an external reference or a name.
        candidates = queries.named(self.source, self.queryset, token)
        if len(candidates) == 1:
            return candidates[0], None
        if len(candidates) > queries.CANDIDATES_SHOWN:
            return None, self._error(
                "ambiguous_more",
                text=token,
                count=queries.CANDIDATES_SHOWN,
                candidates=self._list(candidates[: queries.CANDIDATES_SHOWN]),
            )
        if candidates:
            return None, self._error("ambiguous", text=token, candidates=self._list(candidates))
        if pk is not None:
            return None, self._error("not_allowed", pk=pk)
        if close := queries.resembling(self.source, self.queryset, token):
            return None, self._error("suggestions", text=token, candidates=self._list(close))
        return None, self._error("unknown", text=token)

    def _names(self, record, text):
        """Whether the text before "(#id)" is the record's label, name or an alias (or empty)."""
        wanted = " ".join(text.split()).casefold()
        names = [self.source.label(record), str(record)]
        if self.source.name_field:
            names.append(getattr(record, self.source.name_field))
        if self.source.alias_field:
            names += getattr(record, self.source.alias_field) or []
        return not wanted or wanted in {" ".join(name.split()).casefold() for name in names}

    def _list(self, records):
        return ", ".join(f"“{self.source.text(record)}”" for record in records)

    def _error(self, code, **params):
        return ValidationError(self.error_messages[code], code=code, params=params)

    # forms.Field

    def to_python(self, value):
        records = self._records(value)
        if self.multiple:
            return records
        return records[0] if records else None

    def _records(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, Model):
            return [value]
        if isinstance(value, list | tuple) or hasattr(value, "model"):
            if all(isinstance(item, Model) for item in value):
                return list(value)
            value = "\n".join(str(item) for item in value)
        resolved = self.resolve(str(value))
        if resolved.errors:
            raise ValidationError(resolved.errors)
        if not self.multiple and len(resolved.records) > 1:
            raise ValidationError(_("Choose one only."), code="one_only")
        return resolved.records

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value):
        """Records become their ids, as for Django's ModelChoiceField; the records are kept, so
        that showing them needs no query."""
        if isinstance(value, Model):
            self._known[value.pk] = value
            return value.pk
        if isinstance(value, list | tuple) or hasattr(value, "model"):
            return [self.prepare_value(item) for item in value]
        return value

    def _pk(self, value):
        value = self.prepare_value(value)
        return int(value) if isinstance(value, str) and value.isdigit() else value

    def display(self, value):
        """What the widget shows for a value: typed text as it resolves (or as typed), ids as
        their records' labels with ids."""
        if value in self.empty_values:
            return PickerValue("", [])
        if isinstance(value, str):
            resolved = self.resolve(value)
            records, unresolved = resolved.records, resolved.unresolved
        else:
            records, unresolved = self._records_of(value), []
        texts = [self.source.text(record) for record in records] + unresolved
        options = [{"id": record.pk, "text": self.source.text(record)} for record in records]
        options += [{"id": token, "text": token} for token in unresolved]
        return PickerValue(("\n" if self.multiple else "; ").join(texts), options)

    def _records_of(self, value):
        """The records of ids: those already known and ready to label as they are, the others
        read in one query."""
        pks = [self._pk(item) for item in (value if isinstance(value, list) else [value])]
        ready = {
            pk: self._known[pk]
            for pk in pks
            if pk in self._known and self.source.can_label(self._known[pk])
        }
        found = {**queries.by_pk(self.queryset, set(pks) - set(ready)), **ready}
        return [found[pk] for pk in pks if pk in found]

    def has_changed(self, initial, data):
        try:
            chosen = {record.pk for record in self._records(data)}
        except ValidationError:
            return True
        if initial in self.empty_values:
            return bool(chosen)
        many = isinstance(initial, list | tuple) or hasattr(initial, "model")
        return chosen != {self._pk(item) for item in (initial if many else [initial])}


class MultiplePickerField(PickerField):
    widget = MultiplePickerInput
    multiple = True


class PickerFormMixin:
    """For a ModelForm: a picker of a foreign key starts from the instance's related record when
    it is already loaded (``select_related``), instead of reading it again by id."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, PickerField) or field.multiple:
                continue
            try:
                model_field = self.instance._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if (
                model_field.many_to_one
                and model_field.is_cached(self.instance)
                and self.initial.get(name) == getattr(self.instance, model_field.attname)
            ):
                self.initial[name] = getattr(self.instance, name)


class PickerFilter(django_filters.ModelChoiceFilter):
    """A django-filter filter with a picker: ``?unit=123`` and ``?unit=2nd Brigade`` alike.

    A ModelChoiceFilter, so that the API's schema still types the parameter as the record's id."""

    field_class = PickerField

    def __init__(self, *args, **kwargs):
        # An empty picker needs no "---------" choice; an explicit label becomes its placeholder.
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, **kwargs)
