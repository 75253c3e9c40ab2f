"""The spreadsheet route in the portal: a school downloads its collection's template, uploads a
filled one, and gets the same checks as a CTF with each finding's cell; the CTF made from it
is kept for the school and the LA, and no other school can have it."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from portal_support import ctf_path, run_tasks, signed_in
from template_support import fill, identity

from keystage.codesets import codeset_for
from keystage.ctf.reader import read_all
from keystage.template import MEDIA_TYPE
from keystage.template.build import build_template
from keystage.web.models import AuditEvent, Collection, RefusedUpload, School, Submission, User

BROKEN_WRITING = "H7"


def post(client: Client, collection: Collection, content: bytes, name: str = "ks1.xlsx"):
    upload = SimpleUploadedFile(name, content, content_type=MEDIA_TYPE)
    return client.post(f"/collections/{collection.pk}/", {"file": upload})


def school_template(client: Client, collection: Collection) -> bytes:
    response = client.get(f"/collections/{collection.pk}/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    return response.content


def filled(client, collection, la_folder: Path, school: School, change=None) -> bytes:
    _, pupils = read_all(ctf_path(la_folder, school))
    codeset = codeset_for(collection.academic_year)
    return fill(school_template(client, collection), pupils, "KS1", codeset, change)


def plant(sheet) -> None:
    sheet["D9"] = "31/02/2019"
    sheet[BROKEN_WRITING] = "XYZ"


@pytest.fixture
def head_b(school_b: School) -> Client:
    return signed_in(User.objects.get(username=school_b.urn))


@pytest.fixture
def sent(head_a: Client, ks1: Collection, la_folder: Path, school_a: School) -> Submission:
    """School A's filled KS1 template, with two mistakes, uploaded and checked."""
    content = filled(head_a, ks1, la_folder, school_a, plant)
    response = post(head_a, ks1, content)
    assert response.status_code == 302
    run_tasks()
    version = Submission.objects.get(school=school_a, collection=ks1)
    version.sent_bytes = content  # type: ignore[attr-defined]
    return version


def test_a_school_downloads_its_collections_template_filled_in_with_its_name(
    head_a: Client, ks1: Collection, school_a: School
):
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert f"/collections/{ks1.pk}/template.xlsx" in page
    book = load_workbook(io.BytesIO(school_template(head_a, ks1)))
    about = " ".join(str(c.value) for row in book["About"].iter_rows() for c in row if c.value)
    assert school_a.name in about and school_a.laestab in about
    assert [c.value for c in book["Pupils"][1]][6:] == [
        "Reading",
        "Writing",
        "Mathematics",
        "Science",
    ]


def test_a_filled_template_is_stored_as_received_and_checked_like_a_ctf(sent: Submission):
    assert sent.status == Submission.Status.CHECKED
    assert sent.channel == Submission.Channel.PORTAL
    assert sent.file.name.endswith(".xlsx")
    with sent.file.open("rb") as stored:
        assert stored.read() == sent.sent_bytes  # type: ignore[attr-defined]
    found = {(f.code, f.location) for f in sent.finding_set.all()}
    assert found == {("TEMPLATE-DATE", "Pupils!D9"), ("RESULT-INVALID", f"Pupils!{BROKEN_WRITING}")}
    assert sent.errors == 2 and sent.pupils == sent.pupil_set.count() > 0


def test_the_ctf_made_from_it_is_kept_with_the_same_pupils(sent: Submission, la_folder, school_a):
    assert sent.converted.name.endswith("-converted.xml")
    with sent.converted.open("rb") as made:
        header, pupils = read_all(io.BytesIO(made.read()))
    assert header.source.laestab == school_a.laestab
    _, original = read_all(ctf_path(la_folder, school_a))
    assert [p.upn for p in pupils] == [p.upn for p in original]
    unchanged = [identity(p) == identity(o) for p, o in zip(pupils, original, strict=True)]
    assert unchanged.count(False) == 2  # the date of birth and the writing result planted


def test_findings_show_their_cell_on_the_page_and_in_the_csv(head_a: Client, sent: Submission):
    page = head_a.get(f"/files/{sent.pk}/").content.decode()
    assert "Pupils!D9" in page and f"Pupils!{BROKEN_WRITING}" in page
    assert f"/files/{sent.pk}/converted.xml" in page
    rows = list(csv.DictReader(io.StringIO(head_a.get(f"/files/{sent.pk}/findings.csv").content
                                           .decode())))  # fmt: skip
    assert {(r["code"], r["cell"]) for r in rows} == {
        ("TEMPLATE-DATE", "Pupils!D9"),
        ("RESULT-INVALID", f"Pupils!{BROKEN_WRITING}"),
    }


def test_the_school_downloads_the_stored_workbook_and_the_ctf(head_a: Client, sent: Submission):
    as_sent = head_a.get(f"/files/{sent.pk}/download/")
    assert as_sent.status_code == 200 and as_sent["Content-Type"] == MEDIA_TYPE
    made = head_a.get(f"/files/{sent.pk}/converted.xml")
    assert made.status_code == 200
    assert b"<CTfile>" in b"".join(made.streaming_content)
    assert AuditEvent.objects.filter(action="download", what__contains="CTF made from").exists()


def test_another_school_cannot_have_the_ctf_made_from_it(head_b: Client, sent: Submission):
    assert head_b.get(f"/files/{sent.pk}/converted.xml").status_code == 404
    assert head_b.get(f"/files/{sent.pk}/download/").status_code == 404


def test_the_data_team_downloads_the_ctf_made_from_it(
    la_client: Client, sent: Submission, ks1: Collection, school_a: School
):
    base = f"/la/collections/{ks1.pk}/schools/{school_a.pk}/"
    page = la_client.get(base).content.decode()
    assert f"{base}converted/?version={sent.version}" in page
    made = la_client.get(f"{base}converted/?version={sent.version}")
    assert made.status_code == 200
    assert b"<CTfile>" in b"".join(made.streaming_content)
    assert la_client.get(f"{base}converted/?version=99").status_code == 404


def test_a_ctf_version_has_no_converted_file(head_a: Client, ks1: Collection, la_folder, school_a):
    content = ctf_path(la_folder, school_a).read_bytes()
    upload = SimpleUploadedFile("ks1.xml", content, content_type="text/xml")
    head_a.post(f"/collections/{ks1.pk}/", {"file": upload})
    run_tasks()
    version = Submission.objects.get(school=school_a)
    assert not version.converted and version.file.name.endswith(".xml")
    assert head_a.get(f"/files/{version.pk}/converted.xml").status_code == 404


def test_a_clean_template_then_one_with_a_pupil_left_out_is_compared_with_it(
    head_a: Client, ks1: Collection, la_folder, school_a
):
    post(head_a, ks1, filled(head_a, ks1, la_folder, school_a))
    run_tasks()
    first = Submission.objects.get(school=school_a)
    assert (first.status, first.is_current, first.errors) == ("checked", True, 0)

    def leave_out_last(sheet) -> None:
        sheet.delete_rows(sheet.max_row)

    post(head_a, ks1, filled(head_a, ks1, la_folder, school_a, leave_out_last))
    run_tasks()
    second = Submission.objects.get(school=school_a, version=2)
    assert second.is_current and second.pupils == first.pupils - 1
    assert second.finding_set.filter(code="VERSION-PUPILS-DROPPED").exists()


def plain_zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("results.xlsx", plain_zip({"notes.txt": b"hello"}), "This is a zip file"),
        ("results.xlsx", plain_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}),
         "This is a Word document"),
        ("results.xlsx", b"%PDF-1.7\n1 0 obj\n", "This file is a PDF"),
        ("results.xlsx", b"<?xml version='1.0'?><CTfile/>", "not an Excel workbook"),
        ("results.zip", plain_zip({"a.xml": b"<x/>"}), "is not an XML file"),
        ("results.xml", plain_zip({"a.xml": b"<x/>"}), "spreadsheet or a zip file"),
    ],
)  # fmt: skip
def test_a_zip_or_office_file_that_is_not_an_xlsx_is_still_refused(
    head_a: Client, ks1: Collection, name: str, content: bytes, said: str
):
    response = post(head_a, ks1, content, name=name)
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not Submission.objects.exists()


def test_a_hostile_workbook_is_refused_at_upload_and_kept_apart(
    head_a: Client, ks1: Collection, school_a
):
    template = build_template("KS1", codeset_for(ks1.academic_year))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data
            target.writestr(info, data)
    response = post(head_a, ks1, out.getvalue())
    assert response.status_code == 400
    assert "Check code FILE-HOSTILE" in response.content.decode()
    run_tasks()
    assert not Submission.objects.filter(school=school_a).exists()
    kept = RefusedUpload.objects.get(school=school_a)
    assert (kept.number, kept.code) == (1, "FILE-HOSTILE")


def test_another_schools_or_collections_template_is_refused(
    head_a: Client, head_b: Client, ks1: Collection, la_folder, school_a, school_b
):
    # school B's template, filled with school A's pupils and sent by school A
    _, pupils = read_all(ctf_path(la_folder, school_a))
    codeset = codeset_for(ks1.academic_year)
    post(head_a, ks1, fill(school_template(head_b, ks1), pupils, "KS1", codeset))
    refused = post(head_a, ks1, build_template("KS2", codeset))
    assert refused.status_code == 400 and "not the Key Stage 1" in refused.content.decode()
    run_tasks()
    assert not Submission.objects.filter(school=school_a).exists()  # refused at upload
    codes = list(RefusedUpload.objects.filter(school=school_a).order_by("number")
                 .values_list("code", flat=True))  # fmt: skip
    assert codes == ["HDR-SCHOOL", "TEMPLATE-COLLECTION"]
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "not the Key Stage 1" in page and "refused upload 2" in page
