"""Defects in the results: each only on a pupil whose results are ordinary, so it trips its
own check and no other (an absent pupil's A, a re-check pupil's second mark stay clean)."""

from __future__ import annotations

from dataclasses import replace

from keystage.codesets.model import as_mark
from keystage.synth.defects.base import FileState, Planted

_UNUSUAL = frozenset({"A", "B", "D", "L", "M", "EM"})  # absent, below, disapplied, left...

# Realistic slips: the old EYFSP "exceeding" 3; a science code in a core subject; GDS in
# science; a phonics outcome in the mark.
_INVALID = {
    "EYFSP": {"elg": "3"},
    "PHON": {"phonics_mark": "Wa"},
    "KS1": {"ks1_reading": "HNM", "ks1_writing": "HNM", "ks1_maths": "HNM", "ks1_science": "GDS"},
    "KS2": {"ks2_writing_ta": "HNM", "ks2_science_ta": "GDS"},
}


def ordinary(state: FileState, index: int) -> bool:
    """Whether the pupil has this year's results only, none of them a special code."""
    pupil = state.pupil(index)
    year = state.codeset.assessment_year
    return bool(pupil.assessments) and all(
        a.year == year and a.result not in _UNUSUAL for a in pupil.assessments
    )


def _positions(state: FileState, index: int, roles: set[str]) -> list[int]:
    """Where the pupil's results for these roles are (by the code table's tuples)."""
    found = []
    for position, assessment in enumerate(state.pupil(index).assessments):
        kind = state.codeset.lookup(assessment)
        if kind is not None and kind.role in roles:
            found.append(position)
    return found


def _replace(state: FileState, index: int, position: int, result: str | None) -> str:
    """Sets (or with None removes) one result; returns the component it was for."""
    assessments = list(state.pupil(index).assessments)
    old = assessments[position]
    if result is None:
        del assessments[position]
    else:
        assessments[position] = replace(old, result=result)
    state.set(index, assessments=tuple(assessments))
    return old.component


def _roles(state: FileState) -> list[str]:
    return [a.role for a in state.codeset.for_collection(state.collection)]


def result_invalid(state: FileState, index: int) -> Planted:
    if not ordinary(state, index):
        return None
    table = _INVALID[state.collection]
    wanted = {role: table.get(role, table.get("elg")) for role in _roles(state)}
    candidates = _positions(state, index, {r for r, v in wanted.items() if v})
    if not candidates:
        return None
    position = state.rng.choice(candidates)
    kind = state.codeset.lookup(state.pupil(index).assessments[position])
    value = wanted[kind.role] if kind else None
    if value is None:
        return None
    component = _replace(state, index, position, value)
    return state.upn(index), f"{component} result {value!r}"


def result_missing(state: FileState, index: int) -> Planted:
    if not ordinary(state, index):
        return None
    required = {a.role for a in state.codeset.for_collection(state.collection) if a.required}
    candidates = _positions(state, index, required)
    if not candidates:
        return None
    component = _replace(state, index, state.rng.choice(candidates), None)
    return state.upn(index), f"{component} result left out"


def eyf_a_partial(state: FileState, index: int) -> Planted:
    if not ordinary(state, index):
        return None
    count = len(state.pupil(index).assessments)
    positions = state.rng.sample(range(count), state.rng.randint(1, min(5, count - 1)))
    components = [_replace(state, index, p, "A") for p in sorted(positions)]
    return state.upn(index), f"A for {', '.join(components)} only"


def phon_mark_range(state: FileState, index: int) -> Planted:
    if not ordinary(state, index) or state.pupil(index).nc_year != "1":
        return None
    value = state.rng.choice(("41", "45", "400"))
    _replace(state, index, 0, value)
    return state.upn(index), f"mark {value}"


def phon_mark_and_code(state: FileState, index: int) -> Planted:
    if not ordinary(state, index) or state.pupil(index).nc_year != "1":
        return None
    mark = state.pupil(index).assessments[0]
    code = state.rng.choice(("A", "D"))
    # the MIS exported both the mark and an absence code for the same check
    state.set(index, assessments=(mark, replace(mark, result=code)))
    return state.upn(index), f"mark {mark.result} and code {code}"


def ks1_science_pk(state: FileState, index: int) -> Planted:
    positions = _positions(state, index, {"ks1_science"}) if ordinary(state, index) else []
    if not positions:
        return None
    value = state.rng.choice(("PK1", "PK2", "PK3", "PK4", "EM"))
    _replace(state, index, positions[0], value)
    return state.upn(index), f"science {value}"


def ks1_q_code(state: FileState, index: int) -> Planted:
    roles = {"ks1_reading", "ks1_writing", "ks1_maths"}
    positions = _positions(state, index, roles) if ordinary(state, index) else []
    if not positions:
        return None
    component = _replace(state, index, state.rng.choice(positions), "Q")
    return state.upn(index), f"{component} Q"


def ks2_score_range(state: FileState, index: int) -> Planted:
    roles = {"ks2_reading_test", "ks2_gps_test", "ks2_maths_test"}
    pupil = state.pupil(index)
    positions = [p for p in _positions(state, index, roles) if as_mark(pupil.assessments[p].result)]
    if not positions or not ordinary(state, index):
        return None
    value = state.rng.choice(("121", "125", "79", "70"))
    component = _replace(state, index, state.rng.choice(positions), value)
    return state.upn(index), f"{component} scaled score {value}"
