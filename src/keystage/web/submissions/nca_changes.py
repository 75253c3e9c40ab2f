"""What a later NCA Portal download changed, school by school and pupil by pupil.

Each school's version in an import is set beside the school's NCA version before it (the one
it replaced): pupils added and removed, and for each pupil in both, every result that differs
(scores, outcomes and TA: a review of marking changes a score, a maladministration outcome
takes one away). A school first seen in this import has nothing to compare with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from keystage.codesets import codeset_for
from keystage.codesets.model import Codeset
from keystage.ctf.model import AssessmentKey
from keystage.web.common.pupil_ids import display_name
from keystage.web.models import NcaImport, PupilRecord, School, Submission

NCA = Submission.Channel.NCA
CHECKED = Submission.Status.CHECKED


@dataclass(frozen=True)
class Changed:
    label: str  # "Reading test scaled score"
    before: str
    after: str


@dataclass(frozen=True)
class Named:
    pupil: str  # "SURNAME, Forename"
    upn: str

    def __str__(self) -> str:
        return f"{self.pupil} ({self.upn})"


@dataclass(frozen=True)
class PupilChanges:
    upn: str
    pupil: str
    changes: list[Changed]


@dataclass
class SchoolChanges:
    school: School
    version: Submission
    before: Submission | None  # the NCA version it replaces; None: first for this school
    added: list[Named] = field(default_factory=list)
    removed: list[Named] = field(default_factory=list)
    changed: list[PupilChanges] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def upns(self) -> set[str]:
        """The pupils the differences name (for the audit trail of who saw them)."""
        named = {p.upn for p in (*self.added, *self.removed)}
        return named | {p.upn for p in self.changed}


def changes_in(made: NcaImport) -> list[SchoolChanges]:
    """Every school of the import, by name, with what changed since its previous NCA version.
    A version not yet checked has no pupils stored: it is listed with nothing compared.

    A handful of queries however many schools: the versions, the versions they replace, and
    the pupils of both, each loaded at once (an LA's import has some 300 schools)."""
    codeset = codeset_for(made.collection.academic_year)
    versions = list(made.versions.select_related("school").order_by("school__name"))
    before = _replaced(made, versions)
    compared = [v for v in versions if v.status == CHECKED and v.school_id in before]
    records = _records([v.pk for v in compared] + [before[v.school_id].pk for v in compared])
    found = []
    for version in versions:
        changes = SchoolChanges(version.school, version, before.get(version.school_id))
        if version in compared:
            _compare(changes, records, codeset)
        found.append(changes)
    return found


def _replaced(made: NcaImport, versions: list[Submission]) -> dict[int, Submission]:
    """Each school's checked NCA version just before the import's one (absent: none)."""
    now = {v.school_id: v.version for v in versions}
    earlier = Submission.objects.filter(
        collection=made.collection, channel=NCA, status=CHECKED, school_id__in=now
    ).order_by("school_id", "version")
    found: dict[int, Submission] = {}
    for version in earlier:
        if version.version < now[version.school_id]:
            found[version.school_id] = version  # ascending: the last kept is the latest
    return found


def _compare(
    found: SchoolChanges, records: dict[int, dict[str, PupilRecord]], codeset: Codeset
) -> None:
    assert found.before is not None
    old, new = records.get(found.before.pk, {}), records.get(found.version.pk, {})
    found.added = [_named(new[u]) for u in sorted(new.keys() - old.keys(), key=_by(new))]
    found.removed = [_named(old[u]) for u in sorted(old.keys() - new.keys(), key=_by(old))]
    for upn in sorted(new.keys() & old.keys(), key=_by(new)):
        if old[upn].data.get("assessments") == new[upn].data.get("assessments"):
            continue  # the same results as stored: nothing to read (most pupils)
        differ = _results_changed(old[upn], new[upn], codeset)
        if differ:
            found.changed.append(PupilChanges(upn, display_name(new[upn]), differ))


def _records(versions: list[int]) -> dict[int, dict[str, PupilRecord]]:
    """The versions' pupils by UPN, version by version, in one query: only their names and
    results (the stored pupil's other data is not read, nor decoded)."""
    found: dict[int, dict[str, PupilRecord]] = {pk: {} for pk in versions}
    rows = PupilRecord.objects.filter(submission_id__in=versions).exclude(upn="")
    fields = ("submission_id", "upn", "surname", "forename", "data__assessments")
    for version, upn, surname, forename, results in rows.values_list(*fields):
        record = PupilRecord(upn=upn, surname=surname, forename=forename)
        record.data = {"assessments": results or ()}
        found[version][upn] = record
    return found


def _by(records: dict[str, PupilRecord]) -> Callable[[str], tuple[str, str, str]]:
    return lambda upn: (records[upn].surname.casefold(), records[upn].forename.casefold(), upn)


def _named(record: PupilRecord) -> Named:
    return Named(display_name(record), record.upn)


def _results_changed(old: PupilRecord, new: PupilRecord, codeset: Codeset) -> list[Changed]:
    """Each result (by its code-table role) that is not the same in both, in code-table order."""
    before, after = _results(old, codeset), _results(new, codeset)
    found = []
    for kind in codeset.assessments:
        if kind.collection != "KS2":
            continue
        was, now = before.get(kind.role, ""), after.get(kind.role, "")
        if was != now:
            found.append(Changed(kind.label, was or "none", now or "none"))
    return found


def _results(record: PupilRecord, codeset: Codeset) -> dict[str, str]:
    """The record's results by code-table role, read from the stored dicts (no whole Pupil
    made: the page compares every pupil of an LA, some 15,000)."""
    found = {}
    for item in record.data.get("assessments", ()):
        key = AssessmentKey(*(item.get(name) or "" for name in AssessmentKey._fields))
        kind = codeset.lookup(key)
        if kind is not None:
            found[kind.role] = item.get("result") or ""
    return found
