"""Unique Pupil Numbers: the check letter, temporary UPNs, and making them."""

from __future__ import annotations

import pytest

from keystage.ctf import upn
from keystage.ctf.upn import UPNStatus


@pytest.mark.parametrize("good", ["R674123101121", "N999199900001"])
def test_known_good(good: str) -> None:
    assert upn.status(good) is UPNStatus.VALID
    assert upn.is_valid(good)
    assert upn.check_letter(good[1:]) == good[0]


def test_wrong_check_letter() -> None:
    assert upn.status("A674123101121") is UPNStatus.INVALID
    assert not upn.is_valid("A674123101121")


def test_a_changed_digit_breaks_the_check_letter() -> None:
    assert upn.status("R674123101122") is UPNStatus.INVALID


def test_temporary() -> None:
    temporary = upn.make("330", "2001", 25, 12, temporary="A")
    assert temporary[-1] == "A"
    assert upn.status(temporary) is UPNStatus.TEMPORARY
    assert upn.is_valid(temporary)


@pytest.mark.parametrize(
    "bad",
    [
        "R67412310112",  # 12 characters
        "R6741231011210",  # 14
        "r674123101121",  # lower case
        "I674123101121",  # I is never used
        "R67412310112O",  # nor O
        "R6741231011S1",  # a letter before the last place
        "R674 23101121",
        "1674123101121",
        "R674123101121\n",  # 14 with the line ending: a regex's $ would let it through
    ],
)
def test_wrong_length_or_characters(bad: str) -> None:
    assert upn.status(bad) is UPNStatus.INVALID


@pytest.mark.parametrize("missing", [None, ""])
def test_missing(missing: str | None) -> None:
    assert upn.status(missing) is UPNStatus.MISSING
    assert not upn.is_valid(missing)


def test_make_gives_the_known_good_numbers() -> None:
    assert upn.make("674", "1231", 1, 121) == "R674123101121"
    assert upn.make("999", "1999", 2000, 1) == "N999199900001"  # only two year digits kept


def test_make_is_always_valid() -> None:
    made = [
        upn.make("330", f"{estab:04d}", 24, serial) for estab in (1, 2001) for serial in (0, 999)
    ]
    assert all(upn.status(u) is UPNStatus.VALID for u in made)


def test_make_refuses_a_letter_outside_the_alphabet() -> None:
    with pytest.raises(ValueError, match="not a UPN letter"):
        upn.make("330", "2001", 25, 1, temporary="I")


def test_check_letter_needs_twelve_characters() -> None:
    with pytest.raises(ValueError, match="12 characters"):
        upn.check_letter("123")
