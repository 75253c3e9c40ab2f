"""Planted defects: mistakes a school's file really carries, each one a check must find.

Each pupil is picked with probability `rate`; a picked pupil gets one defect of a kind that
fits the collection and the pupil. The manifest lists every defect with the check code that
finds it and the UPN it is reported under.
"""

from __future__ import annotations

import random

from keystage.codesets import Codeset
from keystage.ctf.model import Pupil
from keystage.synth.defects import identity, results
from keystage.synth.defects.base import FileState, Kind, PlantedDefect

__all__ = ["KINDS", "PlantedDefect", "plant"]

_IDENTITY: tuple[tuple[str, Kind], ...] = (
    ("UPN-INVALID", identity.upn_invalid),
    ("UPN-DUPLICATE", identity.upn_duplicate),
    ("UPN-TEMPORARY", identity.upn_temporary),
    ("NAME-MISSING", identity.name_missing),
    ("DOB-INVALID", identity.dob_invalid),
    ("DOB-RANGE", identity.dob_range),
    ("SEX-INVALID", identity.sex_invalid),
    ("RESULT-INVALID", results.result_invalid),
    ("RESULT-MISSING", results.result_missing),
)
KINDS: dict[str, tuple[tuple[str, Kind], ...]] = {
    "EYFSP": (*_IDENTITY, ("EYF-A-PARTIAL", results.eyf_a_partial)),
    "PHON": (
        *_IDENTITY,
        ("PHON-MARK-RANGE", results.phon_mark_range),
        ("PHON-MARK-AND-CODE", results.phon_mark_and_code),
    ),
    "KS1": (
        *_IDENTITY,
        ("KS1-SCIENCE-PK", results.ks1_science_pk),
        ("KS1-Q-CODE", results.ks1_q_code),
    ),
    "KS2": (*_IDENTITY, ("KS2-SCORE-RANGE", results.ks2_score_range)),
}


def plant(
    pupils: list[Pupil], collection: str, codeset: Codeset, rate: float, rng: random.Random,
    file: str,
) -> tuple[list[Pupil], list[PlantedDefect]]:  # fmt: skip
    """The pupils with defects planted, and the manifest of what was planted where."""
    state = FileState(list(pupils), codeset, collection, rng, set(), {p.upn or "" for p in pupils})
    planted: list[PlantedDefect] = []
    for index in range(len(pupils)):
        if rng.random() >= rate or index in state.touched:
            continue
        kinds = list(KINDS[collection])
        rng.shuffle(kinds)
        for code, kind in kinds:
            done = kind(state, index)
            if done is not None:
                state.touched.add(index)
                planted.append(PlantedDefect(file, done[0], code, done[1]))
                break
    return state.pupils, planted
