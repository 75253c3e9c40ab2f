"""Latent attainment, and its rank that results are read from (targets in synth.targets).

Every result comes from a latent attainment: school effect + the pupil's characteristics +
ability + a little noise per subject. The latent is turned into a rank (its percentile in a
calibration sample drawn from the same model) and the rank into a result through the target
distribution, so the LA-wide rates land on the targets by construction while schools and
groups of pupils differ the way published breakdowns do.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
from collections.abc import Sequence
from typing import NamedTuple

from keystage.synth.pupils import Child
from keystage.synth.rand import seeded
from keystage.synth.targets import EFFECTS, NOISE

_CALIBRATION_SIZE = 10_000
FSM_SHARE, EAL_SHARE = 0.333, 0.39  # the LA-wide shares the calibration sample assumes


class Latent(NamedTuple):
    stage: str
    value: float  # without subject noise


def latent(child: Child, stage: str, school_effect: float) -> Latent:
    e = EFFECTS[stage]
    value = school_effect + child.ability + e["month"] * child.month
    value += e["girl"] * child.girl + e["disadvantaged"] * child.disadvantaged
    value += e["eal"] * child.eal + e.get(child.sen, 0.0)
    return Latent(stage, value)


def rank(base: Latent, rng: random.Random) -> float:
    """The percentile (0-1) of one subject's attainment: the latent plus subject noise."""
    sample = _calibration(base.stage)
    value = base.value + rng.gauss(0.0, NOISE[base.stage])
    return (bisect.bisect_left(sample, value) + 0.5) / (len(sample) + 1)


class Scale:
    """A distribution of results, listed from the lowest up, read at a percentile."""

    def __init__(self, outcomes: Sequence[tuple[str, float]]) -> None:
        total = sum(share for _, share in outcomes)
        self.labels = [outcome for outcome, _ in outcomes]
        self.bounds = list(itertools.accumulate(share / total for _, share in outcomes))

    def at(self, u: float) -> str:
        return self.labels[min(bisect.bisect_right(self.bounds, u), len(self.labels) - 1)]


def reaches(u: float, rate: float) -> bool:
    """Whether a pupil at percentile u is among the top `rate` of pupils."""
    return u >= 1.0 - rate


@functools.cache
def _calibration(stage: str) -> list[float]:
    """Latent attainments of a large LA-like sample, sorted: the ruler for ranks."""
    rng = seeded("calibration", stage)
    e = EFFECTS[stage]
    values = []
    for _ in range(_CALIBRATION_SIZE):
        draw = rng.random()
        sen = "E" if draw < 0.015 else "K" if draw < 0.115 else "N"
        value = rng.gauss(0.0, 0.3) + rng.gauss(0.0, 1.0) + e["month"] * rng.randrange(12)
        value += e["girl"] * (rng.random() < 0.494)
        value += e["disadvantaged"] * (rng.random() < FSM_SHARE)
        value += e["eal"] * (rng.random() < EAL_SHARE) + e.get(sen, 0.0)
        values.append(value + rng.gauss(0.0, NOISE[stage]))
    values.sort()
    return values
