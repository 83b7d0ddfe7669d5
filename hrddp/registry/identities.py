"""Sources' identities and contacts, encrypted with a key of each source's own (domain.md 7).

Each source has a ``SourceKey``: a random Fernet key (``cryptography``), stored wrapped (encrypted)
with the master key ``FIELD_ENCRYPTION_KEY`` from the environment. The identity and contact
columns, of the source's table and of its history, hold Fernet tokens made with that key; the
history tracks the tokens, never the key (``SourceKey`` is not tracked). Erasing a source deletes
its key: every token ever written for it, in the table, in its history and in any backup made
afterwards, can no longer be read by anyone, while the history rows themselves (and their seals)
stay as they were.

``SealedCharField`` makes this transparent: the model's attribute is the clear text (forms, the
API, pages read and write it as before), the column holds the token. A token is decrypted on first
read of the attribute, with the instance's key; a value not changed since it was read is written
back as the same token, so saving a source does not make its identity look changed in its history.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute


@cache
def _master(keys):
    return MultiFernet([Fernet(key) for key in keys])


def master_key():
    """The master key: the first of ``FIELD_ENCRYPTION_KEY`` wraps, every one of them unwraps (so
    a new key can be put first, and the keys rewrapped with ``manage.py rewrap_source_keys``)."""
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is required with DEBUG off.")
    try:
        return _master(keys)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEY must be Fernet keys (32 bytes, URL-safe base64): {error}"
        ) from error


def new_wrapped_key():
    """A new random key for one source, wrapped with the master key (what ``SourceKey`` stores)."""
    return master_key().encrypt(Fernet.generate_key()).decode()


def unwrap(wrapped):
    try:
        return Fernet(master_key().decrypt(wrapped.encode()))
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A source key cannot be unwrapped: FIELD_ENCRYPTION_KEY is not the key it was "
            "wrapped with."
        ) from error


def seal(wrapped, text):
    return unwrap(wrapped).encrypt(text.encode()).decode() if text else ""


def unseal(wrapped, token):
    """The clear text of ``token``; "" once the key is destroyed (``wrapped`` None)."""
    if not token or wrapped is None:
        return ""
    return unwrap(wrapped).decrypt(token.encode()).decode()


class Sealed(str):
    """A token as read from the database, not yet decrypted."""


class SealedAttribute(DeferredAttribute):
    """A data descriptor (it has ``__set__``), so that every read goes through ``__get__``, even
    when the instance holds the value."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            field = self.field
            key = field.key_of(instance)
            clear = unseal(key.wrapped if key else None, value)
            instance.__dict__[field.attname] = clear
            instance.__dict__[field.cache_name] = (clear, str(value), key.pk if key else None)
            value = clear
        return value


class SealedCharField(models.CharField):
    """A CharField whose column holds the value encrypted with the instance's own key (the
    foreign key ``key_field`` to ``SourceKey``, declared after this field, so that the key this
    field creates on first save is the one saved with the row)."""

    descriptor_class = SealedAttribute

    def __init__(self, *args, key_field="key", **kwargs):
        self.key_field = key_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.key_field != "key":
            kwargs["key_field"] = self.key_field
        return name, path, args, kwargs

    def db_type(self, connection):
        # A token is about 1.4 times the text and 100 bytes more: the length limit is the text's.
        return "text"

    def cast_db_type(self, connection):
        return "text"

    @property
    def cache_name(self):
        return f"_sealed_{self.attname}"

    def key_of(self, instance):
        key_id = getattr(instance, f"{self.key_field}_id")
        if key_id is None:
            return None
        try:
            return getattr(instance, self.key_field)
        except models.ObjectDoesNotExist:  # destroyed by an erasure
            return None

    def from_db_value(self, value, expression, connection):
        return Sealed(value) if value else value

    def pre_save(self, model_instance, add):
        clear = getattr(model_instance, self.attname) or ""
        if not clear:
            return ""
        key = self.key_of(model_instance)
        if key is None:
            # The first value of a source: its key is made now, saved before the source.
            key_model = model_instance._meta.get_field(self.key_field).related_model
            key = key_model.objects.create(wrapped=new_wrapped_key())
            setattr(model_instance, self.key_field, key)
        cached = model_instance.__dict__.get(self.cache_name)
        if cached and cached[0] == clear and cached[2] == key.pk:
            return cached[1]
        token = seal(key.wrapped, clear)
        model_instance.__dict__[self.cache_name] = (clear, token, key.pk)
        return token


def history_keys(events):
    """The wrapped keys the ``events`` (history rows) name, in one query per key model:
    ``{(key model, key id): wrapped}``, for ``history_value``. A destroyed key is absent."""
    from django.apps import apps

    wanted = {}
    for event in events:
        model = apps.get_model(event.pgh_obj_model)
        for field in model._meta.concrete_fields:
            if isinstance(field, SealedCharField):
                key_model = model._meta.get_field(field.key_field).related_model
                key_id = (event.pgh_data or {}).get(f"{field.key_field}_id")
                if key_id is not None:
                    wanted.setdefault(key_model, set()).add(key_id)
    return {
        (key_model, pk): wrapped
        for key_model, ids in wanted.items()
        for pk, wrapped in key_model.objects.filter(pk__in=ids).values_list("pk", "wrapped")
    }


def history_value(field, value, data, keys):
    """What a history row shows of a column's ``value``: for a sealed field, the clear text,
    decrypted with the key the row names (``data``: the event's row; ``keys``: ``history_keys``
    of the rows shown); "" once that key is destroyed.
    """
    if not isinstance(field, SealedCharField) or not value:
        return value
    key_model = field.model._meta.get_field(field.key_field).related_model
    wrapped = keys.get((key_model, data.get(f"{field.key_field}_id")))
    try:
        return unseal(wrapped, value)
    except InvalidToken:  # a token of the key before (none is ever replaced but by erasure)
        return ""


def give_keys(sources):
    """Give each of ``sources`` (unsaved) its key in one INSERT, for bulk loads (the demo seed):
    saved one by one, each source would make its own key with one INSERT each."""
    key_field = sources[0]._meta.get_field("key") if sources else None
    if key_field is None:
        return
    keys = key_field.related_model.objects.bulk_create(
        [key_field.related_model(wrapped=new_wrapped_key()) for _source in sources]
    )
    for source, key in zip(sources, keys, strict=True):
        source.key = key
