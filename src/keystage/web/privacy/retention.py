"""Retention: once a collection is past the date the LA set, its pupils' names and dates of
birth are removed and the files stored for it deleted; the results stay, so the figures can
still be made.

What goes, for every version of every school's file in the collection:
- from each pupil record: surname, forename, preferred surname, middle names, date of birth,
  former UPN, ULN and school history (entry and leaving dates: not needed for any figure);
- from each finding: the pupil's name, and the message (which quotes names and dates of
  birth) becomes the rule's catalogue summary;
- free text that may name pupils: schools' answers to queries, the data team's query messages,
  the notes on decisions about pupils in two schools' files, the reasons given for unlocking,
  KS2 moderation visits' notes and appeals' reasons and notes;
- names that may name pupils (keystage.web.privacy.pseudonyms): the names files were sent under
  (versions, refused uploads, files attributed by hand, appeal evidence) become when they
  came and which they
  were, and query subjects say only whether a query is about one pupil;
- the stored files: every version as sent (and the CTF made from a spreadsheet template),
  every file refused at upload, the pupil-level report PDFs, the files that came in
  unattributed and were attributed to the collection, KS2 moderation letters and appeal
  evidence (FILES_DELETED).

What stays: the UPN (it keys the data team's decisions and lets the LA follow a pupil from one
key stage to the next), sex, year group, ethnicity, first language, free school meals, SEN and
every result. The school-level report PDFs hold no pupil's data and stay. The audit trail stays
the record of what was done, the purge included: each of the collection's events keeps who,
what, when, school and collection; the file names and subjects in it become the same
pseudonyms, reasons for unlocking are removed and UPNs become pupil IDs
(keystage.web.privacy.pseudonyms).

A collection is purged once, in one transaction that ends by setting `purged_at`: run again,
from cron or by hand, and a purged collection is left alone. A run that stops part way (a
file that cannot be deleted) changes nothing in the database, and the next run does it all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.db import models, transaction
from django.db.models import Q

from keystage.checks import REGISTRY
from keystage.web.common import clock
from keystage.web.common.audit import Action, record
from keystage.web.models import (
    Answer,
    Appeal,
    AppealEvidence,
    Collection,
    FindingRecord,
    Lock,
    ModeratedSchool,
    MoveDecision,
    NcaImport,
    PupilRecord,
    QueryMessage,
    RefusedUpload,
    Report,
    Submission,
    UnattributedFile,
)
from keystage.web.privacy import pseudonyms
from keystage.web.privacy.pseudonyms import REMOVED_TEXT
from keystage.web.submissions import cross_school

# Keys of PupilRecord.data (dataclasses.asdict of keystage.ctf.model.Pupil) that identify a
# child directly, or say where they were when: set to None (the school history to no entries).
IDENTIFYING = ("surname", "forename", "preferred_surname", "middle_names", "dob", "former_upn",
               "uln")  # fmt: skip
EMPTIED = ("school_history",)
BATCH = 2000

# Every FileField of the portal's models, and what the purge does with its files. A new stored
# file must be added here (a test walks the models): deleted with its collection, or kept with
# the reason.
FILES_DELETED = {
    ("Submission", "file"): "the file as the school sent it",
    ("Submission", "converted"): "the CTF made from a filled spreadsheet template",
    ("RefusedUpload", "file"): "files refused at upload, kept for the record until now",
    ("Report", "file"): "the pupil-level report PDFs (school-level reports hold no pupil data)",
    ("UnattributedFile", "file"): "files attributed to the collection by hand",
    ("ModeratedSchool", "letter"): "KS2 moderation letters (they name pupils)",
    ("AppealEvidence", "file"): "evidence sent with KS2 moderation appeals (pupils' work)",
    ("NcaImport", "file"): "the KS2 results downloaded from the NCA Portal, as imported",
}


@dataclass
class Outcome:
    """What a purge of one collection did, or (dry run) would do."""

    collection: Collection
    pupils: int = 0
    findings: int = 0
    texts: int = 0
    names: int = 0  # files' names as sent, replaced by when they came
    subjects: int = 0  # query subjects, replaced by what they are about
    audit: int = 0  # audit events whose file names, subjects, reasons or UPNs were replaced
    files: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # named in the database, not on disk
    bytes_freed: int = 0
    waiting: int = 0  # unattributed files received by the closing date, left to the data team

    def lines(self, *, dry_run: bool) -> list[str]:
        c = self.collection
        kept = f"{c.retain_until:%-d %B %Y}" if c.retain_until else "no date"
        would = "would be " if dry_run else ""
        said = [
            f"{c.short_name} ({c.long_name} {c.academic_year}), kept until {kept}:",
            f"  {_count(self.pupils, 'pupil record')}: names and dates of birth {would}removed",
            f"  {_count(self.findings, 'finding')}: pupils' names {would}removed",
            f"  {_count(self.texts, 'answer, message or note', 'answers, messages and notes')} "
            f"that may name pupils {would}removed",
            f"  {_count(self.names, 'file name')} as sent {would}replaced by when the file "
            "came and which it was",
            f"  {_count(self.subjects, 'query subject')} {would}replaced by what the query is "
            "about",
            f"  {_count(self.audit, 'audit event')}: file names, subjects, reasons and UPNs "
            f"{would}replaced (who, what and when kept)",
            f"  {_count(len(self.files), 'file')} {would}deleted, "
            f"{size(self.bytes_freed)} {would}freed",
        ]
        if self.missing:
            said.append(f"  {_count(len(self.missing), 'file')} already missing from disk")
        if self.waiting:
            said.append(
                f"  {_count(self.waiting, 'file')} not attributed to any school, received by "
                f"{c.closes:%-d %B %Y}, {'is' if self.waiting == 1 else 'are'} not purged: "
                f"look at {'it' if self.waiting == 1 else 'them'} under “Files not attributed” "
                "in the portal"
            )
        return said

    def detail(self) -> dict[str, Any]:
        """For the audit event: counts and the files, as plain values."""
        return {
            "retain_until": self.collection.retain_until.isoformat()
            if self.collection.retain_until
            else None,
            "pupils": self.pupils,
            "findings": self.findings,
            "texts": self.texts,
            "names": self.names,
            "subjects": self.subjects,
            "audit_events": self.audit,
            "files_deleted": len(self.files),
            "files_missing": len(self.missing),
            "bytes_freed": self.bytes_freed,
            "files": self.files,
        }


def due(today: dt.date) -> list[Collection]:
    """Collections whose retention date has passed and that are not yet purged. The data are
    kept through the retention date itself."""
    return list(
        Collection.objects.filter(retain_until__lt=today, purged_at__isnull=True).order_by(
            "retain_until", "kind"
        )
    )


def next_due(today: dt.date) -> Collection | None:
    return (
        Collection.objects.filter(retain_until__gte=today, purged_at__isnull=True)
        .order_by("retain_until", "kind")
        .first()
    )


def plan(collection: Collection, storage: Storage = default_storage) -> Outcome:
    """What purging the collection would do, changing nothing."""
    outcome = Outcome(
        collection,
        pupils=_pupil_records(collection).count(),
        findings=FindingRecord.objects.filter(submission__collection=collection).count(),
        texts=sum(query.count() for query in _texts(collection)),
        names=pseudonyms.rename_files(collection, save=False),
        subjects=pseudonyms.rename_subjects(collection, save=False),
        audit=pseudonyms.pseudonymise_events(pseudonyms.AuditScrubber(collection), save=False),
        waiting=_waiting(collection),
    )
    _weigh(outcome, stored_files(collection), storage)
    return outcome


def purge(
    collection: Collection, *, today: dt.date, storage: Storage = default_storage
) -> Outcome | None:
    """Purges one collection past its retention date; None when there was nothing to do (not
    due, or purged meanwhile by another run)."""
    with transaction.atomic():
        locked = (
            Collection.objects.select_for_update()
            .filter(pk=collection.pk, retain_until__lt=today, purged_at__isnull=True)
            .first()
        )
        if locked is None:
            return None
        cross_school.lock_collection(locked)  # no version stored while names are removed
        outcome = Outcome(locked, waiting=_waiting(locked))
        scrubber = pseudonyms.AuditScrubber(locked)  # before the names it replaces change
        outcome.audit = pseudonyms.pseudonymise_events(scrubber, save=True)
        outcome.pupils = _anonymise_pupils(locked)
        outcome.findings = _anonymise_findings(locked)
        outcome.texts = _remove_texts(locked)
        outcome.names = pseudonyms.rename_files(locked, save=True)
        outcome.subjects = pseudonyms.rename_subjects(locked, save=True)
        _weigh(outcome, stored_files(locked), storage)
        for name in outcome.files:
            storage.delete(name)  # a failure here rolls the whole purge back
        locked.purged_at = clock.now()
        locked.save(update_fields=["purged_at"])
        record(
            Action.PURGE,
            f"removed pupils' names and dates of birth from {locked.short_name} and deleted "
            f"{_count(len(outcome.files), 'stored file')} (kept until {locked.retain_until})",
            collection=locked,
            **outcome.detail(),
        )
    return outcome


# -- Pupil records and findings ------------------------------------------------------------


def _pupil_records(collection: Collection) -> models.QuerySet[PupilRecord]:
    return PupilRecord.objects.filter(submission__collection=collection)


def anonymised(data: dict[str, Any]) -> dict[str, Any]:
    """A pupil's stored data without what identifies them; their results untouched."""
    kept = dict(data)
    for key in IDENTIFYING:
        if key in kept:
            kept[key] = None
    for key in EMPTIED:
        if key in kept:
            kept[key] = []
    return kept


def _anonymise_pupils(collection: Collection) -> int:
    done = 0
    for chunk in _chunks(_pupil_records(collection).only("id", "data").order_by("id")):
        for row in chunk:
            row.surname, row.forename, row.dob = "", "", None
            row.data = anonymised(row.data)
        PupilRecord.objects.bulk_update(chunk, ["surname", "forename", "dob", "data"])
        done += len(chunk)
    return done


def _chunks(rows: models.QuerySet[PupilRecord]) -> Iterator[list[PupilRecord]]:
    chunk: list[PupilRecord] = []
    for row in rows.iterator(chunk_size=BATCH):
        chunk.append(row)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _anonymise_findings(collection: Collection) -> int:
    """Each finding keeps its code, severity, UPN, field and line; its message becomes the
    rule's summary, which names no one."""
    findings = FindingRecord.objects.filter(submission__collection=collection)
    done = 0
    for code in findings.order_by().values_list("code", flat=True).distinct():
        rule = REGISTRY.get(code)
        summary = rule.summary if rule is not None else REMOVED_TEXT
        done += findings.filter(code=code).update(pupil="", message=summary)
    return done


# -- Free text ----------------------------------------------------------------------------------


def _texts(collection: Collection) -> list[models.QuerySet[Any]]:
    """The rows whose free text may name pupils and still holds it."""
    return [
        Answer.objects.filter(collection=collection).exclude(text=REMOVED_TEXT),
        QueryMessage.objects.filter(query__collection=collection).exclude(body=REMOVED_TEXT),
        MoveDecision.objects.filter(collection=collection).exclude(note=""),
        _appeals(collection).exclude(reasons=REMOVED_TEXT),
        Lock.objects.filter(collection=collection).exclude(unlock_reason="")
        .exclude(unlock_reason=REMOVED_TEXT),
        ModeratedSchool.objects.filter(round__collection=collection).exclude(notes="")
        .exclude(notes=REMOVED_TEXT),
        # The data team's own words refusing a held file (a refusal the checks made has a code).
        Submission.objects.filter(collection=collection, status=Submission.Status.REFUSED,
                                  refusal_code="").exclude(refusal_message=REMOVED_TEXT),
    ]  # fmt: skip


def _appeals(collection: Collection) -> models.QuerySet[Appeal]:
    return Appeal.objects.filter(moderated__round__collection=collection)


def _remove_texts(collection: Collection) -> int:
    answers, messages, decisions, appeals, unlocks, visits, refusals = _texts(collection)
    done = answers.update(text=REMOVED_TEXT)
    done += messages.update(body=REMOVED_TEXT)
    done += decisions.update(note="")
    done += appeals.update(reasons=REMOVED_TEXT)
    done += unlocks.update(unlock_reason=REMOVED_TEXT)
    done += visits.update(notes=REMOVED_TEXT)  # the moderators', about the pupils' work
    done += refusals.update(refusal_message=REMOVED_TEXT)
    for notes in ("review_notes", "decision_notes"):  # the LA's, about the pupils' work
        _appeals(collection).exclude(**{notes: ""}).update(**{notes: REMOVED_TEXT})
    return done


# -- Stored files -------------------------------------------------------------------------------


def stored_files(collection: Collection) -> list[str]:
    """The names, in storage, of every file the purge deletes for the collection."""
    names: list[str] = []
    versions = Submission.objects.filter(collection=collection)
    names += versions.values_list("file", flat=True)
    names += versions.values_list("converted", flat=True)
    names += RefusedUpload.objects.filter(collection=collection).values_list("file", flat=True)
    names += Report.objects.filter(collection=collection, kind=Report.Kind.PUPIL).values_list(
        "file", flat=True
    )
    names += UnattributedFile.objects.filter(resolved_as__collection=collection).values_list(
        "file", flat=True
    )
    names += ModeratedSchool.objects.filter(round__collection=collection).values_list(
        "letter", flat=True
    )
    names += AppealEvidence.objects.filter(
        appeal__moderated__round__collection=collection
    ).values_list("file", flat=True)
    names += NcaImport.objects.filter(collection=collection).values_list("file", flat=True)
    return sorted({name for name in names if name})


def _weigh(outcome: Outcome, names: Iterable[str], storage: Storage) -> None:
    """Sorts the names into files on disk (with their sizes) and files already missing."""
    for name in names:
        if storage.exists(name):
            outcome.files.append(name)
            outcome.bytes_freed += storage.size(name)
        else:
            outcome.missing.append(name)


def _waiting(collection: Collection) -> int:
    """Unattributed files nobody has placed that came in by the collection's closing date: they
    may hold its pupils, but no one has said whose they are, so the data team decides."""
    return UnattributedFile.objects.filter(
        Q(resolved_as__isnull=True), received_at__date__lte=collection.closes
    ).count()


# -- Words ------------------------------------------------------------------------------------


def _count(number: int, word: str, words: str | None = None) -> str:
    return f"{number} {word if number == 1 else words or word + 's'}"


def size(number: int) -> str:
    """Bytes for people: 812 bytes, 14.2 KB, 3.1 MB (powers of 1024)."""
    if number < 1024:
        return _count(number, "byte")
    value = number / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
