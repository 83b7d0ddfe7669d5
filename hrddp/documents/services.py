"""Attaching a file to a record and reading it back (issue 17): the pages, the API and the
two-server test call these, so every file goes through the same checks and every download is
written in the history."""

import hashlib
import logging
from pathlib import PurePath

import filetype
import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from . import scan
from .models import Attachment

logger = logging.getLogger(__name__)

# The types accepted, read from the file's first bytes (its "magic number"), never from its name:
# documents, pictures, and a witness's recording. Nothing that runs or renders in a browser (HTML,
# SVG, scripts), nothing with macros (.doc, .xls), no archives.
ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "image/tiff": "TIFF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
    "application/vnd.oasis.opendocument.text": "OpenDocument text (.odt)",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet (.ods)",
    "audio/mpeg": "MP3",
    "audio/mp4": "M4A",
    "video/mp4": "MP4",
}
CHUNK = 1024 * 1024
# A sanitised name is cut to this many characters before its extension.
NAME_STEM_MAX = 120


def accepted_types_text():
    return ", ".join(sorted(set(ACCEPTED_TYPES.values())))


def read_type(file):
    """The file's type as its content says (``filetype``), or None when it is none it knows."""
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    kind = filetype.guess(head)
    return kind


def sanitised_name(name, extension):
    """The name offered on download: no folders, only letters, digits, dots, dashes and
    underscores, at most NAME_STEM_MAX characters before an extension that is the content's."""
    stem = PurePath(str(name).replace("\\", "/")).name
    path = PurePath(stem)
    stem = path.stem if path.suffix.lower().lstrip(".") == extension else path.name
    try:
        stem = get_valid_filename(stem)
    except Exception:  # SuspiciousFileOperation: nothing usable left ("..", "")
        stem = ""
    stem = stem.strip("._-")[:NAME_STEM_MAX] or "document"
    return f"{stem}.{extension}"


def checked(uploaded):
    """Refuse ``uploaded`` (an UploadedFile) unless it is small enough, of an accepted type by its
    content and clean by the virus scan (when clamd is configured). Returns
    (content type, extension, SHA-256, size); raises ValidationError with a message for the
    uploader. Nothing is stored before this has passed."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("This file is %(size)s; files of at most %(limit)s are accepted.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    kind = read_type(uploaded)
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        raise ValidationError(
            _(
                "The content of “%(name)s” is not of an accepted type, whatever its name says. "
                "Accepted: %(types)s."
            )
            % {"name": PurePath(str(uploaded.name)).name, "types": accepted_types_text()},
            code="type",
        )
    scan.scan(uploaded)
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks(CHUNK):
        digest.update(chunk)
    uploaded.seek(0)
    return kind.mime, kind.extension, digest.hexdigest(), uploaded.size


def add_attachment(record, uploaded, *, title, user, date=None, identifies_people=False):
    """Keep ``uploaded`` with ``record`` once it has passed ``checked``. The file is written to
    the store first, then its row; if the row cannot be written, the file is removed again."""
    content_type, extension, sha256, size = checked(uploaded)
    attachment = Attachment(
        title=title,
        date=date,
        identifies_people=identifies_people and record._meta.model_name == "violation",
        filename=sanitised_name(uploaded.name, extension),
        content_type=content_type,
        size=size,
        sha256=sha256,
        added_by=user,
    )
    attachment.set_owner(record)
    attachment.full_clean(exclude=["file"])
    attachment.file.save("upload", uploaded, save=False)
    try:
        with transaction.atomic():
            attachment.save()
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def open_for_download(attachment, user):
    """The stored file, opened, and the download written in the attachment's history (who, when:
    the history's context). The caller has checked that ``user`` may read it."""
    handle = attachment.file.storage.open(attachment.file.name, "rb")
    with transaction.atomic(), pghistory.context(user=user.pk, download=attachment.pk):
        pghistory.create_event(attachment, label="download")
    return handle


def file_problems(attachments=None):
    """(attachment, problem) for each file missing from the store or whose content no longer has
    its recorded SHA-256: ``verify_history`` reports them."""
    attachments = Attachment.objects.all() if attachments is None else attachments
    storage = Attachment._meta.get_field("file").storage
    for attachment in attachments.only("pk", "file", "sha256").order_by("pk").iterator():
        try:
            with storage.open(attachment.file.name, "rb") as handle:
                digest = hashlib.sha256()
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
        except Exception as error:  # missing, unreadable, the store unreachable
            logger.warning("Attachment %s: %s", attachment.pk, error)
            yield attachment, "file_missing"
            continue
        if digest.hexdigest() != attachment.sha256:
            yield attachment, "file_changed"
