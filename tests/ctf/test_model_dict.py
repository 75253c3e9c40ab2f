"""Pupils stored as dicts (the portal's PupilRecord.data) come back equal."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from keystage.ctf.model import (
    Assessment,
    FSMInstance,
    Language,
    Pupil,
    SchoolHistoryEntry,
    SENInstance,
    pupil_from_dict,
    pupil_to_dict,
)

text = st.one_of(st.none(), st.text(max_size=8))
NESTED = {"languages": Language, "fsm": FSMInstance, "sen": SENInstance,
          "school_history": SchoolHistoryEntry, "assessments": Assessment}  # fmt: skip


def records(kind: type) -> st.SearchStrategy[tuple[object, ...]]:
    one = st.builds(kind, **{f.name: text for f in dataclasses.fields(kind)})
    return st.lists(one, max_size=3).map(tuple)


pupils = st.builds(
    Pupil,
    **{
        f.name: text for f in dataclasses.fields(Pupil) if f.name not in NESTED and f.name != "line"
    },
    **{name: records(kind) for name, kind in NESTED.items()},
    line=st.one_of(st.none(), st.integers(1, 10**6)),
)


@given(pupils)
def test_pupil_to_dict_is_asdict(pupil: Pupil) -> None:
    """The fast conversion the portal stores gives exactly what dataclasses.asdict gives."""
    assert pupil_to_dict(pupil) == dataclasses.asdict(pupil)
    assert pupil_from_dict(pupil_to_dict(pupil)) == pupil


@given(
    upn=text,
    sex=text,
    results=st.lists(st.tuples(text, text), max_size=4),
    language=text,
)
def test_a_pupil_survives_asdict(
    upn: str | None, sex: str | None, results: list, language: str | None
) -> None:  # type: ignore[type-arg]
    pupil = Pupil(
        upn=upn,
        sex=sex,
        languages=(Language(type="F", code=language),),
        school_history=(SchoolHistoryEntry(la="330", estab="2001", entry_date="2024-09-01"),),
        assessments=tuple(Assessment(stage="KS1", component=c, result=r) for c, r in results),
    )
    assert pupil_from_dict(dataclasses.asdict(pupil)) == pupil


def test_unknown_keys_are_ignored() -> None:
    data = dataclasses.asdict(Pupil(upn="A123"))
    data["added_later"] = 1
    assert pupil_from_dict(data) == Pupil(upn="A123")
