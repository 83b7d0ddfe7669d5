"""Reading an import file into a table, within limits checked before anything is parsed (issue 12,
hole 5).

A 1.5 KB spreadsheet can declare a sheet of 16,384 columns and a million rows, or hold a zip member
that inflates to gigabytes; read naively, either exhausts the worker's memory. So, before any
parser sees the file:

- its size is at most ``IMPORT_MAX_FILE_BYTES``;
- for an .xlsx, the sizes its zip members declare add up to at most ``IMPORT_MAX_UNCOMPRESSED_BYTES``
  (Python's zip reader never inflates a member beyond its declared size, so the sum bounds what
  is read);
- the shared strings (openpyxl loads every one before the first row) number at most
  ``IMPORT_MAX_SHARED_STRINGS``, counted by scanning the members in chunks;
- the ``<dimension ref=...>`` each sheet declares, read from the first few kilobytes of the sheet,
  stays within ``IMPORT_MAX_ROWS`` rows (plus the line of column names) and
  ``IMPORT_MAX_COLUMNS`` columns.

A CSV is decoded a line at a time; a record holding more than ``MAX_CSV_SEPARATORS`` separators
is refused before the csv module builds it as a list of fields. Its encoding (UTF-8 with or
without a byte order mark, else Windows-1252 or Latin-1 as its bytes say) and its delimiter
(comma, semicolon or tab: French Excel saves with semicolons) are detected, or chosen by the user;
the dry run says which were used.

Then only the columns the kind reads are parsed: the line of column names is read up to
``IMPORT_MAX_COLUMNS`` columns, and the rows only up to the last column the kind knows, row by
row (openpyxl's read-only mode with ``max_col``/``max_row``, never the declared grid). A file
with more rows than ``IMPORT_MAX_ROWS`` is refused as soon as the row after the limit is read.

A cell holding a control character (NUL and the other C0/C1 controls but tab and line breaks) is
an error of its row and column; the character is removed so that the rest of the check can run,
and the file cannot be imported. XLSX cells are decoded as the format says: ``_x0000_`` is the
character U+0000 (Excel writes control characters so).

Errors are ``ImportFileError``: a message id (marked with ``gettext_noop``) and its parameters,
stored so and rendered in the reader's language.
"""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from hrddp import texts

from .columns import IMPORT_COLUMNS

FORMATS = {"csv": "csv", "xlsx": "xlsx"}
# The <dimension> element comes right after <sheetPr>, at the start of the sheet's XML.
DIMENSION_HEAD_BYTES = 64 * 1024
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?ref\s*=\s*[\"']([^\"']*)[\"']")
CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?$")
# ECMA-376 ST_Xstring: a character XML cannot hold is written _xHHHH_.
XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# C0 and C1 control characters and DEL, but tab, line feed and carriage return.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A shared string: openpyxl loads them all before the first row, ~150 bytes each however short.
SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
SCAN_CHUNK = 1 << 20
# Commas in one CSV record (its quoted texts' included) beyond which it is refused unparsed.
MAX_CSV_SEPARATORS = 100_000


class ImportFileError(ValueError):
    """The file cannot be read as a table, or is over a limit. ``msgid`` is marked with
    ``gettext_noop``; ``stored()`` is what a job keeps, ``str()`` the message in the active
    language."""

    def __init__(self, msgid, **params):
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def stored(self):
        return [self.msgid, self.params]

    def __str__(self):
        return render(self.stored())


def render(message):
    """A stored message (``[msgid, params]``, or text kept by older jobs) in the active language."""
    if isinstance(message, str):
        return message
    msgid, params = message
    return gettext(msgid) % params


def megabytes(size):
    return f"{size / (1024 * 1024):.0f}"


def file_format(file_name):
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        raise ImportFileError(gettext_noop("Upload a .csv or .xlsx file."))
    return FORMATS[extension]


# Before parsing


def check_size(size):
    limit = settings.IMPORT_MAX_FILE_BYTES
    if size > limit:
        raise ImportFileError(
            gettext_noop("The file is larger than %(limit)s MB."), limit=megabytes(limit)
        )


def check_upload(file_name, size):
    """What can be told of an upload before reading it: its format and its size (the form and the
    API both ask here; the limits on what is inside are checked when it is read)."""
    file_format(file_name)
    check_size(size)


def parse_ref(ref):
    """``"A1:XFD1048576"`` → (columns, rows) of its last cell; None for a reference not
    understood."""
    last = ref.split(":")[-1].strip()
    match = CELL_REF.match(last)
    if not match or not any(match.groups()):
        return None
    letters, digits = match.groups()
    columns = 0
    for letter in (letters or "A").upper():
        columns = columns * 26 + ord(letter) - ord("A") + 1
    return columns, int(digits or 1)


def declared_dimension(archive, member):
    """The (columns, rows) a sheet declares, from the start of its XML only."""
    with archive.open(member) as stream:
        head = stream.read(DIMENSION_HEAD_BYTES)
    match = DIMENSION.search(head)
    return parse_ref(match.group(1).decode("ascii", "replace")) if match else None


def count_shared_strings(archive, member):
    """The ``<si>`` elements of a member, read a chunk at a time (constant memory)."""
    found, tail = 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            buffer = tail + chunk
            # A match ending inside the tail was counted with the previous chunk.
            found += sum(1 for match in SHARED_STRING.finditer(buffer) if match.end() > len(tail))
            tail = buffer[-16:]
    return found


def check_shared_strings(archive, members):
    """Every XML part but the sheets may be the shared strings (the content types name it)."""
    limit = settings.IMPORT_MAX_SHARED_STRINGS
    found = 0
    for member in members:
        if member.filename.startswith("xl/worksheets/") or not member.filename.endswith(".xml"):
            continue
        try:
            found += count_shared_strings(archive, member)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise ImportFileError(
                gettext_noop("The file could not be read: %(error)s"), error=str(error)
            ) from None
        if found > limit:
            raise ImportFileError(
                gettext_noop(
                    "The spreadsheet holds more than %(limit)s different texts; at most "
                    "%(limit)s are read. Split it, or save it as CSV (UTF-8)."
                ),
                limit=limit,
            )


def check_xlsx(content):
    """The zip's declared sizes and the sheets' declared dimensions, before openpyxl sees it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ImportFileError(
            gettext_noop("The file could not be read: it is not an Excel (.xlsx) file.")
        ) from None
    with archive:
        members = archive.infolist()
        uncompressed = sum(member.file_size for member in members)
        limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
        if uncompressed > limit:
            raise ImportFileError(
                gettext_noop(
                    "The spreadsheet unpacks to %(size)s MB; at most %(limit)s MB are read. "
                    "Save a copy holding only the data to import."
                ),
                size=megabytes(uncompressed),
                limit=megabytes(limit),
            )
        check_shared_strings(archive, members)
        for member in members:
            if not (
                member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
            ):
                continue
            try:
                dimension = declared_dimension(archive, member)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                raise ImportFileError(
                    gettext_noop("The file could not be read: %(error)s"), error=str(error)
                ) from None
            if dimension is None:
                continue
            columns, rows = dimension
            if columns > settings.IMPORT_MAX_COLUMNS or rows > settings.IMPORT_MAX_ROWS + 1:
                raise ImportFileError(
                    gettext_noop(
                        "The sheet declares %(columns)s columns and %(rows)s lines; at most "
                        "%(max_columns)s columns and %(max_rows)s rows (after the line of column "
                        "names) are read. Delete the empty columns and rows after the data, or "
                        "copy only the data to a new sheet, and upload it again."
                    ),
                    columns=columns,
                    rows=rows,
                    max_columns=settings.IMPORT_MAX_COLUMNS,
                    max_rows=settings.IMPORT_MAX_ROWS,
                )


# Parsing


@dataclass
class Table:
    headers: list
    rows: list  # each as long as ``headers``
    # {line: [[column, message], ...]}: cells holding a control character
    cell_errors: dict = field(default_factory=dict)
    # A CSV file's [delimiter, encoding] (``describe``); None for a spreadsheet.
    detected: list | None = None


def read_width(headers, kind):
    """How many columns to read: up to the last one the kind knows (all of them without a kind)."""
    if kind is None:
        return len(headers)
    known = {name for name, _required, _help in IMPORT_COLUMNS[kind]}
    width = 0
    for index, header in enumerate(headers, 1):
        if header in known:
            width = index
    return width


def too_many_rows():
    return ImportFileError(
        gettext_noop(
            "The file has more than %(limit)s rows; split it into files of at most %(limit)s rows."
        ),
        limit=settings.IMPORT_MAX_ROWS,
    )


def control_message(character):
    """Stored as a code and parameters (hrddp.texts), read in the reader's language."""
    return texts.text(
        gettext_noop(
            "This cell holds a control character (U+%(code)04X), which is not allowed; remove it."
        ),
        code=ord(character),
    )


def clean_cell(value, line, headers, column, table, xlsx):
    if not isinstance(value, str):
        return value
    if xlsx and "_x" in value:
        value = XSTRING_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)
    found = CONTROL.search(value)
    if found:
        table.cell_errors.setdefault(line, []).append(
            [headers[column], control_message(found.group())]
        )
        value = CONTROL.sub("", value)
    return value


def blank(values):
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def build_table(lines, kind, xlsx):
    """``lines``: an iterator of the file's lines as sequences of values, the first naming the
    columns. Reads the rows up to the last known column, at most IMPORT_MAX_ROWS of them."""
    try:
        header_values = next(lines)
    except StopIteration:
        raise ImportFileError(gettext_noop("The file is empty.")) from None
    header_values = list(header_values)[: settings.IMPORT_MAX_COLUMNS]
    headers = []
    for number, value in enumerate(header_values, 1):
        name = "" if value is None else str(value)
        if CONTROL.search(name):
            raise ImportFileError(
                gettext_noop(
                    "The name of column %(column)s (line 1) holds a control character; remove it."
                ),
                column=number,
            )
        headers.append(name.strip().lower())
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(gettext_noop("The file is empty."))
    width = read_width(headers, kind) or len(headers)
    headers = headers[:width]
    table = Table(headers=headers, rows=[])
    pending_blank = 0  # blank lines kept only if a row follows them
    limit = settings.IMPORT_MAX_ROWS
    for line, values in enumerate(lines, 2):
        values = list(values[:width])
        if len(values) < width:
            values += [None] * (width - len(values))
        if blank(values):
            pending_blank += 1
            continue
        if len(table.rows) + pending_blank >= limit:
            raise too_many_rows()
        table.rows += [[None] * width for _blank in range(pending_blank)]
        pending_blank = 0
        table.rows.append(
            [
                clean_cell(value, line, headers, column, table, xlsx)
                for column, value in enumerate(values)
            ]
        )
    return table


# What a CSV file is made of: its encoding and its delimiter, told from its bytes (or chosen).

AUTO = ""
ENCODINGS = {
    "utf-8-sig": gettext_noop("UTF-8 with a byte order mark"),
    "utf-8": gettext_noop("UTF-8"),
    "cp1252": gettext_noop("Windows-1252"),
    "latin-1": gettext_noop("Latin-1 (ISO-8859-1)"),
}
DELIMITERS = {
    ",": gettext_noop("Comma-separated"),
    ";": gettext_noop("Semicolon-separated"),
    "\t": gettext_noop("Tab-separated"),
}
# Bytes Windows-1252 leaves undefined: a file holding one is Latin-1 (its C1 controls).
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def decodes(content, encoding):
    """Whether the whole of ``content`` decodes strictly, read a chunk at a time (nothing kept)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(content), SCAN_CHUNK):
            decoder.decode(content[start : start + SCAN_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(content):
    """UTF-8 (with or without a byte order mark) when the bytes decode so; otherwise
    Windows-1252, as Excel saves a CSV on a French or English Windows, unless a byte it leaves
    undefined says Latin-1. Plain ASCII is UTF-8."""
    if content.startswith(codecs.BOM_UTF8):
        if decodes(content, "utf-8"):
            return "utf-8-sig"
        raise ImportFileError(
            gettext_noop("The file begins as UTF-8 but holds bytes that are not UTF-8.")
        )
    if decodes(content, "utf-8"):
        return "utf-8"
    return "latin-1" if CP1252_UNDEFINED.search(content) else "cp1252"


def first_line(content, encoding):
    end = content.find(b"\n")
    raw = content if end == -1 else content[:end]
    return raw.decode(encoding, "replace").lstrip("\ufeff")


def detect_delimiter(header):
    """The delimiter of the line of column names: of comma, semicolon and tab, the one it holds
    most (French Excel saves with semicolons, as the comma is its decimal mark); a comma for a
    file of one column."""
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


@dataclass
class CsvDialect:
    encoding: str
    delimiter: str

    def describe(self):
        return [self.delimiter, self.encoding]


def csv_dialect(content, encoding=AUTO, delimiter=AUTO):
    """The file's encoding and delimiter: those given, or those its bytes tell."""
    if encoding and encoding not in ENCODINGS:
        raise ImportFileError(gettext_noop("Unknown encoding: %(encoding)s."), encoding=encoding)
    if encoding == "utf-8" and content.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    encoding = encoding or detect_encoding(content)
    if delimiter and delimiter not in DELIMITERS:
        delimiter = {"tab": "\t", "comma": ",", "semicolon": ";"}.get(delimiter, "")
    delimiter = delimiter or detect_delimiter(first_line(content, encoding))
    return CsvDialect(encoding=encoding, delimiter=delimiter)


def describe(detected):
    """``[delimiter, encoding]`` as stored with a job, in the active language:
    "Semicolon-separated, Windows-1252"; "Excel workbook" for an .xlsx (``None``)."""
    if not detected:
        return gettext("Excel workbook (.xlsx)")
    delimiter, encoding = detected
    return gettext("%(delimiter)s, %(encoding)s") % {
        "delimiter": gettext(DELIMITERS.get(delimiter, delimiter)),
        "encoding": gettext(ENCODINGS.get(encoding, encoding)),
    }


def csv_lines(content, dialect):
    """The records of a CSV file, decoded a line at a time (a 50 MB file is not copied whole, nor
    widened to four bytes a character by one emoji)."""
    separators = 0  # in the record being read: an upper bound of its fields
    delimiter = dialect.delimiter.encode("ascii")
    encoding = "utf-8" if dialect.encoding == "utf-8-sig" else dialect.encoding

    def physical_lines():
        nonlocal separators
        start = len(codecs.BOM_UTF8) if content.startswith(codecs.BOM_UTF8) else 0
        while start < len(content):
            end = content.find(b"\n", start)
            end = len(content) if end == -1 else end + 1
            separators += content.count(delimiter, start, end)  # before the line is copied
            if separators > MAX_CSV_SEPARATORS:
                raise ImportFileError(
                    gettext_noop(
                        "A line of the file holds more than %(limit)s separators; at most "
                        "%(max_columns)s columns are read."
                    ),
                    limit=MAX_CSV_SEPARATORS,
                    max_columns=settings.IMPORT_MAX_COLUMNS,
                )
            raw, start = content[start:end], end
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError:
                raise ImportFileError(
                    gettext_noop(
                        "The file is not encoded in %(encoding)s: choose its encoding, or "
                        "leave the choice to the system."
                    ),
                    encoding=ENCODINGS.get(dialect.encoding, dialect.encoding),
                ) from None
            yield line

    # The csv module builds each record whole: a line of a million commas would be a list of a
    # million fields. Its separators are counted before it is parsed.
    for record in csv.reader(physical_lines(), delimiter=dialect.delimiter):
        separators = 0
        yield record


def xlsx_lines(content, kind):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.active
    if sheet is None or not hasattr(sheet, "iter_rows"):
        raise ImportFileError(gettext_noop("The file is empty."))
    # The declared grid is never used to pad rows: only the rows and columns read are.
    sheet.reset_dimensions()
    header_rows = sheet.iter_rows(
        min_row=1, max_row=1, max_col=settings.IMPORT_MAX_COLUMNS, values_only=True
    )
    header = next(header_rows, ())

    def lines():
        yield header
        headers = [str(value or "").strip().lower() for value in header]
        width = max(read_width(headers, kind), 1)
        # No max_row: a row past the limit must be seen to refuse the file rather than cut it
        # short; build_table stops at it. The gaps between rows come as one shared empty tuple.
        yield from sheet.iter_rows(min_row=2, max_col=width, values_only=True)

    return workbook, lines()


def read_table(content, file_name, kind=None, encoding=AUTO, delimiter=AUTO):
    """The file as a Table, or ImportFileError (unreadable, or over a limit). A CSV file's
    encoding and delimiter are those given, or those its bytes tell (``table.detected``)."""
    fmt = file_format(file_name)
    check_size(len(content))
    if fmt == "csv":
        dialect = csv_dialect(content, encoding, delimiter)
        try:
            table = build_table(csv_lines(content, dialect), kind, xlsx=False)
            table.detected = dialect.describe()
            return table
        except csv.Error as error:
            raise ImportFileError(
                gettext_noop("The file could not be read: %(error)s"), error=str(error)
            ) from None
    check_xlsx(content)
    workbook = None
    try:
        workbook, lines = xlsx_lines(content, kind)
        return build_table(lines, kind, xlsx=True)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl and its XML parser raise many kinds for a broken file
        raise ImportFileError(
            gettext_noop("The file could not be read: %(error)s"), error=str(error)
        ) from None
    finally:
        if workbook is not None:
            workbook.close()
