"""The file request page end to end: upload, checking, findings, versions, answers."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from portal_support import (
    ctf_bytes,
    run_tasks,
    upload,
    with_bad_result,
    with_old_pupil,
)

from keystage.web.models import Answer, Collection, RefusedUpload, School, Submission


def test_a_clean_file_is_stored_checked_and_made_current(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    content = ctf_bytes(la_folder, school_a)
    response = upload(head_a, ks1, content)
    version = Submission.objects.get(school=school_a)
    assert response.status_code == 302
    assert response["Location"] == f"/files/{version.pk}/"
    assert version.status == "received" and not version.is_current
    with version.file.open("rb") as stored:
        assert stored.read() == content  # exactly as received
    page = head_a.get(f"/files/{version.pk}/")
    assert "We are checking your file" in page.content.decode()

    run_tasks()

    version.refresh_from_db()
    assert version.status == "checked" and version.is_current
    assert version.pupils > 10 and version.errors == 0 and version.queries == 0
    assert version.pupil_set.count() == version.pupils
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Ready to confirm" in page


def test_errors_then_a_corrected_file(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_bad_result))
    run_tasks()
    first = Submission.objects.get(school=school_a)
    assert first.errors == 1 and first.is_current
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Errors to fix" in page and "RESULT-INVALID" in page

    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    first.refresh_from_db()
    second = Submission.objects.get(school=school_a, version=2)
    assert second.is_current and not first.is_current and second.errors == 0
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Ready to confirm" in page
    assert page.count("RESULT-INVALID") == 0
    # the earlier version stays visible, with its findings
    assert "RESULT-INVALID" in head_a.get(f"/files/{first.pk}/").content.decode()


def test_findings_csv_lists_errors_before_queries(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    def both(pupils):  # type: ignore[no-untyped-def]
        return with_old_pupil(with_bad_result(pupils))

    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=both))
    run_tasks()
    version = Submission.objects.get(school=school_a)
    response = head_a.get(f"/files/{version.pk}/findings.csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("severity,code,upn")
    assert lines[1].startswith("error,RESULT-INVALID")
    assert lines[2].startswith("query,DOB-RANGE")


def test_an_answer_carries_over_to_the_next_version(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_old_pupil))
    run_tasks()
    first = Submission.objects.get(school=school_a)
    query = first.finding_set.get(code="DOB-RANGE")
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Queries to answer" in page

    head_a.post(
        f"/files/{first.pk}/answer/",
        {"upn": query.upn, "code": "DOB-RANGE", "text": "Born abroad; right age, moved up."},
    )
    assert Answer.objects.filter(upn=query.upn, code="DOB-RANGE").exists()
    assert "Ready to confirm" in head_a.get(f"/collections/{ks1.pk}/").content.decode()

    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_old_pupil))
    run_tasks()
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Ready to confirm" in page
    assert "Born abroad; right age, moved up." in page


def test_an_answer_to_a_query_not_in_the_file_is_refused(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    version = Submission.objects.get(school=school_a)
    head_a.post(f"/files/{version.pk}/answer/", {"upn": "", "code": "DOB-RANGE", "text": "x"})
    assert not Answer.objects.exists()


def test_another_schools_file_is_kept_but_refused(
    head_a: Client, school_a: School, school_b: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    upload(head_a, ks1, ctf_bytes(la_folder, school_b))
    run_tasks()
    good = Submission.objects.get(school=school_a)  # the only version: no number taken
    wrong = RefusedUpload.objects.get(school=school_a)
    assert wrong.code == "HDR-SCHOOL" and wrong.number == 1
    assert wrong.file.size > 0  # kept for the record
    assert good.is_current
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "We did not accept your last upload" in page
    assert "Version 1 is still your current version" in page


def test_a_pupil_in_another_schools_current_file_is_a_query(
    head_a: Client, school_a: School, school_b: School, ks1: Collection, la_folder: Path
) -> None:
    from portal_support import ctf_path, signed_in

    from keystage.ctf.reader import read_ctf
    from keystage.web.models import User

    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    with read_ctf(ctf_path(la_folder, school_a)) as reader:
        child = next(iter(reader))  # the same child: UPN, name and date of birth

    head_b = signed_in(User.objects.get(username=school_b.urn))
    upload(head_b, ks1, ctf_bytes(la_folder, school_b, change=lambda pupils: [*pupils, child]))
    run_tasks()
    theirs = Submission.objects.get(school=school_b)
    found = theirs.finding_set.get(code="PUPIL-OTHER-SCHOOL")
    assert found.severity == "query" and found.upn == child.upn
    assert "is also in another school's return" in found.message
    assert school_a.name not in found.message  # a school learns nothing of another's pupils


def test_home_shows_each_open_collection_with_its_state_and_days_left(
    head_a: Client, ks1: Collection
) -> None:
    page = head_a.get("/").content.decode()
    assert "Key Stage 1 teacher assessment 2026" in page
    assert "Not started" in page
    assert ">7<" in page  # days left
