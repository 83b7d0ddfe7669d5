"""Benchmark: memory taken by reading crafted import files (issue 12, hole 5).

    DEBUG=1 DATABASE_URL=... python benchmarks/crafted_xlsx.py [--checkout PATH]

Writes five small crafted files, then reads each in a fresh subprocess through the path every
upload takes (``importing.count_rows``, what the upload page runs before the dry run) and prints
the subprocess's peak RSS growth over its baseline (``ru_maxrss``, with psutil's RSS after) and the
outcome. ``--checkout`` runs the same against another checkout of the project (e.g. the code
before the fix), for a before/after comparison.

- ``a-xfd``: declaring ``<dimension ref="A1:XFD3000"/>``, its second row numbered 3,000 (each
  row, and each gap between rows, padded to 16,384 columns);
- ``full-height``: declaring ``A1:F1048576``;
- ``far-row``: no dimension, the second row numbered 1,048,576;
- ``zip-bomb``: a 300 MB member of zeros (a file of ~300 KB);
- ``wide-rows``: 1,000 rows each with a cell in column XFD (declared);
- ``wide-undecl``: the same without the declared dimension: read, up to the known columns only;
- ``strings-1m``: a million tiny shared strings (2.5 MB; openpyxl loads them all at once);
- ``commas.csv``: a CSV line of 20 million commas (the csv module builds a record whole).
"""

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEADER = ["external_ref", "name", "aliases", "institution", "parent", "location"]

CHILD = r"""
import inspect, json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrddp.settings")
import django
django.setup()
import psutil
from hrddp.transfer import importing
import openpyxl, tablib  # loaded before the baseline: only the reading is measured
content = open(sys.argv[2], "rb").read()
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
try:
    kind = ["units"] if "kind" in inspect.signature(importing.count_rows).parameters else []
    rows = importing.count_rows(content, os.path.basename(sys.argv[2]), *kind)
    outcome = f"read {rows} rows"
except Exception as error:  # ImportFileError
    outcome = "refused: " + str(error)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({
    "growth_mb": (peak - baseline) / 1024,
    "rss_after_mb": psutil.Process().memory_info().rss / 2**20,
    "seconds": time.monotonic() - started,
    "outcome": outcome[:160],
}))
"""


def workbook(rows=1, wide=False):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append([f"U-{n}", f"Unit {n}", "", "INST-1", "", "North"])
        if wide:
            sheet.cell(row=n + 2, column=16384, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(content, change=lambda data: data, extra=None):
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(member, data)
        for name, size in (extra or {}).items():
            with target.open(name, "w") as stream:
                for _chunk in range(size // (1 << 20)):
                    stream.write(bytes(1 << 20))
    return out.getvalue()


DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')


def dimension(ref):
    """The sheet declaring ``ref`` (no dimension for "")."""
    element = f'<dimension ref="{ref}"/>'.encode() if ref else b""
    return lambda data: DIMENSION.sub(element, data)


def move_row(number, ref=None):
    """The second row renumbered ``number``; the dimension ``ref``, or none."""

    def change(data):
        data = DIMENSION.sub(f'<dimension ref="{ref}"/>'.encode() if ref else b"", data)
        return re.sub(rb'r="([A-Z]*)2"', rb'r="\g<1>' + str(number).encode() + b'"', data)

    return change


SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
SHARED_STRINGS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)


def shared_strings_flood(count):
    """A workbook whose shared strings (loaded whole by openpyxl) are ``count`` tiny texts."""
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename == "xl/sharedStrings.xml":
                continue
            data = source.read(member.filename)
            if member.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    f'<Override PartName="/xl/sharedStrings.xml" '
                    f'ContentType="{SHARED_STRINGS_TYPE}"/></Types>'.encode(),
                )
            if member.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rId99" Type="{SHARED_STRINGS_REL}" '
                    f'Target="sharedStrings.xml"/></Relationships>'.encode(),
                )
            target.writestr(member, data)
        with target.open("xl/sharedStrings.xml", "w") as stream:
            stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for number in range(count):
                stream.write(b"<si><t>%x</t></si>" % number)
            stream.write(b"</sst>")
    return out.getvalue()


def crafted():
    return {
        "a-xfd": rewrite(workbook(), move_row(3000, "A1:XFD3000")),
        "full-height": rewrite(workbook(), dimension("A1:F1048576")),
        "far-row": rewrite(workbook(), move_row(1048576)),
        "zip-bomb": rewrite(workbook(), extra={"xl/media/image1.bin": 300 << 20}),
        "wide-rows": workbook(rows=1000, wide=True),
        "wide-undecl": rewrite(workbook(rows=1000, wide=True), dimension("")),
        "strings-1m": shared_strings_flood(1_000_000),
        "commas.csv": (",".join(HEADER) + "\n").encode() + b"," * 20_000_000 + b"\n",
    }


def limit_memory():
    """The subprocess may take at most 3 GB (the code before the fix takes what it is given)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkout", default=str(ROOT), help="the project checkout to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name, content in crafted().items():
            path = Path(folder) / (name if name.endswith(".csv") else f"{name}.xlsx")
            path.write_bytes(content)
            result = subprocess.run(
                [sys.executable, "-c", CHILD, args.checkout, str(path)],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": args.checkout},
                cwd=args.checkout,
                timeout=1800,
                preexec_fn=limit_memory,
            )
            if result.returncode:
                print(
                    f"{name:12} {len(content):>9,} B  subprocess died ({result.returncode}): "
                    f"{result.stderr.strip().splitlines()[-1:]}"
                )
                continue
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{name:12} {len(content):>9,} B  RSS growth {figures['growth_mb']:8.1f} MB  "
                f"{figures['seconds']:6.2f} s  {figures['outcome']}"
            )


if __name__ == "__main__":
    main()
