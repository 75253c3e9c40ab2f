"""Defects in who the pupil is: UPN, names, date of birth, sex."""

from __future__ import annotations

from keystage.ctf import upn
from keystage.synth.defects.base import FileState, Planted


def upn_invalid(state: FileState, index: int) -> Planted:
    old = state.upn(index)
    # a typist swaps two different neighbouring digits: the check letter no longer fits
    pairs = [i for i in range(1, 12) if old[i] != old[i + 1] and old[i + 1].isdigit()]
    if pairs:
        i = state.rng.choice(pairs)
        new = old[:i] + old[i + 1] + old[i] + old[i + 2 :]
        detail = f"digits {i + 1} and {i + 2} of {old} swapped"
    else:
        new = state.rng.choice([c for c in upn.ALPHABET if c != old[0]]) + old[1:]
        detail = f"check letter of {old} changed"
    state.set(index, upn=new)
    return new, detail


def upn_duplicate(state: FileState, index: int) -> Planted:
    others = [i for i in range(len(state.pupils)) if i != index and i not in state.touched]
    if not others:
        return None
    source = state.rng.choice(others)
    state.touched.add(source)  # its UPN must stay as it is
    copied = state.upn(source)
    state.set(index, upn=copied)
    return copied, f"given the UPN of {state.pupil(source).display_name}"


def upn_temporary(state: FileState, index: int) -> Planted:
    old = state.upn(index)
    # two serials can share all but the last digit: never make the same temporary UPN twice
    for letter in state.rng.sample(upn.ALPHABET, len(upn.ALPHABET)):
        new = upn.make(old[1:4], old[4:8], int(old[8:10]), int(old[10:13]), temporary=letter)
        if new not in state.upns:
            state.upns.add(new)
            state.set(index, upn=new)
            return new, f"temporary UPN in place of {old}"
    return None


def name_missing(state: FileState, index: int) -> Planted:
    field = state.rng.choice(("surname", "forename"))
    state.set(index, **{field: None})
    return state.upn(index), f"{field} left empty"


def dob_invalid(state: FileState, index: int) -> Planted:
    year = (state.pupil(index).dob or "2019")[:4]
    day = state.rng.choice(("02-30", "02-31", "04-31", "06-31", "09-31", "11-31"))
    state.set(index, dob=f"{year}-{day}")
    return state.upn(index), f"date of birth {year}-{day} is not a real date"


def dob_range(state: FileState, index: int) -> Planted:
    born = state.pupil(index).dob_date
    if born is None:
        return None
    # taught a year above or below the year group of their age
    shift = state.rng.choice((-1, 1))
    moved = born.replace(year=born.year + shift, day=min(born.day, 28))
    state.set(index, dob=moved.isoformat())
    return state.upn(
        index
    ), f"born {moved.isoformat()}, a year {'older' if shift < 0 else 'younger'}"


def sex_invalid(state: FileState, index: int) -> Planted:
    value = state.rng.choice(("X", "U", "9"))
    state.set(index, sex=value)
    return state.upn(index), f"sex {value!r}"
