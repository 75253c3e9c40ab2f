"""The StageAssessments of each collection for one child (targets in synth.targets).

The assessment tuples come from the code table by role, so a later year's table with new
spellings needs no change here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from statistics import NormalDist

from keystage.codesets import Codeset
from keystage.ctf.model import Assessment
from keystage.synth import targets as t
from keystage.synth.latent import Latent, Scale, latent, rank, reaches
from keystage.synth.pupils import Child

_NORMAL = NormalDist()
_MARKS = Scale([(str(mark), share) for mark, share in enumerate(t.PHONICS_MARKS)])
_MTC = Scale([(str(score), share) for score, share in enumerate(t.MTC_SCORES)])
_KS1 = {role: Scale(outcomes) for role, outcomes in t.KS1_CORE.items()}
_KS2_WRITING = Scale(t.KS2_WRITING)
_KS2_BELOW_TA = Scale(t.KS2_BELOW_TA)


@dataclass(frozen=True)
class Marker:
    """Writes results of one collection for one school and year."""

    codeset: Codeset
    school_effect: float
    year: str  # the StageAssessment Year
    _made: dict[tuple[str, str, str | None], Assessment] = field(default_factory=dict, repr=False)

    def result(self, role: str, value: str, year: str | None = None) -> Assessment:
        # results repeat (a school has thousands of ELG "2"s) and are immutable: share them
        cached = self._made.get((role, value, year))
        if cached is None:
            key = self.codeset.role(role).key
            cached = Assessment(
                stage=key.stage, subject=key.subject, method=key.method, component=key.component,
                qualifier=key.qualifier, result=value, locale="ENG", year=year or self.year,
                result_status="R",
            )  # fmt: skip
            self._made[(role, value, year)] = cached
        return cached

    def base(self, child: Child, stage: str) -> Latent:
        return latent(child, stage, self.school_effect)


def eyfsp(marker: Marker, child: Child, rng: random.Random) -> tuple[Assessment, ...]:
    goals = [a.role for a in marker.codeset.for_collection("EYFSP")]
    if rng.random() < t.EYFSP_ALL_A:
        return tuple(marker.result(goal, t.NOT_ASSESSED) for goal in goals)
    base = marker.base(child, "EYFSP")
    return tuple(
        marker.result(goal, _elg(rank(base, rng), t.ELG_EXPECTED.get(goal, t.ELG_DEFAULT)))
        for goal in goals
    )


def _elg(u: float, rate: float) -> str:
    return t.ELG_EXPECTED_LEVEL if reaches(u, rate) else t.ELG_EMERGING


def phonics_year1(marker: Marker, child: Child, rng: random.Random) -> str:
    """This child's Year 1 check: a mark 0-40, or D (disapplied), A (absent), L (left)."""
    if child.sen == "E" and rng.random() < t.PHONICS_DISAPPLIED_EHC:
        return t.DISAPPLIED
    if rng.random() < t.PHONICS_ABSENT:
        return t.ABSENT
    if rng.random() < t.PHONICS_LEFT:
        return t.LEFT
    return _MARKS.at(rank(marker.base(child, "PHON"), rng))


def recheck_mark(prior: int, rng: random.Random) -> str:
    """The Year 2 re-check mark of a pupil who scored `prior` in Year 1."""
    gain = round(rng.gauss(*t.RECHECK_GAIN))
    return str(min(40, max(0, prior + max(0, gain))))


def ks1(marker: Marker, child: Child, rng: random.Random) -> tuple[Assessment, ...]:
    roles = [*t.KS1_CORE, "ks1_science"]
    if rng.random() < t.KS1_ABSENT:
        return tuple(marker.result(role, t.ABSENT) for role in roles)
    base = marker.base(child, "KS1")
    results = [marker.result(role, scale.at(rank(base, rng))) for role, scale in _KS1.items()]
    science = t.SCIENCE[reaches(rank(base, rng), t.KS1_SCIENCE_EXS)]
    return (*results, marker.result("ks1_science", science))


def ks2(marker: Marker, child: Child, rng: random.Random) -> tuple[Assessment, ...]:
    base = marker.base(child, "KS2")
    found: list[Assessment] = []
    for role, (mean, spread) in t.KS2_TESTS.items():
        u = rank(base, rng)
        if u < t.KS2_BELOW_TEST:
            found.append(marker.result(role, t.BELOW_TEST))
            ta_role = role.replace("_test", "_ta")
            if ta_role != "ks2_gps_ta":  # grammar has no teacher assessment
                found.append(marker.result(ta_role, _KS2_BELOW_TA.at(u / t.KS2_BELOW_TEST)))
        elif rng.random() < t.KS2_TEST_ABSENT:
            found.append(marker.result(role, t.ABSENT))
        else:
            score = round(mean + spread * _NORMAL.inv_cdf(u))
            found.append(marker.result(role, str(min(120, max(80, score)))))
    found.append(marker.result("ks2_writing_ta", _KS2_WRITING.at(rank(base, rng))))
    science = t.SCIENCE[reaches(rank(base, rng), t.KS2_SCIENCE_EXS)]
    found.append(marker.result("ks2_science_ta", science))
    found.append(marker.result("ks2_mtc", _mtc(child, base, rng)))
    return tuple(found)


def _mtc(child: Child, base: Latent, rng: random.Random) -> str:
    if child.sen == "E" and rng.random() < t.PHONICS_DISAPPLIED_EHC:
        return t.DISAPPLIED
    if rng.random() < t.MTC_ABSENT:
        return t.ABSENT
    return _MTC.at(rank(base, rng))
