"""A pupil's results by the code table's role, and what each collection's scorer gives back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set

from keystage.checks.run import Lookup
from keystage.codesets import Codeset
from keystage.ctf.model import Assessment, Pupil
from keystage.measures.model import SPECS, Spec

Results = Mapping[str, list[Assessment]]  # role -> the pupil's results for it, in file order
Score = tuple[str, int]  # (measure, 1 met or 0 not) for a percentage; (measure, value) for a mean


def by_role(pupil: Pupil, lookup: Lookup, collection: str) -> dict[str, list[Assessment]]:
    """The pupil's results of one collection, found through the code table (aliases too)."""
    found: dict[str, list[Assessment]] = {}
    for a in pupil.assessments:
        kind = lookup.kind(a)
        if kind is not None and kind.collection == collection:
            found.setdefault(kind.role, []).append(a)
    return found


def latest(results: Results, role: str) -> str | None:
    """The last non-empty result for a role (a file that repeats a tuple means the last)."""
    for a in reversed(results.get(role, ())):
        if a.result is not None:
            return a.result
    return None


class Scorer:
    """What one collection counts for each pupil. A measure a pupil is left out of is not in
    the scores at all; the subclasses say which pupils count and which meet the standard."""

    collection = ""

    def __init__(self, codeset: Codeset) -> None:
        self.codeset = codeset

    @property
    def specs(self) -> tuple[Spec, ...]:
        return SPECS[self.collection]

    def score(self, pupil: Pupil, results: Results) -> Iterable[Score]:
        raise NotImplementedError

    def unseen(self, seen: Set[str], excluded: Set[str]) -> Iterable[Score]:
        """Scores of pupils known only by UPN (phonics: last year's data), none by default."""
        return ()

    def notes(self) -> Mapping[str, str]:
        """measure -> a note for people, shown on the measure's "all" figure."""
        return {}
