"""Attaching a file to a record and reading it back (issue 17): the pages, the API and the
two-server test call these, so every file goes through the same checks and every download is
written in the history."""

import hashlib
import logging
import zipfile
from pathlib import PurePath

import filetype
import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    "application/vnd.oasis.opendocument.text": gettext_lazy("OpenDocument text (.odt)"),
    "application/vnd.oasis.opendocument.spreadsheet": gettext_lazy(
        "OpenDocument spreadsheet (.ods)"
    ),
    "audio/mpeg": "MP3",
    "audio/mp4": "M4A",
    "video/mp4": "MP4",
}
# The accepted types that are zip archives: their parts are read too, and one that carries macros,
# ActiveX controls or an embedded program is refused (a .docx is only a zip whose first entries
# are named word/...).
OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "[Content_Types].xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "[Content_Types].xml",
    "application/vnd.oasis.opendocument.text": "mimetype",
    "application/vnd.oasis.opendocument.spreadsheet": "mimetype",
}
ACTIVE_PARTS = ("vbaproject.bin", "activex", "/embeddings/", "basic/", ".exe", ".dll", ".js")
CHUNK = 1024 * 1024
# A sanitised name is cut to this many characters before its extension.
NAME_STEM_MAX = 120


def accepted_types_text():
    return ", ".join(sorted({str(label) for label in ACCEPTED_TYPES.values()}))


def office_document_is_inert(file, mime):
    """A .docx, .xlsx, .odt or .ods is a zip: true when it is a whole one, with the part that
    makes it a document of its kind, and no macros, ActiveX controls, embedded objects or
    programs among its parts."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = [name.lower() for name in archive.namelist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    if OFFICE_TYPES[mime].lower() not in names:
        return False
    return not any(part in name for name in names for part in ACTIVE_PARTS)


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
    if kind.mime in OFFICE_TYPES and not office_document_is_inert(uploaded, kind.mime):
        raise ValidationError(
            _(
                "“%(name)s” is not a plain document: it is damaged, or it carries macros, "
                "controls or embedded programs. Save it again as a plain document, or as PDF."
            )
            % {"name": PurePath(str(uploaded.name)).name},
            code="active_content",
        )
    scan.scan(uploaded)
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks(CHUNK):
        digest.update(chunk)
    uploaded.seek(0)
    return kind.mime, kind.extension, digest.hexdigest(), uploaded.size


def identifies_people_default(record):
    """Evidence on a violation is taken to identify a victim, witness or source (HROs only) unless
    the HRO says it does not: a forgotten tick must not open a medical certificate to managers."""
    return record._meta.model_name == "violation"


def add_attachment(record, uploaded, *, title, user, date=None, identifies_people=None):
    """Keep ``uploaded`` with ``record`` once it has passed ``checked``. The file is written to
    the store first, then its row; if the row cannot be written, the file is removed again.
    ``identifies_people``: for evidence on a violation only (None: ``identifies_people_default``)."""
    if identifies_people is None:
        identifies_people = identifies_people_default(record)
    if identifies_people and record._meta.model_name != "violation":
        raise ValidationError(
            {
                "identifies_people": _(
                    "Only evidence on a violation can identify a victim, witness or source."
                )
            }
        )
    content_type, extension, sha256, size = checked(uploaded)
    attachment = Attachment(
        title=title,
        date=date,
        identifies_people=identifies_people,
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


def remove_attachment(attachment, user, reason):
    """Remove a file attached by mistake (the wrong letter, evidence marked the wrong way), with
    why: the row's history keeps what it was (title, name, size, SHA-256), who removed it and why;
    the stored file leaves the store once the removal commits."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the file is removed: the history keeps the reason.")}
        )
    with transaction.atomic(), pghistory.context(user=user.pk, reason=reason):
        attachment.delete()


def open_for_download(attachment, user):
    """The stored file, opened, and the download written in the attachment's history (who, when:
    the history's context). The caller has checked that ``user`` may read it."""
    storage = attachment.file.storage
    if not storage.exists(attachment.file.name):
        logger.error(
            "Attachment %s: %s is missing from the store (manage.py verify_history names them)",
            attachment.pk,
            attachment.file.name,
        )
        raise Http404("The file is missing from the store.")
    handle = storage.open(attachment.file.name, "rb")
    with transaction.atomic(), pghistory.context(user=user.pk, download=attachment.pk):
        pghistory.create_event(attachment, label="download")
    return handle


def download_response(attachment, user):
    """The file as a download (``open_for_download``), never shown inline; a sandbox policy in case
    a browser renders it anyway."""
    response = FileResponse(
        open_for_download(attachment, user),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


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
