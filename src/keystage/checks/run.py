"""One check run's state: the context, the collection being checked, and lookups from the code
table computed once per run (never per pupil), plus each pupil's results sorted once for all
the rules that read them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from keystage.checks.model import Context
from keystage.codesets import AssessmentType, Codeset
from keystage.ctf.model import Assessment, AssessmentKey, Pupil, SchoolRef

_RawKey = tuple[str, str, str, str, str]


class Lookup:
    """The code table's lookup, memoised by the raw tuple (a file repeats a few tuples)."""

    def __init__(self, codeset: Codeset) -> None:
        self.codeset = codeset
        self._kinds: dict[_RawKey, AssessmentType | None] = {}

    def kind(self, a: Assessment) -> AssessmentType | None:
        # A plain tuple hashes and compares like the AssessmentKey it stands for, and is
        # cheaper to build than the named tuple.
        raw = (a.stage, a.subject, a.method, a.component, a.qualifier)
        try:
            return self._kinds[raw]
        except KeyError:
            found = self._kinds[raw] = self.codeset.lookup(AssessmentKey(*raw))
            return found


@dataclass(frozen=True, slots=True)
class PupilResults:
    own: tuple[tuple[Assessment, AssessmentType], ...]  # results of the collection checked
    unknown: tuple[Assessment, ...]  # tuples not in the code table
    held: frozenset[str]  # collections the pupil has a (non-empty) result for


def infer_from(pupil: Pupil, lookup: Lookup) -> str | None:
    """The collection most of the pupil's results belong to, this year's results counting
    first (a KS1 pupil may still carry a Reception profile); None if no tuple is known."""
    counts: dict[str, list[int]] = {}
    this_year = lookup.codeset.assessment_year
    for a in pupil.assessments:
        kind = lookup.kind(a)
        if kind is not None:
            count = counts.setdefault(kind.collection, [0, 0])
            count[0] += a.year == this_year
            count[1] += 1
    if not counts:
        return None
    return max(counts, key=lambda c: counts[c])  # a tie goes to the first met


def infer_collection(pupil: Pupil, codeset: Codeset) -> str | None:
    """The collection a pupil's results belong to (the most frequent), or None."""
    return infer_from(pupil, Lookup(codeset))


class Run:
    """What a rule reads besides the pupil: the context and the collection being checked."""

    def __init__(self, context: Context, collection: str | None, lookup: Lookup) -> None:
        self.context = context
        self.codeset = context.codeset
        self.collection = collection
        self.lookup = lookup
        kinds = self.codeset.for_collection(collection) if collection else ()
        self.kinds = kinds
        self.required = tuple(k for k in kinds if k.required)
        groups: dict[str, list[AssessmentType]] = {}
        for k in kinds:
            if k.required_one_of:
                groups.setdefault(k.required_one_of, []).append(k)
        self.groups = {name: tuple(members) for name, members in groups.items()}
        self.stages = frozenset(k.key.stage for k in kinds)
        self._current: Pupil | None = None
        self._results = PupilResults((), (), frozenset())

    @property
    def school(self) -> SchoolRef | None:
        return self.context.school

    @property
    def file_name(self) -> str | None:
        return self.context.file_name

    @property
    def previous(self) -> Mapping[str, Pupil] | None:
        return self.context.previous

    @property
    def known(self) -> Mapping[str, Pupil] | None:
        return self.context.known

    def results(self, pupil: Pupil) -> PupilResults:
        """The pupil's results sorted by the code table; worked out once per pupil."""
        if pupil is not self._current:
            self._results = self._sort(pupil)
            self._current = pupil
        return self._results

    def _sort(self, pupil: Pupil) -> PupilResults:
        own: list[tuple[Assessment, AssessmentType]] = []
        unknown: list[Assessment] = []
        held: set[str] = set()
        kind_of, collection = self.lookup.kind, self.collection
        for a in pupil.assessments:
            kind = kind_of(a)
            if kind is None:
                unknown.append(a)
                continue
            if a.result is not None:
                held.add(kind.collection)
            if kind.collection == collection:
                own.append((a, kind))
        return PupilResults(tuple(own), tuple(unknown), frozenset(held))
