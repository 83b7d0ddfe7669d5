"""A file leaves the store with its row: when a record goes (a participant removed from a request,
say), its identity documents do not stay behind in the bucket. The row's history keeps what the
file was (name, size, SHA-256)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Attachment


@receiver(post_delete, sender=Attachment, dispatch_uid="documents.delete_stored_file")
def delete_stored_file(sender, instance, using, **kwargs):
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name), using=using)
