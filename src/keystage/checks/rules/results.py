"""The results of the collection being checked: present, valid, and known to the code table.

A result whose tuple belongs to another collection is left alone (a KS1 file may also carry
the pupils' phonics marks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from keystage.checks.model import COLLECTION_NAMES, ERROR, QUERY, Finding
from keystage.checks.registry import Accumulator, finding, rule
from keystage.checks.rules.claims import claimed
from keystage.checks.run import Run
from keystage.checks.text import FIX, count, join, kind_field, label, tuple_name, valid_results, who
from keystage.ctf.model import Assessment, AssessmentKey, Pupil

_ENTER = "Enter it in your MIS (or the code that applies) and make the file again."


@rule(
    code="RESULT-MISSING",
    severity=ERROR,
    scope="pupil",
    fields=("StageAssessment",),
    summary="An expected result is absent (every required assessment; one of each "
    "required_one_of group; phonics: a mark or a code).",
)
def result_missing(pupil: Pupil, run: Run) -> Iterable[Finding]:
    if not run.required and not run.groups:
        return ()
    present = {kind.role for a, kind in run.results(pupil).own if a.result is not None}
    if not present:
        name = COLLECTION_NAMES[run.collection or ""]
        message = (
            f"{who(pupil)} has no {name} results. Enter them in your MIS, or leave the pupil "
            "out if they do not belong in this file, and make the file again."
        )
        return (finding("RESULT-MISSING", message, pupil, "StageAssessment"),)
    found = [
        finding("RESULT-MISSING", f"{who(pupil)}: {label(k)} is missing. {_ENTER}", pupil, f)
        for k in run.required
        if k.role not in present
        for f in (kind_field(k),)
    ]
    for group, members in run.groups.items():
        if not any(m.role in present for m in members):
            wanted = join([label(m) for m in members], "or")
            message = f"{who(pupil)} has no {group} result: give the {wanted}. {_ENTER}"
            found.append(finding("RESULT-MISSING", message, pupil, kind_field(members[0])))
    return found


@rule(
    code="RESULT-INVALID",
    severity=ERROR,
    scope="pupil",
    fields=("Result",),
    summary="A result not in the year's code table for its assessment (unless a subject's "
    "own check below says more).",
)
def result_invalid(pupil: Pupil, run: Run) -> Iterable[Finding]:
    found = []
    for a, kind in run.results(pupil).own:
        value = a.result
        if value is None or kind.results.accepts(value) or claimed(kind, value, run.codeset):
            continue
        message = (
            f"{who(pupil)}: {label(kind)} has '{value}', which is not a valid result. "
            f"Valid results are {valid_results(kind.results)}. {FIX}"
        )
        found.append(finding("RESULT-INVALID", message, pupil, kind_field(kind)))
    return found


@dataclass(slots=True)
class _Stranger:
    """An unknown tuple: where it was first seen and how often."""

    first: Pupil
    assessment: Assessment
    count: int = 1


@rule(
    code="RESULT-UNKNOWN-ASSESSMENT",
    severity=QUERY,
    scope="file",
    fields=("StageAssessment",),
    summary="An assessment tuple not in the code table, of the collection's key stage (once "
    "per tuple per file, with a count, so the LA can map it).",
)
class UnknownAssessment(Accumulator):
    LISTED = 20  # distinct tuples reported; a file of nothing but strangers says so once

    def __init__(self, run: Run) -> None:
        super().__init__(run)
        self.relevant: dict[tuple[str, ...], bool] = {}
        self.seen: dict[tuple[str, ...], _Stranger] = {}
        self.others = 0
        self.lines: set[int] = set()  # two at most: do pupils start on different lines?

    def _relevant(self, a: Assessment) -> bool:
        # another key stage's unknown tuples (a KS2 file's old KS1 levels) are not this
        # collection's business; with no collection every stranger is shown
        raw = (a.stage, a.subject, a.method, a.component, a.qualifier)
        known = self.relevant.get(raw)
        if known is None:
            stage = self.run.codeset.canonical(AssessmentKey(*raw)).stage
            known = self.relevant[raw] = not self.run.stages or stage in self.run.stages
        return known

    def pupil(self, pupil: Pupil) -> Iterable[Finding]:
        if pupil.line and len(self.lines) < 2:
            self.lines.add(pupil.line)
        for a in self.run.results(pupil).unknown:
            if not self._relevant(a):
                continue
            raw = (a.stage, a.subject, a.method, a.component, a.qualifier)
            entry = self.seen.get(raw)
            if entry is not None:
                entry.count += 1
            elif len(self.seen) < self.LISTED:
                self.seen[raw] = _Stranger(pupil, a)
            else:
                self.others += 1
        return ()

    def finish(self) -> Iterable[Finding]:
        found = [self._message(entry) for entry in self.seen.values()]
        if self.others:
            message = (
                f"{self.others} more results are for assessments the code table does not know. "
                "Tell the LA what they are."
            )
            found.append(finding("RESULT-UNKNOWN-ASSESSMENT", message))
        return found

    def _message(self, entry: _Stranger) -> Finding:
        number, pupil, a = entry.count, entry.first, entry.assessment
        # A line helps only where pupils start on different lines: in a file written on one
        # line (as some MIS write them) every pupil has the same one; the pupil is named anyway.
        helps = pupil.line and len(self.lines) > 1
        where = f" at line {pupil.line}" if helps else ""
        results = f"{count(number, 'result')} {'is' if number == 1 else 'are'}"
        message = (
            f"{results} for the assessment {tuple_name(a, qualifier=True)}, which is not in "
            f"the {self.run.codeset.academic_year} code table (first for {who(pupil)}{where}). "
            "Tell the LA what this assessment is, so it can be matched to one it knows."
        )
        # a file-level finding: no pupil and no line, so reports keep it with the file's own
        return finding("RESULT-UNKNOWN-ASSESSMENT", message, field=tuple_name(a))
