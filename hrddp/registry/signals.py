"""Keeping the index of names (``PersonNameKey``) in line with the people (issue 15).

A receiver rather than a call in each service: people are written by the registry pages, the
API, the import (row by row, through ``save``) and merging, and every one of those saves. Rows
written without ``save`` (``seed_demo``'s COPY, ``restore``) are indexed by
``matching.index_all`` (``manage.py index_names``), which those commands call.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from . import matching
from .models import Person

# The fields the index is derived from: a save that names none of them leaves it alone.
INDEXED_FIELDS = frozenset({"name", "aliases", "merged_into"})


@receiver(post_save, sender=Person, dispatch_uid="registry.index_person_names")
def index_person_names(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not INDEXED_FIELDS & set(update_fields):
        return
    matching.index_person(instance)
