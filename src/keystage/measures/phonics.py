"""Phonics: the Year 1 check, the Year 2 re-check, and meeting the standard by the end of Year 2.

- Year 1 (NCyearActual 1): met = a mark at or above the code table's threshold; counted = a
  mark, or a code of phonics_counted_codes (A, D, Q). L (phonics_left_codes), any other code
  and no result are left out. A whole number outside the marks range counts, as not met.
- Year 2 (NCyearActual 2) re-check: the same, over Year 2 pupils, as phon_recheck_met.
- A pupil without NCyearActual is a Year 2 pupil when the file also gives an earlier year's
  result (as a re-check pupil's record does), else a Year 1 pupil; other NC years count in
  neither.
- This year's result: the last one not dated an earlier year (a re-check pupil's record may
  carry last year's Year 1 mark too). When no result carries a year, a Year 2 pupil's first is
  taken as last year's and the last as the re-check, as the checks read it.
- By the end of Year 2 (only when `previous_year` is given: UPN -> met the standard in Year 1
  last year): Year 2 pupils who met it last year or in this year's re-check / Year 2 pupils
  with an outcome in either year. Every UPN of `previous_year` counts as a Year 2 pupil: the
  caller gives last year's Year 1 outcomes of this year's Year 2 pupils. Those not in this
  year's files have no record here, so they count in each breakdown's "unknown" group. A
  pupil missing from `previous_year` whose record holds an earlier year's result uses that.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence, Set

from keystage.checks.rules.pupil import RECHECK_YEAR, USUAL_YEAR
from keystage.codesets import Codeset
from keystage.codesets.model import as_mark
from keystage.ctf.model import Assessment, Pupil
from keystage.measures.model import Spec
from keystage.measures.results import Results, Score, Scorer

MARK_ROLE = "phonics_mark"
YEAR1 = USUAL_YEAR["PHON"]
BY_END = "phon_y2_met_by_end"
NO_PREVIOUS_YEAR = (
    "Re-check only: last year's Year 1 results were not given, so the share meeting the "
    "standard by the end of Year 2 is not shown."
)


class PhonicsScorer(Scorer):
    collection = "PHON"

    def __init__(self, codeset: Codeset, previous_year: Mapping[str, bool] | None) -> None:
        super().__init__(codeset)
        self.previous_year = previous_year
        self.marks = codeset.role(MARK_ROLE).results
        self.threshold = codeset.phonics_threshold
        self.counted_codes = codeset.code_set("phonics_counted_codes")
        self.this_year = codeset.assessment_year

    @property
    def specs(self) -> tuple[Spec, ...]:
        specs = super().specs
        if self.previous_year is None:
            return tuple(s for s in specs if s.name != BY_END)
        return specs

    def notes(self) -> Mapping[str, str]:
        return {"phon_recheck_met": NO_PREVIOUS_YEAR} if self.previous_year is None else {}

    def outcome(self, a: Assessment | None) -> bool | None:
        """Met (True) or not (False) for a counted result; None for one left out."""
        result = a.result if a is not None else None
        if result is None:
            return None
        mark = as_mark(result)
        if mark is not None:
            return self.marks.accepts(result) and mark >= self.threshold
        return False if result in self.counted_codes else None

    def current(
        self, pupil: Pupil, results: Results
    ) -> tuple[str | None, list[Assessment], Assessment | None]:
        """(the pupil's year group, earlier years' marks, this year's mark or code) as the
        measures read them: what the DfE return carries for the pupil."""
        found = [a for a in results.get(MARK_ROLE, ()) if a.result is not None]
        year = self._year_group(pupil, found)
        earlier, current = self._split(found, recheck=year == RECHECK_YEAR)
        return year, earlier, current[-1] if current else None

    def score(self, pupil: Pupil, results: Results) -> Iterator[Score]:
        year, earlier, current = self.current(pupil, results)
        now = self.outcome(current)
        if year == YEAR1 and now is not None:
            yield "phon_y1_met", int(now)
        if year != RECHECK_YEAR:
            return
        if now is not None:
            yield "phon_recheck_met", int(now)
        if self.previous_year is not None:
            before = self._before(pupil, earlier)
            if now is not None or before is not None:
                yield BY_END, int(bool(now) or bool(before))

    def unseen(self, seen: Set[str], excluded: Set[str]) -> Iterable[Score]:
        if self.previous_year is None:
            return ()
        return (
            (BY_END, int(met))
            for upn, met in self.previous_year.items()
            if upn not in seen and upn not in excluded
        )

    def _year_group(self, pupil: Pupil, found: Sequence[Assessment]) -> str | None:
        if pupil.nc_year:
            return pupil.nc_year
        return RECHECK_YEAR if any(self._earlier(a) for a in found) else YEAR1

    def _earlier(self, a: Assessment) -> bool:
        return bool(a.year) and (a.year or "") < self.this_year

    def _split(
        self, found: list[Assessment], *, recheck: bool
    ) -> tuple[list[Assessment], list[Assessment]]:
        """(earlier years' results, this year's)."""
        if recheck and len(found) > 1 and all(a.year is None for a in found):
            return found[:1], found[1:]
        return [a for a in found if self._earlier(a)], [a for a in found if not self._earlier(a)]

    def _before(self, pupil: Pupil, earlier: list[Assessment]) -> bool | None:
        """Met the standard in Year 1: last year's data, else the record's own earlier result."""
        assert self.previous_year is not None
        if pupil.upn and pupil.upn in self.previous_year:
            return self.previous_year[pupil.upn]
        return self.outcome(earlier[-1] if earlier else None)
