"""What the retention purge puts in place of what may name a pupil, outside the pupil records:
file names, query subjects, and the same in the audit trail (keystage.web.privacy.retention).

- A file's name as sent (a school may call it "Jo Bloggs re-check.xml") becomes when it came
  and which it was: "file sent 19 June 2026, version 3", "file sent 19 June 2026, refused
  upload 1", "file received 2 July 2026", "evidence sent 9 July 2026, file 2".
- A data-team query's subject becomes "A query about one pupil" or "A query about the file".
- The audit events of the purged collection (its own, and those of the files attributed to it
  by hand) keep their who (actor, role, address), what (action), when, school and collection.
  In their text and details, a file name or query subject an event refers to (by the id in its
  details) becomes its pseudonym above, an unlocking's reason is removed, and every UPN becomes
  the pupil's ID: the keyed pseudonym of the minimised exports, so one pupil's events still go
  together and match the minimised files, but name no one.

Which events carry what (audit.record's callers): uploads and imports name the file as sent;
downloads of appeal evidence and of files not attributed name the file; queries quote their
subject; unlocking quotes its reason; decisions on pupils in two schools' files and KS2
moderation (the visit's sample, changed judgements, appeals' final judgements) give UPNs;
appeals list their evidence files' names. No event quotes a pupil's name: findings and pages
are where names are, and page views are recorded without them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from keystage.web.common.audit import Action, collection_label
from keystage.web.common.pupil_ids import UPN_IN_WORDS, pseudonym
from keystage.web.models import (
    AppealEvidence,
    AuditEvent,
    Collection,
    RefusedUpload,
    Submission,
    TeamQuery,
    UnattributedFile,
)

REMOVED_TEXT = "Removed under the retention policy."
PUPIL_QUERY_SUBJECT = "A query about one pupil"
FILE_QUERY_SUBJECT = "A query about the file"

Pair = tuple[str, str]  # what an event says -> what it says instead


def _day(moment: Any) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"


def sent_name(version: Submission) -> str:
    return f"file sent {_day(version.uploaded_at)}, version {version.version}"


def refused_name(kept: RefusedUpload) -> str:
    return f"file sent {_day(kept.uploaded_at)}, refused upload {kept.number}"


def received_name(kept: UnattributedFile) -> str:
    return f"file received {_day(kept.received_at)}"


def evidence_names(items: Iterable[AppealEvidence]) -> dict[int, str]:
    """Each appeal's files numbered in the order they came."""
    named: dict[int, str] = {}
    by_appeal: dict[int, int] = {}
    for item in sorted(items, key=lambda i: (i.appeal_id, i.uploaded_at, i.pk)):
        by_appeal[item.appeal_id] = number = by_appeal.get(item.appeal_id, 0) + 1
        named[item.pk] = f"evidence sent {_day(item.uploaded_at)}, file {number}"
    return named


def subject(query: TeamQuery) -> str:
    return PUPIL_QUERY_SUBJECT if query.upn else FILE_QUERY_SUBJECT


def collection_evidence(collection: Collection) -> list[AppealEvidence]:
    return list(AppealEvidence.objects.filter(appeal__moderated__round__collection=collection))


class AuditScrubber:
    """Rewrites a purged collection's audit events; made before the names themselves change."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        versions = Submission.objects.filter(collection=collection)
        # "uploaded a file sent 19 June 2026 as version 3": the event says which version.
        self.files = {
            v.pk: (v.original_name, f"a file sent {_day(v.uploaded_at)}") for v in versions
        }
        refused = RefusedUpload.objects.filter(collection=collection)
        self.refused = {
            r.pk: (r.original_name, f"a file sent {_day(r.uploaded_at)}") for r in refused
        }
        kept = UnattributedFile.objects.filter(resolved_as__collection=collection)
        self.received = {k.pk: (k.original_name, received_name(k)) for k in kept}
        evidence = collection_evidence(collection)
        renamed = evidence_names(evidence)
        self.evidence = {e.pk: (e.original_name, renamed[e.pk]) for e in evidence}
        self.by_appeal: dict[int, list[int]] = {}
        for e in evidence:
            self.by_appeal.setdefault(e.appeal_id, []).append(e.pk)
        queries = TeamQuery.objects.filter(collection=collection)
        self.subjects = {q.pk: (q.subject, subject(q)) for q in queries}

    def scrub(self, event: AuditEvent) -> bool:
        """Rewrites the event in memory; True if anything changed."""
        pairs = sorted(self._pairs(event), key=lambda p: -len(p[0]))
        what, detail = self._text(event.what, pairs), self._value(event.detail, pairs)
        if (what, detail) == (event.what, event.detail):
            return False
        event.what, event.detail = what, detail
        return True

    def _pairs(self, event: AuditEvent) -> list[Pair]:
        detail = event.detail
        pairs = [
            *_found(self.files, detail.get("submission")),
            *_found(self.refused, detail.get("refused")),
            *_found(self.received, detail.get("unattributed")),
            *_found(self.evidence, detail.get("evidence")),
            *_found(self.subjects, detail.get("query")),
        ]
        for pk in self.by_appeal.get(_int(detail.get("appeal")) or 0, []):
            pairs += _found(self.evidence, pk)
        if event.action == Action.UNLOCK and isinstance(detail.get("reason"), str):
            pairs.append((detail["reason"], REMOVED_TEXT))
        if event.action == Action.DECIDE and isinstance(detail.get("note"), str):
            pairs.append((detail["note"], REMOVED_TEXT))  # the data team's words on a pupil
        return [(old, new) for old, new in pairs if old and old != new]

    def _text(self, text: str, pairs: list[Pair]) -> str:
        for old, new in pairs:
            text = text.replace(old, new)
        return UPN_IN_WORDS.sub(lambda m: f"pupil {pseudonym(self.collection, m['upn'])}", text)

    def _value(self, value: Any, pairs: list[Pair]) -> Any:
        if isinstance(value, str):
            return self._text(value, pairs)
        if isinstance(value, list):
            return [self._value(v, pairs) for v in value]
        if isinstance(value, dict):
            return {self._text(k, pairs): self._value(v, pairs) for k, v in value.items()}
        return value


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _found(table: dict[int, Pair], key: object) -> list[Pair]:
    if isinstance(key, list):  # an appeal's evidence: [{"name": ..., "sha256": ...}, ...]
        return []
    number = _int(key)
    return [table[number]] if number is not None and number in table else []


# -- Applying them ------------------------------------------------------------------------------
# Each takes `save`: False counts what would change (the dry run), True changes it too.

BATCH = 2000


def rename_files(collection: Collection, *, save: bool) -> int:
    """The names of the collection's files as sent (versions and refused uploads), as
    received and as appeal evidence."""
    versions = Submission.objects.filter(collection=collection).only(
        "id", "original_name", "uploaded_at", "version"
    )
    changed: list[Any] = _renamed(versions, sent_name, save=save)
    refused = RefusedUpload.objects.filter(collection=collection).only(
        "id", "original_name", "uploaded_at", "number"
    )
    changed += _renamed(refused, refused_name, save=save)
    kept = UnattributedFile.objects.filter(resolved_as__collection=collection)
    changed += _renamed(kept.only("id", "original_name", "received_at"), received_name, save=save)
    evidence = collection_evidence(collection)
    renamed = evidence_names(evidence)
    changed += _renamed(evidence, lambda e: renamed[e.pk], save=save)
    return len(changed)


def _renamed(rows: Iterable[Any], name: Any, *, save: bool) -> list[Any]:
    changed = [row for row in rows if row.original_name != name(row)]
    for row in changed:
        row.original_name = name(row)
    if save and changed:
        type(changed[0]).objects.bulk_update(changed, ["original_name"], batch_size=BATCH)
    return changed


def rename_subjects(collection: Collection, *, save: bool) -> int:
    queries = TeamQuery.objects.filter(collection=collection)
    done = 0
    for about_pupil, said in ((True, PUPIL_QUERY_SUBJECT), (False, FILE_QUERY_SUBJECT)):
        rows = queries.exclude(upn="") if about_pupil else queries.filter(upn="")
        rows = rows.exclude(subject=said)
        done += rows.update(subject=said) if save else rows.count()
    return done


def audit_events(collection: Collection) -> Any:
    """The collection's events, and those of the files attributed to it by hand (the import
    that kept such a file knew no collection yet)."""
    attributed = list(
        UnattributedFile.objects.filter(resolved_as__collection=collection).values_list(
            "pk", flat=True
        )
    )
    return AuditEvent.objects.filter(
        Q(collection=collection_label(collection)) | Q(detail__unattributed__in=attributed)
    ).order_by("id")


def pseudonymise_events(scrubber: AuditScrubber, *, save: bool) -> int:
    # Read all first, then write: SQLite reads in batches on the same connection and must not
    # see the table change under it. Only the changed events are held.
    changed = [e for e in audit_events(scrubber.collection).iterator() if scrubber.scrub(e)]
    if save:
        AuditEvent.objects.bulk_update(changed, ["what", "detail"], batch_size=BATCH)
    return len(changed)
