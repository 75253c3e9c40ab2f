"""One school's pupils for each collection, built from its year groups.

Each year group is drawn once per school from its own seed, so the Year 2 pupils of the KS1
file and the Year 2 re-check pupils of the phonics file are the same children (same UPN,
name, date of birth), as in a real LA; and one collection alone gives the same file as the
same collection written with all the others.
"""

from __future__ import annotations

import random

from keystage.codesets import Codeset
from keystage.codesets.model import as_mark
from keystage.ctf.model import Pupil
from keystage.synth import results
from keystage.synth.pupils import Child, YearGroupSpec, school_profile, year_group
from keystage.synth.rand import seeded
from keystage.synth.schools import School

NC_YEAR = {"EYFSP": "R", "PHON": "1", "KS1": "2", "KS2": "6"}
MIN_SIZE, MAX_SIZE = 10, 90


class SchoolCohorts:
    """The year groups of one school in one academic year, and each collection's pupils."""

    def __init__(
        self, school: School, codeset: Codeset, seed: str, size: int | None = None,
        allocator: str | None = None,
    ) -> None:  # fmt: skip
        self.school = school
        self.codeset = codeset
        self.seed = seed
        self.size = size
        self.allocator = allocator  # the estab that allocated the UPNs, when not the school
        self.profile = school_profile(school, seed)
        self._year_groups: dict[str, list[Child]] = {}

    def rng(self, purpose: str) -> random.Random:
        return seeded(self.seed, purpose)

    def marker(self) -> results.Marker:
        return results.Marker(self.codeset, self.profile.effect, self.codeset.assessment_year)

    def children(self, nc_year: str) -> list[Child]:
        if nc_year not in self._year_groups:
            rng = self.rng(f"year{nc_year}")
            size = self.size if self.size is not None else self._size(rng)
            spec = YearGroupSpec(
                self.school, self.profile, self.codeset.start_year, nc_year, size,
                allocator=self.allocator, first_serial=1 if self.allocator else None,
            )  # fmt: skip
            self._year_groups[nc_year] = year_group(spec, rng)
        return self._year_groups[nc_year]

    def _size(self, rng: random.Random) -> int:
        # schools are rarely quite full; a few take a bulge class over their number
        planned = self.school.year_group_size
        return min(MAX_SIZE, max(MIN_SIZE, round(planned * rng.uniform(0.82, 1.03))))

    def pupils(self, collection: str) -> list[Pupil]:
        if collection == "PHON":
            return self._phonics()
        write = {"EYFSP": results.eyfsp, "KS1": results.ks1, "KS2": results.ks2}[collection]
        marker, rng = self.marker(), self.rng(f"{collection}:results")
        return [c.with_results(write(marker, c, rng)) for c in self.children(NC_YEAR[collection])]

    def _phonics(self) -> list[Pupil]:
        """Year 1 pupils, then the Year 2 pupils who did not meet the standard last year."""
        marker, rng = self.marker(), self.rng("PHON:results")
        pupils = [
            c.with_results((marker.result("phonics_mark", mark),))
            for c in self.children("1")
            for mark in (results.phonics_year1(marker, c, rng),)
        ]
        return pupils + self._rechecks(marker)

    def _rechecks(self, marker: results.Marker) -> list[Pupil]:
        # last year's Year 1 marks come from last year's marker: the same school, a year back
        rng = self.rng("PHON:recheck")
        last_year = str(int(self.codeset.assessment_year) - 1)
        found = []
        for child in self.children("2"):
            prior = as_mark(results.phonics_year1(marker, child, rng))
            if prior is None or prior >= self.codeset.phonics_threshold:
                continue
            assessments = (
                marker.result("phonics_mark", str(prior), year=last_year),
                marker.result("phonics_mark", results.recheck_mark(prior, rng)),
            )
            found.append(child.with_results(assessments))
        return found


def generate_cohort(
    school: School, collection: str, codeset: Codeset, rng: random.Random, size: int | None = None
) -> list[Pupil]:
    """The pupils one school sends for one collection (every year group `size` if given)."""
    return SchoolCohorts(school, codeset, f"{rng.getrandbits(64)}", size).pupils(collection)
