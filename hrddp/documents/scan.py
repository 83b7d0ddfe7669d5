"""The optional virus scan of an attached file, by clamd (issue 17, "Safety").

With ``settings.CLAMD_URL`` empty nothing is scanned. With it set, each file is streamed to clamd
(INSTREAM, through clamav-client) before it is kept: a detection raises ``Infected``, and a scan
that could not be done (clamd unreachable, too slow, or answering an error) raises ``ScanFailed``.
The scan fails closed: the caller refuses the file in both cases. Both are ValidationErrors, so a
form or serializer that calls ``scan`` shows their message to the user.
"""

import logging
from urllib.parse import urlsplit

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


class Infected(ValidationError):
    """clamd found ``signature`` (the name of what it detected) in the file."""

    def __init__(self, signature):
        self.signature = signature
        super().__init__(
            gettext("This file was refused: the virus scanner found %(signature)s."),
            code="infected",
            params={"signature": signature},
        )


class ScanFailed(ValidationError):
    """The file could not be scanned; ``reason`` says why, for the log (not for the user)."""

    def __init__(self, reason):
        self.reason = reason
        super().__init__(
            gettext(
                "This file could not be checked for viruses; it was not saved. "
                "Try again later or tell your administrator."
            ),
            code="scan_failed",
        )


def scan(file):
    """Scan ``file`` (a Django File or UploadedFile) with clamd when CLAMD_URL is set.

    The file is streamed from its start, whatever its position, and rewound afterwards so that the
    caller can save it. Returns None when the file is clean or not scanned; raises ``Infected`` or
    ``ScanFailed``.
    """
    if not settings.CLAMD_URL:
        return
    client = _client(settings.CLAMD_URL, settings.CLAMD_TIMEOUT_SECONDS)
    file.seek(0)
    try:
        report = client.instream(file)
    # OSError too: clamd may close the connection while the file is still being sent (its
    # StreamMaxLength exceeded), which the client does not wrap in its own errors.
    except (ClamdError, OSError) as error:
        raise _failed(f"{type(error).__name__}: {error}") from error
    finally:
        file.seek(0)
    status, details = report.get("stream", (None, None))
    if status == "FOUND":
        logger.warning("clamd found %s in %r; the file is refused", details, file.name)
        raise Infected(details)
    if status != "OK":
        raise _failed(f"clamd answered {report!r}")


def _client(url, timeout):
    """A clamav-client connection for ``tcp://host:port`` or ``unix:///path``."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        port = None
    if parts.scheme == "tcp" and parts.hostname and port:
        return ClamdNetworkSocket(host=parts.hostname, port=port, timeout=timeout)
    if parts.scheme == "unix" and parts.path:
        return ClamdUnixSocket(path=parts.path, timeout=timeout)
    # A mistyped address must not let files through unscanned.
    raise _failed(f"CLAMD_URL {url!r} is neither tcp://host:port nor unix:///path")


def _failed(reason):
    logger.error("Virus scan failed, the file is refused: %s", reason)
    return ScanFailed(reason)
