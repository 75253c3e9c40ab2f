"""A file that is not the school's return for the collection (another collection's results,
another school's header, not a CTF) is refused: at upload when its start tells, kept for the
record as a refused upload numbered apart from the versions, and the school told why at once;
by the check when only the whole file tells. Either way it is never current, and nothing
downstream (pupil counts, state, figures, exports, reports) sees its pupils.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from portal_builders import make_window
from portal_support import ctf_bytes, ctf_path, run_tasks, upload

from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.ctf.writer import to_bytes
from keystage.web.models import (
    AuditEvent,
    Collection,
    RefusedUpload,
    School,
    Submission,
    UnattributedFile,
)
from keystage.web.privacy import retention
from keystage.web.results.pupils import la_pupils, pupils
from keystage.web.submissions.channels import import_file
from keystage.web.submissions.state import State, standing


def upns_in(content: bytes) -> set[str]:
    with read_ctf(io.BytesIO(content)) as reader:
        return {p.upn for p in reader if p.upn}


def text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def current(school: School, collection: Collection) -> Submission | None:
    return Submission.objects.filter(school=school, collection=collection, is_current=True).first()


# --- Item 1: another collection's file is never current -------------------------------------


@pytest.mark.parametrize("kind", ["PHON", "EYFSP"])
def test_a_ks1_file_sent_for_another_collection_is_refused_and_never_current(
    head_a: Client, school_a: School, la_folder: Path, kind: str
) -> None:
    sent_for = make_window(kind)
    response = upload(head_a, sent_for, ctf_bytes(la_folder, school_a, "KS1"))
    run_tasks()
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert current(school_a, sent_for) is None
    assert not Submission.objects.filter(school=school_a, collection=sent_for).exists()
    kept = RefusedUpload.objects.get(school=school_a, collection=sent_for)
    assert (kept.number, kept.code) == (1, "FILE-WRONG-COLLECTION")
    assert "This file holds Key Stage 1 results" in kept.message
    # Nothing downstream counts it: not the state, the pupils, the figures, nor the reports.
    assert standing(school_a, sent_for, timezone.localdate()).state == State.NOT_STARTED
    assert pupils(sent_for) == [] and la_pupils(sent_for)[0] == []
    assert school_a.pk not in schools_with_data(sent_for)


def schools_with_data(collection: Collection) -> list[int]:
    """The schools a report could be made for: those with a current version."""
    current = Submission.objects.filter(collection=collection, is_current=True)
    return sorted(current.values_list("school_id", flat=True))


def many_ks1_pupils(la_folder: Path, school: School, count: int) -> bytes:
    """The school's KS1 file with its pupils repeated (new UPNs) to `count`: larger than its
    start is read at upload, so only the whole check can tell the collection."""
    with read_ctf(ctf_path(la_folder, school, "KS1")) as reader:
        header, first = reader.header, list(reader)
    made: list[Pupil] = []
    while len(made) < count:
        for pupil in first:
            made.append(dataclasses.replace(pupil, upn=f"A{len(made):012d}"))
    return to_bytes(header, made[:count])


def test_a_wrong_collection_file_past_the_upload_read_is_refused_by_the_check(
    head_a: Client, la_client: Client, school_a: School, phon: Collection, la_folder: Path
) -> None:
    right = ctf_bytes(la_folder, school_a, "PHON")
    upload(head_a, phon, right, name="phonics.xml")
    run_tasks()
    wrong = many_ks1_pupils(la_folder, school_a, 2100)
    assert upload(head_a, phon, wrong, name="big.xml").status_code == 302  # type: ignore[attr-defined]
    run_tasks()
    first, second = Submission.objects.filter(school=school_a, collection=phon).order_by("version")
    assert (second.status, second.refusal_code) == ("refused", "FILE-WRONG-COLLECTION")
    assert first.is_current and not second.is_current
    assert not second.pupil_set.exists()
    # The LA's pupils, figures, exports and reports are the right file's only.
    expected = upns_in(right)
    assert {p.upn for p in pupils(phon)} == expected
    assert {p.upn for p in la_pupils(phon)[0]} == expected
    assert schools_with_data(phon) == [school_a.pk]
    exported = la_client.get(f"/la/collections/{phon.pk}/pupils.csv").content.decode()
    assert {row["UPN"] for row in csv.DictReader(io.StringIO(exported))} == expected
    progress = la_client.get(f"/la/collections/{phon.pk}/export.csv").content.decode()
    row = next(r for r in csv.DictReader(io.StringIO(progress)) if r["URN"] == school_a.urn)
    assert (row["Current version"], row["Pupils"]) == ("1", str(len(expected)))


# --- Item 3: refused at upload, numbered apart, and said so -----------------------------------


def test_a_refused_upload_takes_no_version_number_and_the_banner_says_why(
    head_a: Client, school_a: School, school_b: School, phon: Collection, la_folder: Path
) -> None:
    upload(head_a, phon, ctf_bytes(la_folder, school_a, "PHON"))
    run_tasks()
    head_a.get(f"/collections/{phon.pk}/")  # the first upload's "We have your file" is read
    refused = upload(head_a, phon, ctf_bytes(la_folder, school_b, "PHON"), name="b.xml")
    page = text(refused)
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "govuk-error-summary" in page and "Success" not in page
    assert "We have your file" not in page
    assert "We did not accept “b.xml”" in page and "Check code HDR-SCHOOL" in page
    assert f"This file was made for {school_b.name}" in page  # the check's own words
    assert "refused upload 1, not as a version" in page
    assert "Version 1 is still your current version" in page
    upload(head_a, phon, ctf_bytes(la_folder, school_a, "KS1"), name="ks1.xml")
    upload(head_a, phon, ctf_bytes(la_folder, school_a, "PHON"))
    run_tasks()
    versions = Submission.objects.filter(school=school_a, collection=phon).order_by("version")
    assert [v.version for v in versions] == [1, 2]  # the refused files took no number
    assert versions.last().is_current  # type: ignore[union-attr]
    kept = RefusedUpload.objects.filter(school=school_a).order_by("number")
    assert [(r.number, r.code) for r in kept] == [
        (1, "HDR-SCHOOL"), (2, "FILE-WRONG-COLLECTION"),
    ]  # fmt: skip
    event = AuditEvent.objects.filter(detail__refused=kept[0].pk).get()
    assert event.action == AuditEvent.Action.UPLOAD and "refused (HDR-SCHOOL)" in event.what


def test_the_collection_page_shows_refused_uploads_apart(
    head_a: Client, school_a: School, school_b: School, phon: Collection, la_folder: Path
) -> None:
    upload(head_a, phon, ctf_bytes(la_folder, school_a, "PHON"))
    run_tasks()
    sent = ctf_bytes(la_folder, school_b, "PHON")
    upload(head_a, phon, sent, name="b.xml")
    page = text(head_a.get(f"/collections/{phon.pk}/"))
    assert "We did not accept your last upload, “b.xml”" in page
    versions, refused = page.split("Every version you have sent")[1].split('id="refused-uploads"')
    assert "b.xml" not in versions and "b.xml" in refused
    kept = RefusedUpload.objects.get(school=school_a)
    download = head_a.get(f"/refused/{kept.pk}/download/")
    assert b"".join(download.streaming_content) == sent  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="download", detail__refused=kept.pk).count() == 1
    upload(head_a, phon, ctf_bytes(la_folder, school_a, "PHON"))
    page = text(head_a.get(f"/collections/{phon.pk}/"))
    assert "We did not accept your last upload" not in page  # a newer version since
    assert "Files we did not accept" in page


def test_the_la_sees_refused_uploads_apart_and_is_refused_the_same_way(
    la_client: Client, head_a: Client, school_a: School, school_b: School, phon: Collection,
    la_folder: Path,
) -> None:  # fmt: skip
    upload(head_a, phon, ctf_bytes(la_folder, school_a, "PHON"))
    run_tasks()
    url = f"/la/collections/{phon.pk}/schools/{school_a.pk}/"
    sent = SimpleUploadedFile("ks1.xml", ctf_bytes(la_folder, school_a, "KS1"), "text/xml")
    response = la_client.post(url + "upload/", {"file": sent})
    said = text(response)
    assert response.status_code == 400 and "govuk-error-summary" in said
    assert "Check code FILE-WRONG-COLLECTION" in said
    assert "The school's current version is still version 1" in said
    kept = RefusedUpload.objects.get(school=school_a)
    assert (kept.channel, kept.number) == ("la", 1)
    page = la_client.get(url).content.decode()
    assert "Files refused at upload" in page and f"/la/refused/{kept.pk}/download/" in page
    progress = la_client.get(f"/la/collections/{phon.pk}/").content.decode()
    assert "then refused upload 1" in progress and "FILE-WRONG-COLLECTION" in progress
    exported = la_client.get(f"/la/collections/{phon.pk}/export.csv").content.decode()
    row = next(r for r in csv.DictReader(io.StringIO(exported)) if r["URN"] == school_a.urn)
    assert (row["Current version"], row["Refused uploads"]) == ("1", "1")
    download = la_client.get(f"/la/refused/{kept.pk}/download/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attach")
    assert AuditEvent.objects.filter(action="download", detail__refused=kept.pk).exists()


def test_an_import_for_the_wrong_collection_is_kept_as_the_schools_refused_upload(
    school_a: School, school_b: School, phon: Collection, la_folder: Path
) -> None:
    path = ctf_path(la_folder, school_a, "KS1")
    outcome = import_file(path, collection="PHON")
    assert outcome.result == "refused" and outcome.refused is not None
    assert outcome.refused.channel == "import" and outcome.refused.school == school_a
    assert "Check code FILE-WRONG-COLLECTION" in outcome.message
    assert import_file(path, collection="PHON").result == "skipped"  # the same bytes again
    assert RefusedUpload.objects.count() == 1 and not Submission.objects.exists()
    assert not UnattributedFile.objects.exists()
    said = io.StringIO()
    other = ctf_path(la_folder, school_b, "KS1")
    call_command("importctf", str(other), "--collection", "PHON", stdout=said)
    assert "1 file: 1 refused (not the school's return for the collection" in said.getvalue()
    assert RefusedUpload.objects.get(school=school_b).number == 1


def test_a_file_attributed_by_hand_to_the_wrong_collection_stays_unattributed(
    la_client: Client, school_a: School, phon: Collection, la_folder: Path
) -> None:
    outcome = import_file(ctf_path(la_folder, school_a, "KS1"))  # no KS1 window
    assert outcome.result == "unattributed" and outcome.unattributed is not None
    url = f"/la/unattributed/{outcome.unattributed.pk}/"
    response = la_client.post(url, {"school": school_a.pk, "collection": phon.pk})
    assert response.status_code == 400
    assert "not phonics screening check results" in text(response)
    outcome.unattributed.refresh_from_db()
    assert outcome.unattributed.resolved_as is None
    assert not Submission.objects.exists() and not RefusedUpload.objects.exists()


# --- Kept for the record until the collection's data are deleted ------------------------------


def test_the_purge_deletes_refused_files_and_the_names_they_came_under(
    head_a: Client, school_a: School, school_b: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_b), name="Jo Bloggs re-check.xml")
    kept = RefusedUpload.objects.get(school=school_a)
    stored = kept.file.name
    assert stored in retention.stored_files(ks1) and default_storage.exists(stored)
    head_a.get(f"/refused/{kept.pk}/download/")
    ks1.retain_until = ks1.closes + dt.timedelta(days=365)
    ks1.save()
    retention.purge(ks1, today=ks1.retain_until + dt.timedelta(days=1))
    kept.refresh_from_db()
    assert not default_storage.exists(stored)
    day = f"{timezone.localtime(kept.uploaded_at):%-d %B %Y}"
    assert kept.original_name == f"file sent {day}, refused upload 1"
    events = AuditEvent.objects.filter(detail__refused=kept.pk)
    assert events.count() == 2  # the upload and the download
    assert not any("Bloggs" in e.what + str(e.detail) for e in events)
    gone = head_a.get(f"/refused/{kept.pk}/download/")
    assert gone.status_code == 410
