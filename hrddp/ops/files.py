"""The kept files in backups (issue 17): every file a ``FileField`` of an installed model names
(the attached files, hrddp.documents, and their history), in a tar archive beside the dump,
``<name>.files.tar.age``, encrypted like it.

The files are read and written through each field's storage (the local folder or an S3 bucket),
never as paths, so the same commands back up and restore either. Found through Django's registry
of models rather than by importing the apps that own them: this app lies below them.

A restore writes back only the files the restored database names, under those names: an archive
cannot place a file anywhere else. One file at a time is held in memory while it is written, as
django-storages does itself when it reads an object.
"""

import os
import tarfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pghistory.models
import pyrage
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, models

ARCHIVE = ".files.tar"
CHUNK = 1024 * 1024


def companion(dump, encrypted):
    """The files archive that goes with the dump ``dump``: hrddp-<time>.dump.age goes with
    hrddp-<time>.files.tar.age, backup.dump with backup.files.tar."""
    dump = Path(dump)
    stem = dump.name.removesuffix(".age").removesuffix(".dump")
    return dump.with_name(f"{stem}{ARCHIVE}{'.age' if encrypted else ''}")


def find_companion(dump):
    """The files archive beside ``dump``, encrypted or not, or None."""
    for encrypted in (True, False):
        path = companion(dump, encrypted)
        if path.is_file():
            return path
    return None


def named_files(using=DEFAULT_DB_ALIAS):
    """{name: storage} of every file a FileField of an installed model names, in name order. Not
    the history's copies of those rows: a file deleted with its row has left the store, and its
    history keeps only what it was (name, size, SHA-256)."""
    files = {}
    for model in apps.get_models():
        if model._meta.proxy or issubclass(model, pghistory.models.Event):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            names = (
                model._base_manager.using(using)
                .exclude(**{f"{field.attname}__isnull": True})
                .exclude(**{field.attname: ""})
                .order_by()
                .values_list(field.attname, flat=True)
                .distinct()
            )
            for name in names:
                files.setdefault(name, field.storage)
    return dict(sorted(files.items()))


def write_archive(stream, files, missing):
    """A tar stream of ``files`` ({name: storage}) into ``stream``, each under its stored name;
    ``missing(name, error)`` is told of each file the store does not give."""
    count = 0
    with tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT) as archive:
        for name, storage in files.items():
            try:
                size = storage.size(name)
                handle = storage.open(name, "rb")
            except Exception as error:  # gone, unreadable, the store unreachable
                missing(name, error)
                continue
            with handle:
                member = tarfile.TarInfo(name)
                member.size = size
                member.mode = 0o600
                archive.addfile(member, handle)
            count += 1
    return count


def read_archive(stream, files, unknown):
    """Write back each file of the tar stream ``stream`` that ``files`` ({name: storage}) names,
    replacing what its storage holds under that name; ``unknown(name)`` is told of the others."""
    count = 0
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
            storage = files.get(member.name)
            if storage is None or not member.isfile():
                unknown(member.name)
                continue
            content = ContentFile(archive.extractfile(member).read(), name=member.name)
            if storage.exists(member.name):
                storage.delete(member.name)
            saved = storage.save(member.name, content)
            if saved != member.name:
                raise CommandError(f"The store kept {member.name} as {saved}.")
            count += 1
    return count


@contextmanager
def _pipe():
    read_fd, write_fd = os.pipe()
    with open(read_fd, "rb") as reader, open(write_fd, "wb") as writer:
        yield reader, writer


def _in_thread(work, writer):
    """Run ``work()`` in a thread that closes ``writer`` when done; returns (thread, errors)."""
    errors = []

    def run():
        try:
            with writer:
                work()
        except BaseException as error:  # raised again in the calling thread
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def encrypt_archive(output, files, recipients, missing):
    """``write_archive`` encrypted with age to ``recipients`` as it streams into ``output``."""
    counted = []
    with _pipe() as (reader, writer):
        thread, errors = _in_thread(
            lambda: counted.append(write_archive(writer, files, missing)), writer
        )
        try:
            pyrage.encrypt_io(reader, output, recipients)
        except pyrage.EncryptError as error:
            raise CommandError(f"Encryption failed: {error}") from error
        finally:
            reader.close()  # a writer still at work stops on a broken pipe
            thread.join()
    if errors:
        raise errors[0]
    return counted[0]


def decrypt_archive(source, identities, files, unknown):
    """``read_archive`` of the age-encrypted ``source``, decrypted as it streams."""
    with _pipe() as (reader, writer):
        thread, errors = _in_thread(lambda: pyrage.decrypt_io(source, writer, identities), writer)
        try:
            count = read_archive(reader, files, unknown)
            # What follows the archive's end (its padding) is read, so the decryption ends.
            while reader.read(CHUNK):
                pass
        except BaseException:
            reader.close()
            thread.join()
            raise_decrypt_error(errors)
            raise
        reader.close()
        thread.join()
    raise_decrypt_error(errors)
    if errors:
        raise errors[0]
    return count


def raise_decrypt_error(errors):
    for error in errors:
        if isinstance(error, pyrage.DecryptError):
            raise CommandError(
                f"Cannot decrypt the files archive (not the key it was encrypted for?): {error}"
            ) from error
