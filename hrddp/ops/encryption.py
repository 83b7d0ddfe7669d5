"""Encryption of backups with age (https://age-encryption.org, through pyrage, the Python binding of
its Rust implementation): a standard file format that streams, so a dump of any size goes from
pg_dump to the encrypted file, and back to pg_restore, without ever being written to disk in clear.

Backups are encrypted to one or more age *recipients* (public keys, ``BACKUP_AGE_RECIPIENTS``): the
server that writes them can encrypt but not read them. Restoring needs the matching *identity*
(secret key), kept away from that server and given only where and when a restore is done: an age
identity file (``restore --identity FILE``) or ``BACKUP_AGE_IDENTITY``.
"""

import os
from pathlib import Path

import pyrage
from django.conf import settings
from django.core.management.base import CommandError

# The first line of every age file (the format's version line).
AGE_HEADER = b"age-encryption.org/v1"


def recipients():
    """The age recipients of ``BACKUP_AGE_RECIPIENTS``; an error naming the variable if unset."""
    names = [name.strip() for name in settings.BACKUP_AGE_RECIPIENTS if name.strip()]
    if not names:
        raise CommandError(
            "No backup key: set BACKUP_AGE_RECIPIENTS to the age public key(s) backups are "
            "encrypted to (see README, Backup and restore), or pass --unencrypted to write a "
            "backup anyone who gets the file can read (development only)."
        )
    try:
        return [pyrage.x25519.Recipient.from_str(name) for name in names]
    except pyrage.RecipientError as error:
        raise CommandError(
            f"BACKUP_AGE_RECIPIENTS holds an invalid age public key: {error}"
        ) from error


def identities(identity_file=None):
    """The age identities (secret keys) of ``identity_file``, else of ``BACKUP_AGE_IDENTITY``."""
    if identity_file:
        text = Path(identity_file).read_text()
    else:
        text = settings.BACKUP_AGE_IDENTITY
    # An identity file as age-keygen writes it: comment lines, then one key per line.
    keys = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not keys:
        raise CommandError(
            "This backup is encrypted: give the secret key it was encrypted for, with "
            "--identity FILE (an age identity file) or BACKUP_AGE_IDENTITY."
        )
    try:
        return [pyrage.x25519.Identity.from_str(key) for key in keys]
    except pyrage.IdentityError as error:
        raise CommandError(f"Not an age secret key: {error}") from error


def is_encrypted(path):
    with open(path, "rb") as file:
        return file.read(len(AGE_HEADER)) == AGE_HEADER


def private_folder(folder, *, existing_too=False):
    """Create ``folder`` readable by its owner only (0700); ``existing_too`` tightens it if it
    already exists (our own var/backups, which older versions made 0755)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        if existing_too:
            folder.chmod(0o700)


def create_private_file(path):
    """Open a new file at ``path`` for writing, readable by its owner only (0600) from the moment it
    exists: created with that mode, never an existing file or link followed."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    # The umask can only take permissions away; make sure nothing else was.
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")
