"""Retention: past a collection's date, `keystage manage purge` removes pupils' names and dates
of birth and deletes the stored files, keeps the results, says what it did, records it, and
does nothing the second time; downloads of deleted files answer with a message."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import timezone
from portal_support import ctf_bytes, make_user, run_tasks, signed_in, upload
from portal_world import World

from keystage.measures import Measure
from keystage.web.common.pupil_ids import pseudonym
from keystage.web.models import (
    Answer,
    AppealEvidence,
    AuditEvent,
    Collection,
    FindingRecord,
    Lock,
    ModeratedSchool,
    MoveDecision,
    Publication,
    PupilRecord,
    QueryMessage,
    Report,
    Role,
    School,
    Submission,
    TeamQuery,
    UnattributedFile,
    User,
)
from keystage.web.moderation import records
from keystage.web.privacy import pseudonyms, retention
from keystage.web.results.pupils import measures_for
from keystage.web.submissions import locks
from keystage.web.submissions.uploads import UploadRefusedError, receive
from keystage.web.workspace.la_queries import raise_query


def purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


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
    head_b = signed_in(User.objects.get(username=school_b.urn))
    upload(head_b, ks1, ctf_bytes(la_folder, school_b))
    run_tasks()
    current = Submission.objects.get(school=school_a, is_current=True)
    pupil = current.pupil_set.order_by("id").first()
    assert pupil is not None and pupil.surname and pupil.dob
    FindingRecord.objects.create(
        submission=current, code="DOB-RANGE", severity="query", upn=pupil.upn,
        pupil=f"{pupil.surname.upper()}, {pupil.forename}",
        message=f"{pupil.surname.upper()}, {pupil.forename}: born {pupil.dob}, outside...",
    )  # fmt: skip
    Answer.objects.create(
        school=school_a, collection=ks1, upn=pupil.upn, code="DOB-RANGE",
        text=f"{pupil.forename} was held back a year", answered_at=timezone.now(),
        first_submission=current,
    )  # fmt: skip
    asked = f"Is {pupil.forename} right?"
    query = raise_query(school=school_a, collection=ks1, by=officer, upn=pupil.upn,
                        subject=f"About {pupil.forename}", body=asked)  # fmt: skip
    MoveDecision.objects.create(
        collection=ks1, upn=pupil.upn, school=school_a, suggested=True,
        note=f"{pupil.forename} moved in May", decided_by=officer, decided_at=timezone.now(),
    )  # fmt: skip
    Publication.objects.create(collection=ks1, published_by=officer, published_at=timezone.now())
    reports = {}
    for kind in ("school", "pupil"):
        report = Report(
            school=school_a, collection=ks1, kind=kind, version=1, sha256="0" * 64, size=8,
            made_from=current, data_fingerprint="x", made_at=timezone.now(),
        )  # fmt: skip
        report.file.save(f"{kind}.pdf", ContentFile(b"%PDF-1.7"), save=True)
        reports[kind] = report
    attributed = UnattributedFile(
        original_name="from-sftp.xml", sha256="1" * 64, size=4, channel="import",
        reason="unknown school", received_at=timezone.now(), resolved_as=current,
    )  # fmt: skip
    attributed.file.save("from-sftp.dat", ContentFile(b"<CTF"), save=True)
    ks1.retain_until = ks1.closes + dt.timedelta(days=365)
    ks1.save()
    return {"pupil": pupil, "current": current, "reports": reports, "attributed": attributed,
            "query": query}  # fmt: skip


def after(collection: Collection, days: int = 1) -> str:
    assert collection.retain_until is not None
    return (collection.retain_until + dt.timedelta(days=days)).isoformat()


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
    UnattributedFile.objects.create(
        file="unattributed/nobody.dat", original_name="nobody.xml", sha256="9" * 64, size=1,
        channel="import", reason="unknown school", received_at=timezone.now(),
    )  # fmt: skip
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
    from django.core.management import CommandError

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


# -- The LA's retention page ------------------------------------------------------------------


@pytest.fixture
def admin_client(db: None) -> Client:
    person = make_user("la.admin", Role.LA_ADMIN, email="admin@la.example")
    TOTP.activate(person, generate_totp_secret())
    return signed_in(person)


def test_an_la_administrator_sets_the_date(admin_client: Client, ks1: Collection) -> None:
    page = admin_client.get("/la/retention/").content.decode()
    assert "KS1" in page and f"/la/retention/{ks1.pk}/" in page
    too_soon = admin_client.post(
        f"/la/retention/{ks1.pk}/", {"retain_until": f"{ks1.closes:%d/%m/%Y}"}
    )
    assert too_soon.status_code == 400
    assert "Enter a date after the collection closes" in too_soon.content.decode()
    nonsense = admin_client.post(f"/la/retention/{ks1.pk}/", {"retain_until": "31/2/2033"})
    assert "Enter a real date" in nonsense.content.decode()
    response = admin_client.post(f"/la/retention/{ks1.pk}/", {"retain_until": "31/8/2033"})
    assert response.status_code == 302
    ks1.refresh_from_db()
    assert ks1.retain_until == dt.date(2033, 8, 31)
    event = AuditEvent.objects.get(action=AuditEvent.Action.RETENTION)
    assert event.detail["retain_until"] == "2033-08-31" and event.actor == "la.admin"
    assert "Kept until 31 August 2033" in Client().get("/privacy/").content.decode()
    admin_client.post(f"/la/retention/{ks1.pk}/", {"retain_until": ""})
    ks1.refresh_from_db()
    assert ks1.retain_until is None  # empty: kept


def test_the_data_team_sees_the_dates_but_cannot_change_them(
    la_client: Client, head_a: Client, ks1: Collection
) -> None:
    page = la_client.get("/la/retention/")
    assert page.status_code == 200 and "Only LA administrators" in page.content.decode()
    assert (
        la_client.post(f"/la/retention/{ks1.pk}/", {"retain_until": "31/8/2033"}).status_code == 404
    )
    assert head_a.get("/la/retention/").status_code == 404
    assert head_a.post(f"/la/retention/{ks1.pk}/", {"retain_until": "31/8/2033"}).status_code == 404
    ks1.refresh_from_db()
    assert ks1.retain_until is None


# -- Names, subjects and the audit trail ------------------------------------------------------


def _pupil_words(collection: Collection) -> tuple[set[str], set[str]]:
    """Every UPN, and every "Forename Surname", of a collection's pupils."""
    pupils = PupilRecord.objects.filter(submission__collection=collection)
    return (
        set(pupils.values_list("upn", flat=True)),
        {f"{f} {s}" for f, s in pupils.values_list("forename", "surname")},
    )


def _said(event: AuditEvent) -> str:
    return event.what + " " + json.dumps(event.detail, ensure_ascii=False)


def _audit_of(collection: Collection) -> list[AuditEvent]:
    return list(pseudonyms.audit_events(collection))


@pytest.fixture
def named_everywhere(world: World, school_a: School, la_folder: Path) -> dict[str, object]:
    """KS2 of the walk's world, where a pupil's name is in a file's name, query subjects, an
    unlocking's reason, the evidence of an appeal and a file attributed by hand, and UPNs are
    in the moderation visit's record, each through the portal's own paths."""
    ks2 = Collection.objects.get(kind="KS2")
    pupil = PupilRecord.objects.filter(submission__collection=ks2).order_by("id")[0]
    name = f"{pupil.forename} {pupil.surname}"
    upload(world.head, ks2, ctf_bytes(la_folder, school_a, "KS2"), name=f"{name}.xml")
    run_tasks()
    by = world.admin_user
    raise_query(school=school_a, collection=ks2, by=by, subject=f"Is {name} in year 6?", body="?")
    raise_query(school=school_a, collection=ks2, by=by, upn=pupil.upn, subject=name, body="?")
    locks.lock(ks2, school_a, by)
    locks.unlock(ks2, school_a, by, reason=f"{name}'s reading score was wrong")
    moderated = ModeratedSchool.objects.get(round__collection=ks2)
    ModeratedSchool.objects.filter(pk=moderated.pk).update(notified_at=None)
    moderated.refresh_from_db()
    records.record_visit(
        moderated, moderator="A. Moderator", visit_date=timezone.localdate(),
        sample=[pupil.upn], outcome="accurate", notes=f"{name}: fine", by=by,
    )  # fmt: skip
    evidence = AppealEvidence.objects.get()
    AppealEvidence.objects.filter(pk=evidence.pk).update(original_name=f"{name} writing.pdf")
    assert world.admin.get(f"/la/appeals/evidence/{evidence.pk}/").status_code == 200
    attributed = UnattributedFile.objects.get()
    version = Submission.objects.filter(collection=ks2).order_by("-version")[0]
    UnattributedFile.objects.filter(pk=attributed.pk).update(
        original_name=f"{name} from sftp.xml", resolved_as=version
    )
    assert world.admin.get(f"/la/unattributed/{attributed.pk}/download/").status_code == 200
    ks2.retain_until = ks2.closes + dt.timedelta(days=1)
    ks2.save()
    return {"ks2": ks2, "pupil": pupil, "name": name}


def test_a_purge_replaces_what_may_name_a_pupil_in_names_subjects_and_the_audit_trail(
    named_everywhere: dict[str, object],
) -> None:
    ks2: Collection = named_everywhere["ks2"]  # type: ignore[assignment]
    name, pupil = named_everywhere["name"], named_everywhere["pupil"]
    upns, names = _pupil_words(ks2)
    events = _audit_of(ks2)
    carrying = [e for e in events if any(w in _said(e) for w in upns | names)]
    kinds = {e.action for e in carrying}
    assert {"upload", "query", "unlock", "moderate", "download"} <= kinds, kinds
    kept = {e.pk: (e.at, e.action, e.actor, e.role, e.school, e.collection, e.ip) for e in events}
    eyfsp = {e.pk: _said(e) for e in _audit_of(Collection.objects.get(kind="EYFSP"))}
    versions = Submission.objects.filter(collection=ks2)
    expected_names = versions.count() + 2  # every version, the evidence, the attributed file

    before = {e.pk: _said(e) for e in events}

    said = purge("--today", after(ks2))

    assert f"{expected_names} file names as sent replaced by when the file came" in said
    assert "4 query subjects replaced by what the query is about" in said
    changed = [e for e in _audit_of(ks2) if e.pk in before and _said(e) != before[e.pk]]
    assert set(carrying) <= set(changed)  # and the events naming files as sent, and subjects
    assert f"{len(changed)} audit events: file names, subjects, reasons and UPNs replaced" in said
    assert f"{len(changed)} audit events pseudonymised." in said  # the total
    for event in _audit_of(ks2):
        assert not [w for w in upns | names if w in _said(event)], _said(event)
        if event.action == "purge":
            continue
        assert (event.at, event.action, event.actor, event.role, event.school, event.collection,
                event.ip) == kept[event.pk]  # fmt: skip
    visit = AuditEvent.objects.get(action="moderate", what__startswith="recorded the KS2")
    assert visit.detail["sample"] == [f"pupil {pseudonym(ks2, pupil.upn)}"]  # type: ignore[attr-defined]
    unlocked = AuditEvent.objects.get(action="unlock")
    assert unlocked.detail["reason"] == retention.REMOVED_TEXT and name not in unlocked.what
    upload_event = AuditEvent.objects.filter(action="upload", collection="KS2 2025-26").last()
    assert upload_event is not None and upload_event.what.startswith("uploaded a file sent")
    for version in versions:
        assert version.original_name == pseudonyms.sent_name(version)
        assert version.original_name.startswith("file sent ")
    assert set(TeamQuery.objects.filter(collection=ks2).values_list("subject", flat=True)) == {
        pseudonyms.PUPIL_QUERY_SUBJECT,
        pseudonyms.FILE_QUERY_SUBJECT,
    }
    assert name not in AppealEvidence.objects.get().original_name  # type: ignore[operator]
    assert name not in UnattributedFile.objects.get().original_name  # type: ignore[operator]
    assert Lock.objects.get(collection=ks2).unlock_reason == retention.REMOVED_TEXT
    assert ModeratedSchool.objects.get().notes == retention.REMOVED_TEXT
    # Only the purged collection's: EYFSP's events (a decision naming a UPN) are as they were.
    assert {e.pk: _said(e) for e in _audit_of(Collection.objects.get(kind="EYFSP"))} == eyfsp
    purged = AuditEvent.objects.get(action="purge")
    assert purged.detail["names"] == expected_names and purged.detail["subjects"] == 4
    assert purged.detail["audit_events"] == len(changed)


def test_a_dry_run_counts_the_names_and_events_and_changes_none(
    named_everywhere: dict[str, object],
) -> None:
    ks2: Collection = named_everywhere["ks2"]  # type: ignore[assignment]
    before = {e.pk: _said(e) for e in AuditEvent.objects.all()}
    names = set(Submission.objects.values_list("original_name", flat=True))
    subjects = set(TeamQuery.objects.values_list("subject", flat=True))
    said = purge("--dry-run", "--today", after(ks2))
    assert "file names as sent would be replaced" in said
    assert "4 query subjects would be replaced" in said
    assert "audit events: file names, subjects, reasons and UPNs would be replaced" in said
    assert {e.pk: _said(e) for e in AuditEvent.objects.all()} == before
    assert set(Submission.objects.values_list("original_name", flat=True)) == names
    assert set(TeamQuery.objects.values_list("subject", flat=True)) == subjects
