"""Retention: past a collection's date, `keystage manage purge` removes pupils' names and dates
of birth and deletes the stored files, keeps the results, says what it did, records it, and
does nothing the second time; downloads of deleted files answer with a message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError
from django.db import models
from django.test import Client
from portal_builders import (
    head_of,
    make_answer,
    make_finding,
    make_move_decision,
    make_publication,
    make_report,
    make_unattributed,
)
from portal_support import ctf_bytes, run_tasks, signed_in, upload
from retention_support import after, purge

from keystage.measures import Measure
from keystage.web.models import (
    Answer,
    AuditEvent,
    Collection,
    FindingRecord,
    MoveDecision,
    PupilRecord,
    QueryMessage,
    School,
    Submission,
    User,
)
from keystage.web.privacy import pseudonyms, retention
from keystage.web.results.pupils import measures_for
from keystage.web.submissions.uploads import UploadRefusedError, receive
from keystage.web.workspace.la_queries import raise_query


def on_disk(name: str) -> bool:
    return default_storage.exists(name)


def figures(collection: Collection) -> dict[tuple[str, str], Measure]:
    return {(m.measure, m.group): m for m in measures_for(collection)}


@pytest.fixture
def held(
    head_a: Client, school_a: School, school_b: School, ks1: Collection, la_folder: Path,
    officer: User,
) -> dict[str, object]:  # fmt: skip
    """Two schools' versions (school A has two), findings, an answer, a query about a pupil,
    a decision note, both kinds of report and a file attributed by hand: all with names."""
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    upload(signed_in(head_of(school_b)), ks1, ctf_bytes(la_folder, school_b))
    run_tasks()
    current = Submission.objects.get(school=school_a, is_current=True)
    pupil = current.pupil_set.order_by("id").first()
    assert pupil is not None and pupil.surname and pupil.dob
    named = f"{pupil.surname.upper()}, {pupil.forename}"
    make_finding(current, code="DOB-RANGE", upn=pupil.upn, pupil=named,
                 message=f"{named}: born {pupil.dob}, outside...")  # fmt: skip
    make_answer(current, upn=pupil.upn, code="DOB-RANGE",
                text=f"{pupil.forename} was held back a year")  # fmt: skip
    asked = f"Is {pupil.forename} right?"
    query = raise_query(school=school_a, collection=ks1, by=officer, upn=pupil.upn,
                        subject=f"About {pupil.forename}", body=asked)  # fmt: skip
    make_move_decision(ks1, pupil.upn, by=officer, school=school_a, suggested=True,
                       note=f"{pupil.forename} moved in May")  # fmt: skip
    make_publication(ks1, by=officer)
    reports = {kind: make_report(school_a, ks1, kind=kind, made_from=current, content=b"%PDF-1.7")
               for kind in ("school", "pupil")}  # fmt: skip
    attributed = make_unattributed(resolved_as=current)
    ks1.retain_until = ks1.closes + dt.timedelta(days=365)
    ks1.save()
    return {"pupil": pupil, "current": current, "reports": reports, "attributed": attributed,
            "query": query}  # fmt: skip


def test_nothing_happens_up_to_and_on_the_retention_date(
    held: dict[str, object], ks1: Collection
) -> None:
    said = purge("--today", after(ks1, days=0))
    assert "No collection is past its retention date" in said
    assert f"Next: KS1 2026, kept until {ks1.retain_until:%-d %B %Y}" in said
    pupil = PupilRecord.objects.get(pk=held["pupil"].pk)  # type: ignore[attr-defined]
    assert pupil.surname and pupil.dob and pupil.data["surname"]
    assert all(on_disk(s.file.name) for s in Submission.objects.all())
    assert not AuditEvent.objects.filter(action="purge").exists()


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(
    held: dict[str, object], ks1: Collection
) -> None:
    names = retention.stored_files(ks1)
    make_unattributed(content=None, file="unattributed/nobody.dat", original_name="nobody.xml")
    said = purge("--dry-run", "--today", after(ks1))
    assert "1 file not attributed to any school" in said  # left to the data team, said so
    pupils = PupilRecord.objects.filter(submission__collection=ks1).count()
    assert f"{pupils} pupil records: names and dates of birth would be removed" in said
    assert f"{len(names)} files would be deleted" in said
    assert "Would purge 1 collection" in said and "Nothing was changed (--dry-run)." in said
    assert all(on_disk(name) for name in names)
    assert PupilRecord.objects.filter(submission__collection=ks1, surname="").count() == 0
    ks1.refresh_from_db()
    assert ks1.purged_at is None
    assert not AuditEvent.objects.filter(action="purge").exists()


def test_a_purge_removes_names_and_files_keeps_the_results_and_runs_once(
    held: dict[str, object], ks1: Collection
) -> None:
    before = figures(ks1)
    names = retention.stored_files(ks1)
    # Every version of both schools, the pupil-level report and the attributed file; not the
    # school-level report, which holds no pupil's data.
    assert len(names) == 3 + 1 + 1
    school_report = held["reports"]["school"]  # type: ignore[index]
    assert school_report.file.name not in names
    freed = sum(default_storage.size(n) for n in names)

    said = purge("--today", after(ks1))

    pupils = PupilRecord.objects.filter(submission__collection=ks1)
    assert f"{pupils.count()} pupil records: names and dates of birth removed" in said
    assert "5 files deleted" in said and "Purged 1 collection" in said
    for row in pupils:
        assert (row.surname, row.forename, row.dob) == ("", "", None)
        for key in retention.IDENTIFYING:
            assert row.data[key] is None, key
        assert row.data["school_history"] == []
        assert row.upn and row.data["assessments"]  # the UPN and the results stay
    assert not any(on_disk(name) for name in names)
    assert on_disk(school_report.file.name)
    pupil = held["pupil"]
    finding = FindingRecord.objects.get(code="DOB-RANGE", upn=pupil.upn)  # type: ignore[attr-defined]
    assert finding.pupil == "" and pupil.surname.upper() not in finding.message  # type: ignore[attr-defined]
    assert finding.message.startswith("Date of birth outside")  # the rule's summary
    assert Answer.objects.get().text == retention.REMOVED_TEXT
    assert set(QueryMessage.objects.values_list("body", flat=True)) == {retention.REMOVED_TEXT}
    assert held["query"].__class__.objects.get().subject == pseudonyms.PUPIL_QUERY_SUBJECT  # type: ignore[attr-defined]
    assert MoveDecision.objects.get().note == ""

    after_purge = figures(ks1)  # the results are kept: every figure but term of birth stands
    assert {k: v for k, v in after_purge.items() if "term_of_birth" not in k[1]} == {
        k: v for k, v in before.items() if "term_of_birth" not in k[1]
    }
    assert after_purge["ks1_reading_exs_plus", "all"] == before["ks1_reading_exs_plus", "all"]

    ks1.refresh_from_db()
    assert ks1.purged_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.PURGE)
    assert event.collection == "KS1 2025-26" and event.actor == ""
    assert event.detail["files_deleted"] == 5 and event.detail["bytes_freed"] == freed
    assert event.detail["pupils"] == pupils.count()

    again = purge("--today", after(ks1, days=30))  # the next night's cron
    assert "No collection is past its retention date" in again
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PURGE).count() == 1


def test_downloads_of_deleted_files_say_so(
    held: dict[str, object], ks1: Collection, head_a: Client, la_client: Client,
    school_a: School,
) -> None:  # fmt: skip
    purge("--today", after(ks1))
    current: Submission = held["current"]  # type: ignore[assignment]
    ks1.refresh_from_db()
    on = f"{ks1.purged_at:%-d %B %Y}"
    downloads = [
        (head_a, f"/files/{current.pk}/download/"),
        (la_client, f"/la/collections/{ks1.pk}/schools/{school_a.pk}/file/?version=1"),
        (head_a, f"/reports/{held['reports']['pupil'].pk}/download/"),  # type: ignore[index]
        (la_client, f"/la/unattributed/{held['attributed'].pk}/download/"),  # type: ignore[attr-defined]
    ]
    for client, url in downloads:
        response = client.get(url)
        assert response.status_code == 410, url
        assert f"deleted under the retention policy on {on}" in response.content.decode(), url
    assert not AuditEvent.objects.filter(action="download").exists()  # nothing was downloaded
    # The school-level report holds no pupil's data and is still there.
    school_report = head_a.get(f"/reports/{held['reports']['school'].pk}/download/")  # type: ignore[index]
    assert school_report.status_code == 200
    # The pages say so instead of offering a broken link.
    page = head_a.get(f"/files/{current.pk}/").content.decode()
    assert f"Deleted under the retention policy on {on}" in page
    assert f"/files/{current.pk}/download/" not in page
    la_page = la_client.get(f"/la/collections/{ks1.pk}/schools/{school_a.pk}/").content.decode()
    assert "File deleted under the retention policy" in la_page
    reports = head_a.get("/reports/").content.decode()
    assert f"Deleted under the retention policy on {on}" in reports


def test_a_purged_collection_takes_no_more_files(
    held: dict[str, object], ks1: Collection, school_a: School, la_folder: Path
) -> None:
    purge("--today", after(ks1))
    ks1.refresh_from_db()
    file = ContentFile(ctf_bytes(la_folder, school_a), name="late.xml")
    with pytest.raises(UploadRefusedError, match="deleted under the retention policy"):
        receive(school=school_a, collection=ks1, upload=file, user=None)  # type: ignore[arg-type]


def test_a_file_missing_from_disk_gets_a_message_not_a_server_error(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    version = Submission.objects.get(school=school_a)
    default_storage.delete(version.file.name)
    response = head_a.get(f"/files/{version.pk}/download/")
    assert response.status_code == 404
    assert "We cannot find the file you sent as version 1" in response.content.decode()


def test_a_collection_with_no_date_is_kept(held: dict[str, object], ks1: Collection) -> None:
    ks1.retain_until = None
    ks1.save()
    assert "No collection is past" in purge("--today", "2099-01-01")
    assert PupilRecord.objects.filter(surname="").count() == 0


def test_a_bad_date_is_a_usage_error(db: None) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        purge("--today", "31/8/2033")


def test_every_stored_file_is_known_to_the_purge() -> None:
    """A new model with a FileField must say what the purge does with its files."""
    found = {
        (model.__name__, field.name)
        for model in apps.get_app_config("portal").get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert found <= set(retention.FILES_DELETED), found - set(retention.FILES_DELETED)
