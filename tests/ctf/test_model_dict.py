"""Pupils stored as dicts (the portal's PupilRecord.data) come back equal."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from keystage.ctf.model import Assessment, Language, Pupil, SchoolHistoryEntry, pupil_from_dict

text = st.one_of(st.none(), st.text(max_size=8))


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
