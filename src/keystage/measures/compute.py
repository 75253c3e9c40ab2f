"""compute(): the headline figures of one collection and their breakdowns, in one pass."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace

from keystage.checks.run import Lookup
from keystage.codesets import COLLECTIONS, Codeset
from keystage.ctf.model import Pupil
from keystage.measures import groups
from keystage.measures.eyfsp import EyfspScorer
from keystage.measures.keystages import Ks1Scorer, Ks2Scorer
from keystage.measures.model import Measure, make_measure
from keystage.measures.phonics import PhonicsScorer
from keystage.measures.results import Score, Scorer, by_role


def scorer_for(
    collection: str, codeset: Codeset, previous_year: Mapping[str, bool] | None = None
) -> Scorer:
    if collection == "EYFSP":
        return EyfspScorer(codeset)
    if collection == "PHON":
        return PhonicsScorer(codeset, previous_year)
    if collection == "KS1":
        return Ks1Scorer(codeset)
    if collection == "KS2":
        return Ks2Scorer(codeset)
    raise ValueError(f"unknown collection {collection!r}: one of {', '.join(COLLECTIONS)}")


class Tally:
    """Pupils counted and their values added up, by measure and group.

    Pupils are first counted by their whole combination of groups (a few hundred at most),
    and spread over the single groups once at the end: one dictionary update per score.
    """

    def __init__(self) -> None:
        self.by_combination: dict[tuple[str, tuple[str, ...]], list[int]] = {}

    def add(self, scores: Iterable[Score], in_groups: tuple[str, ...]) -> None:
        for measure, value in scores:
            cell = self.by_combination.setdefault((measure, in_groups), [0, 0])
            cell[0] += 1
            cell[1] += value

    def cells(self) -> tuple[dict[tuple[str, str], tuple[int, int]], set[str]]:
        """(count, total) by (measure, group), and every group with a pupil in it."""
        cells: dict[tuple[str, str], tuple[int, int]] = {}
        for (measure, in_groups), (count, total) in self.by_combination.items():
            for group in in_groups:
                before = cells.get((measure, group), (0, 0))
                cells[measure, group] = (before[0] + count, before[1] + total)
        seen = {group for _, in_groups in self.by_combination for group in in_groups}
        return cells, seen


def compute(
    pupils: Iterable[Pupil],
    collection: str,
    codeset: Codeset,
    *,
    exclude: Collection[str] = (),
    previous_year: Mapping[str, bool] | None = None,
) -> list[Measure]:
    """Every measure of the collection for "all" and each breakdown group.

    `exclude`: UPNs left out (pupils the data team assigned to another school).
    `previous_year`: phonics only, UPN -> met the standard in Year 1 last year; without it
    phon_y2_met_by_end is not reported and phon_recheck_met carries a note saying so.
    Pupils without results of the collection are in no denominator, so a file of another
    collection adds nothing.
    """
    scorer = scorer_for(collection, codeset, previous_year)
    excluded = frozenset(exclude)
    lookup = Lookup(codeset)
    tally = Tally()
    seen: set[str] = set()
    for pupil in pupils:
        if pupil.upn in excluded:
            continue
        if pupil.upn:
            seen.add(pupil.upn)
        scores = scorer.score(pupil, by_role(pupil, lookup, collection))
        tally.add(scores, groups.groups_of(pupil, codeset))
    tally.add(scorer.unseen(seen, excluded), groups.groups_of(None, codeset))
    return _measures(scorer, tally, codeset)


def _measures(scorer: Scorer, tally: Tally, codeset: Codeset) -> list[Measure]:
    notes = scorer.notes()
    cells, seen = tally.cells()
    found = []
    in_order = groups.ordered(seen, codeset)
    for spec in scorer.specs:
        for group in in_order:
            measure = make_measure(spec, group, *cells.get((spec.name, group), (0, 0)))
            if group == groups.ALL and spec.name in notes:
                measure = replace(measure, note=notes[spec.name])
            found.append(measure)
    return found
