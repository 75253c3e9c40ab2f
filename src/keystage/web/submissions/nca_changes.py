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
from keystage.ctf.model import pupil_from_dict
from keystage.web.common.pupil_ids import display_name
from keystage.web.models import NcaImport, PupilRecord, School, Submission

NCA = Submission.Channel.NCA


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
    A version not yet checked has no pupils stored: it is listed with nothing compared."""
    codeset = codeset_for(made.collection.academic_year)
    versions = made.versions.select_related("school").order_by("school__name")
    return [_school(v, codeset) for v in versions]


def _school(version: Submission, codeset: Codeset) -> SchoolChanges:
    before = (
        Submission.objects.filter(
            school=version.school,
            collection=version.collection,
            channel=NCA,
            version__lt=version.version,
            status=Submission.Status.CHECKED,
        )
        .order_by("-version")
        .first()
    )
    found = SchoolChanges(version.school, version, before)
    if before is None or version.status != Submission.Status.CHECKED:
        return found
    old, new = _records(before), _records(version)
    found.added = [_named(new[u]) for u in sorted(new.keys() - old.keys(), key=_by(new))]
    found.removed = [_named(old[u]) for u in sorted(old.keys() - new.keys(), key=_by(old))]
    for upn in sorted(new.keys() & old.keys(), key=_by(new)):
        differ = _results_changed(old[upn], new[upn], codeset)
        if differ:
            found.changed.append(PupilChanges(upn, display_name(new[upn]), differ))
    return found


def _records(version: Submission) -> dict[str, PupilRecord]:
    return {r.upn: r for r in PupilRecord.objects.filter(submission=version).exclude(upn="")}


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
    found = {}
    for item in pupil_from_dict(record.data).assessments:
        kind = codeset.lookup(item)
        if kind is not None:
            found[kind.role] = item.result or ""
    return found
