"""A version's findings as pages show them: errors then queries, grouped by pupil."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from itertools import groupby

from keystage.checks.text import kind_field
from keystage.codesets import codeset_for
from keystage.web.models import Collection, FindingRecord, Submission
from keystage.web.submissions.answers import answer_to, answers_in, unanswered_counts

Grouped = list[tuple[str, list[FindingRecord]]]


@dataclass(frozen=True)
class Findings:
    errors: Grouped
    queries: Grouped
    error_count: int
    query_count: int
    unanswered: int | None  # None for a version that is not current: its queries are history
    notes: list[FindingRecord] = dataclasses.field(default_factory=list)  # for the LA's eyes

    @property
    def upns(self) -> set[str]:
        """The pupils the findings are about (page views of them are audited)."""
        return {row.upn for _, rows in (*self.errors, *self.queries) for row in rows if row.upn}


# The fields a finding names, as a school office says them (the codes stay in CSVs and JSON).
FIELD_WORDS = {
    "UPN": "UPN", "DOB": "date of birth", "Sex": "sex", "Surname": "surname",
    "Forename": "forename", "NCyearActual": "national curriculum year",
    "CTFversion": "CTF version", "SourceSchool": "school in the file's header",
    "AcademicYear": "academic year", "DocumentName": "document name",
}  # fmt: skip


def field_words(field: str, named: dict[str, str]) -> str:
    """ "KS1 SCI TA SCI" as "Science"; "Sex, DOB" as "sex, date of birth"."""
    parts = [p.strip() for p in field.split(",")]
    return ", ".join(named.get(p) or FIELD_WORDS.get(p, p) for p in parts)


def assessment_names(collection: Collection) -> dict[str, str]:
    """The collection's assessments by their field, in the words of the code table in force
    now: read once a page, never kept, so a newly published table's labels show at once."""
    codeset = codeset_for(collection.academic_year)
    return {kind_field(a): a.label for a in codeset.for_collection(collection.kind)}


def findings_of(version: Submission) -> Findings:
    """Each query carries the school's answer (`.answer`) where there is one; each finding its
    field in words (`.field_words`)."""
    answers = answers_in(version.collection_id, [version.school_id])
    rows = list(version.finding_set.all())
    named = assessment_names(version.collection)
    for row in rows:
        row.field_words = field_words(row.field, named) if row.field else ""  # type: ignore[attr-defined]
    for row in rows:
        row.answer = answer_to(row, version.school_id, answers) if row.severity == "query" else None  # type: ignore[attr-defined]
    queries = [r for r in rows if r.severity == "query"]
    return Findings(
        errors=_by_pupil([r for r in rows if r.severity == "error"]),
        queries=_by_pupil(queries),
        error_count=version.errors,
        query_count=version.queries,
        # The count the school's state is made from: the two never disagree.
        unanswered=unanswered_counts([version]).get(version.pk, 0) if version.is_current else None,
        notes=[r for r in rows if r.severity == "note"],
    )


def _by_pupil(rows: list[FindingRecord]) -> Grouped:
    def key(row: FindingRecord) -> str:
        return f"{row.pupil} (UPN {row.upn})" if row.upn else "The whole file"

    ordered = sorted(rows, key=lambda r: (r.upn != "", r.pupil, r.upn, r.id))
    return [(name, list(group)) for name, group in groupby(ordered, key=key)]
