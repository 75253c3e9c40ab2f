"""The purge pseudonymises what may name a pupil outside the pupil records: file names as sent,
query subjects, an unlocking's reason, the evidence of an appeal, a file attributed by hand, a
moderation visit's notes and the audit trail; only the purged collection's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone
from portal_support import ctf_bytes, run_tasks, upload
from portal_world import World
from retention_support import after, purge

from keystage.web.common.pupil_ids import pseudonym
from keystage.web.models import (
    AppealEvidence,
    AuditEvent,
    Collection,
    Lock,
    ModeratedSchool,
    PupilRecord,
    School,
    Submission,
    TeamQuery,
    UnattributedFile,
)
from keystage.web.moderation import records
from keystage.web.privacy import pseudonyms, retention
from keystage.web.submissions import locks
from keystage.web.workspace.la_queries import raise_query


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
