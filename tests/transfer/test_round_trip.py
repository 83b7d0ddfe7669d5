"""Import and export for francophone offices (issue 16): the delimiter and the encoding of a CSV
file detected and said, a template per kind, a stable reference on every record, and exports that,
edited and imported again, update the same records."""

import codecs
import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hrddp.registry import services as registry_services
from hrddp.registry.models import (
    Attribution,
    CommandAssignment,
    Institution,
    Person,
    Unit,
    Violation,
)
from hrddp.transfer import importing, reading
from hrddp.transfer.columns import IMPORT_COLUMNS
from hrddp.transfer.models import ImportJob
from hrddp.transfer.records import RECORD_KINDS
from tests.factories import (
    AssignmentFactory,
    InstitutionFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    category,
)

pytestmark = pytest.mark.django_db

MODELS = {
    "institutions": Institution,
    "units": Unit,
    "people": Person,
    "assignments": CommandAssignment,
    "violations": Violation,
}
# The column each round trip edits, and the text it writes there (accents and "œ", which
# Windows-1252 has and Latin-1 has not).
EDITS = {
    "institutions": ("country", "Côte d'Ivoire"),
    "units": ("location", "Bunia — secteur œuvre"),
    "people": ("rank", "Général"),
    "assignments": ("end", "2024-05-01"),
    "violations": ("location", "Village de Kpémé, cœur"),
}


@pytest.fixture
def registry(db):
    """Two records of each kind, made as the pages make them: without a reference given."""
    army = InstitutionFactory(name="Armée nationale")
    police = InstitutionFactory(name="Police nationale")
    brigade = UnitFactory(name="1re brigade", institution=army, aliases=["Lions"])
    battalion = UnitFactory(name="2e bataillon", parent=brigade, institution=army)
    colonel = PersonFactory(name="Jean Mbala", aliases=["J. M."])
    major = PersonFactory(name="Paul Kasa")
    AssignmentFactory(person=colonel, unit=brigade)
    AssignmentFactory(person=major, unit=battalion)
    ViolationFactory(units=[brigade], people=[colonel], category=category("torture"))
    ViolationFactory(units=[battalion], category=category("torture"), victims_count=3)
    return {"army": army, "police": police, "brigade": brigade}


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def read_csv(content, delimiter):
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def write_csv(rows, delimiter, encoding):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def edit(rows, kind):
    """The first record's row edited in the kind's edited column."""
    column, value = EDITS[kind]
    index = rows[0].index(column)
    rows[1][index] = value
    return rows


def import_dry_then_real(kind, content, name, user):
    checked = importing.import_file(kind, content, name, user, dry_run=True)
    assert checked.ok, (checked.errors, [row for row in checked.rows if row["errors"]])
    report = importing.import_file(kind, content, name, user, dry_run=False)
    assert report.imported
    return report


# Stable references


def test_every_record_gets_a_stable_reference_on_every_write_path(hro, registry):
    # save() (the factories, as the pages' service saves)...
    for model in MODELS.values():
        assert not model.objects.filter(external_ref="").exists()
    unit = Unit.objects.get(name="1re brigade")
    assert unit.external_ref.startswith("UNIT-")
    # ...the pages' service, bulk_create, and an import row without a reference.
    saved = registry_services.save_record(Person(name="Sans Référence"))
    assert saved.external_ref.startswith("PER-")
    (bulk,) = Institution.objects.bulk_create([Institution(name="Gendarmerie", kind="gendarmerie")])
    assert Institution.objects.get(pk=bulk.pk).external_ref.startswith("INS-")
    content = write_csv([["external_ref", "name", "rank"], ["", "Nouveau Nom", ""]], ",", "utf-8")
    report = import_dry_then_real("people", content, "people.csv", hro)
    assert report.counts["new"] == 1
    assert Person.objects.get(name="Nouveau Nom").external_ref.startswith("PER-")


def test_a_reference_once_made_does_not_change_and_is_unique_per_kind(registry):
    unit = registry["brigade"]
    before = unit.external_ref
    unit.location = "Ailleurs"
    unit.save()
    unit.refresh_from_db()
    assert unit.external_ref == before
    references = list(Unit.objects.values_list("external_ref", flat=True))
    assert len(set(references)) == len(references)


def test_the_reference_is_shown_on_the_detail_pages(client_for, hro, registry):
    client = client_for(hro)
    violation = Violation.objects.first()
    person = Person.objects.first()
    for name, record in (
        ("registry:unit_detail", registry["brigade"]),
        ("registry:institution_detail", registry["army"]),
        ("registry:person_detail", person),
        ("registry:violation_detail", violation),
    ):
        page = client.get(reverse(name, args=[record.pk])).content.decode()
        assert record.external_ref in page, name


def test_every_registry_list_export_carries_the_reference(client_for, hro, registry):
    client = client_for(hro)
    for name in ("unit_list", "institution_list", "person_list", "violation_list"):
        _response, content = download(client, reverse(f"registry:{name}") + "?format=csv")
        rows = read_csv(content, ",")
        assert rows[0][-1] == "Reference", name
        refs = {row[-1] for row in rows[1:]}
        assert refs and "" not in refs, name


# Round trips: export, edit, import again: the same records are updated, none is added.


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_an_export_edited_in_french_excel_updates_the_same_records(client_for, hro, registry, kind):
    """Semicolons and Windows-1252, as French Excel saves a CSV file."""
    model = MODELS[kind]
    count = model.objects.count()
    url = reverse("transfer:export_records", args=[kind]) + "?format=csv&convention=semicolon"
    _response, content = download(client_for(hro), url)
    rows = edit(read_csv(content, ";"), kind)
    assert rows[0] == [name for name, _required, _help in IMPORT_COLUMNS[kind]]
    edited = write_csv(rows, ";", "cp1252")
    report = import_dry_then_real(kind, edited, f"{kind}.csv", hro)
    # Plain ASCII is UTF-8 as much as Windows-1252: it is said UTF-8.
    assert report.detected == [
        ";",
        "cp1252" if any(ord(c) > 127 for c in EDITS[kind][1]) else "utf-8",
    ]
    assert report.counts == {"new": 0, "update": 1, "unchanged": count - 1, "error": 0}
    assert model.objects.count() == count
    column, value = EDITS[kind]
    record = model.objects.get(external_ref=rows[1][0])
    assert str(getattr(record, column)) == value


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_an_xlsx_export_edited_updates_the_same_records(client_for, hro, registry, kind):
    model = MODELS[kind]
    count = model.objects.count()
    attributions = Attribution.objects.count()
    _response, content = download(
        client_for(hro), reverse("transfer:export_records", args=[kind]) + "?format=xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    column, value = EDITS[kind]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index(column) + 1, value=value)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    report = import_dry_then_real(kind, buffer.getvalue(), f"{kind}.xlsx", hro)
    assert report.counts == {"new": 0, "update": 1, "unchanged": count - 1, "error": 0}
    assert model.objects.count() == count
    assert Attribution.objects.count() == attributions


def test_an_unedited_export_imports_as_unchanged(client_for, hro, registry):
    for kind in RECORD_KINDS:
        url = reverse("transfer:export_records", args=[kind]) + "?format=csv"
        _response, content = download(client_for(hro), url)
        report = importing.import_file(kind, content, f"{kind}.csv", hro, dry_run=True)
        assert report.ok and report.counts["unchanged"] == MODELS[kind].objects.count(), kind


def test_an_export_names_related_records_by_their_reference(client_for, hro, registry):
    url = reverse("transfer:export_records", args=["units"]) + "?format=csv"
    _response, content = download(client_for(hro), url)
    rows = read_csv(content, ",")
    battalion = Unit.objects.get(name="2e bataillon")
    (row,) = [row for row in rows if row[0] == battalion.external_ref]
    assert row[rows[0].index("parent")] == registry["brigade"].external_ref
    assert row[rows[0].index("institution")] == registry["army"].external_ref


# Delimiter and encoding


def units_rows(army):
    return [
        ["external_ref", "name", "institution", "location"],
        ["U-1", "Brigade de l'Est", army.external_ref, "Kisangani, Tshopo"],
    ]


@pytest.mark.parametrize(
    ("delimiter", "encoding", "said"),
    [
        (";", "cp1252", "Semicolon-separated, Windows-1252"),
        ("\t", "utf-8", "Tab-separated, UTF-8"),
        (",", "utf-8-sig", "Comma-separated, UTF-8 with a byte order mark"),
        (";", "latin-1", "Semicolon-separated, Latin-1 (ISO-8859-1)"),
    ],
)
def test_the_dry_run_says_the_detected_delimiter_and_encoding(
    client_for, hro, registry, delimiter, encoding, said
):
    rows = units_rows(registry["army"])
    rows[1][3] = "Kisangani, Tshopo — l'Est"
    if encoding == "latin-1":
        # A byte Windows-1252 leaves undefined says Latin-1 (here in a cell the import refuses
        # as a control character: the file is read, and that cell is its error).
        rows[1][3] = "Kisangani\x81"
    content = write_csv(rows, delimiter, encoding)
    client = client_for(hro)
    response = client.post(
        reverse("transfer:import_start"),
        {"kind": "units", "file": SimpleUploadedFile("units.csv", content)},
        follow=True,
    )
    page = response.content.decode()
    assert said in page
    job = ImportJob.objects.get()
    assert job.detected == [delimiter, encoding]
    if encoding != "latin-1":
        assert job.counts["new"] == 1


def test_a_semicolon_file_is_not_read_as_missing_columns(hro, registry):
    content = write_csv(units_rows(registry["army"]), ";", "cp1252")
    report = importing.import_file("units", content, "units.csv", hro, dry_run=True)
    assert report.ok and report.counts["new"] == 1


def test_the_encoding_chosen_by_the_user_is_used(client_for, hro, registry):
    rows = units_rows(registry["army"])
    rows[1][1] = "Brigade œcuménique"
    content = write_csv(rows, ";", "cp1252")
    client_for(hro).post(
        reverse("transfer:import_start"),
        {
            "kind": "units",
            "file": SimpleUploadedFile("units.csv", content),
            "encoding": "latin-1",
            "delimiter": "semicolon",
        },
    )
    job = ImportJob.objects.get()
    assert job.detected == [";", "latin-1"]
    # Read as Latin-1, "œ" (0x9C) is a control character: an error of its cell.
    assert job.counts["error"] == 1


def test_a_file_not_in_the_chosen_encoding_says_so(hro, registry):
    content = write_csv(
        units_rows(registry["army"]) + [["U-2", "Brigade é", "x", ""]], ",", "cp1252"
    )
    report = importing.import_file(
        "units", content, "units.csv", hro, dry_run=True, encoding="utf-8"
    )
    assert [reading.render(error) for error in report.errors] == [
        "The file is not encoded in UTF-8: choose its encoding, or leave the choice to the system."
    ]


def test_utf8_is_preferred_when_the_bytes_decode_so():
    assert reading.detect_encoding("Côte d'Ivoire".encode()) == "utf-8"
    assert reading.detect_encoding(codecs.BOM_UTF8 + b"name") == "utf-8-sig"
    assert reading.detect_encoding("Côte d'Ivoire".encode("cp1252")) == "cp1252"
    assert reading.detect_delimiter("external_ref;name;location") == ";"
    assert reading.detect_delimiter("external_ref\tname") == "\t"
    assert reading.detect_delimiter("name") == ","


# Templates


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_filled_from_their_example_rows_import(client_for, hro, registry, fmt):
    """Each kind's template, its example row kept, imports (in the order the kinds refer to one
    another)."""
    client = client_for(hro)
    for kind in RECORD_KINDS:
        url = reverse("transfer:import_template", args=[kind]) + f"?format={fmt}"
        _response, content = download(client, url)
        report = import_dry_then_real(kind, content, f"{kind}.{fmt}", hro)
        assert report.counts["new"] == 1, kind
    violation = Violation.objects.get(external_ref="VIO-EXAMPLE")
    assert violation.attributions.filter(unit__external_ref="UNIT-EXAMPLE").exists()


def test_the_xlsx_template_lists_the_codes_on_a_second_sheet(client_for, hro, registry):
    url = reverse("transfer:import_template", args=["violations"]) + "?format=xlsx"
    _response, content = download(client_for(hro), url)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert len(workbook.worksheets) == 2
    codes = {(row[0], row[1]) for row in workbook.worksheets[1].iter_rows(values_only=True)}
    assert ("category", "torture") in codes
    assert ("verification_status", "credible") in codes
    assert ("scale", "systematic") in codes


def test_the_csv_codes_download_and_the_import_page_link_the_templates(client_for, hro, registry):
    client = client_for(hro)
    _response, content = download(client, reverse("transfer:import_codes", args=["violations"]))
    assert ["responsibility", "command"] == read_csv(content, ",")[-1][:2] or any(
        row[:2] == ["responsibility", "command"] for row in read_csv(content, ",")
    )
    page = client.get(reverse("transfer:import_start")).content.decode()
    for kind in RECORD_KINDS:
        assert reverse("transfer:import_template", args=[kind]) in page
        assert reverse("transfer:export_records", args=[kind]) in page


# Exports' formats


def test_xlsx_exports_have_a_frozen_header_a_filter_and_column_widths(client_for, hro, registry):
    _response, content = download(
        client_for(hro), reverse("transfer:export_records", args=["units"]) + "?format=xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["B"].width >= len("1re brigade")


def test_list_xlsx_exports_have_a_frozen_header_a_filter_and_column_widths(tmp_path, registry):
    from hrddp.transfer import export_jobs, exporting

    spec = exporting.SPECS["units"]
    query = exporting.select_sql(Unit.objects.with_child_count().order_by("pk"), spec)
    path = tmp_path / "units.xlsx"
    assert export_jobs.write_xlsx(path, query, spec) == 2
    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G3"
    assert sheet.column_dimensions["G"].width >= 15  # a reference, UNIT-XXXXXXXXXX


def test_list_csv_exports_follow_the_french_convention_on_request(client_for, hro, registry):
    url = reverse("registry:unit_list") + "?format=csv&convention=semicolon"
    _response, content = download(client_for(hro), url)
    rows = read_csv(content, ";")
    assert rows[0][0] == "Name" and rows[0][-1] == "Reference"
    assert len(rows) == 3 and all(len(row) == len(rows[0]) for row in rows)


# The API: the same files, and the same detection


def test_the_api_offers_the_templates_and_the_records(hro, registry):
    from tests.factories import api_client

    api = api_client(hro)
    response = api.get("/api/v1/imports/template/units/?file_format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:2] == ["external_ref", "name"]
    response = api.get("/api/v1/exports/records/units/?file_format=csv&convention=semicolon")
    assert response.status_code == 200
    rows = read_csv(b"".join(response.streaming_content), ";")
    assert {row[0] for row in rows[1:]} == set(Unit.objects.values_list("external_ref", flat=True))
    assert api.get("/api/v1/imports/template/nothing/").status_code == 404


def test_the_api_upload_takes_the_encoding_and_says_what_it_read(hro, registry):
    from tests.factories import api_client

    content = write_csv(units_rows(registry["army"]), ";", "cp1252")
    response = api_client(hro).post(
        "/api/v1/imports/",
        {
            "kind": "units",
            "file": SimpleUploadedFile("units.csv", content),
            "delimiter": "semicolon",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.data
    assert response.data["detected"] == [";", "utf-8"]
    assert response.data["detected_format"] == "Semicolon-separated, UTF-8"
    assert response.data["counts"]["new"] == 1


def test_an_excel_file_of_more_records_than_it_may_hold_is_refused_for_the_csv(
    client_for, hro, registry, monkeypatch
):
    """An Excel workbook is built whole in the request: beyond its limit the page says to take the
    CSV (streamed), and the API refuses with the rule; the CSV of the same records still comes."""
    from tests.factories import api_client

    monkeypatch.setattr("hrddp.transfer.records.XLSX_RECORDS_LIMIT", Unit.objects.count() - 1)
    url = reverse("transfer:export_records", args=["units"])
    response = client_for(hro).get(url + "?format=xlsx", follow=True)
    assert response.redirect_chain and "Download the CSV file instead" in response.content.decode()
    answer = api_client(hro).get("/api/v1/exports/records/units/?file_format=xlsx")
    assert answer.status_code == 409 and answer.data["rule"] == "excel_records_limit"
    assert client_for(hro).get(url + "?format=csv").status_code == 200
