"""Unique Pupil Numbers: 13 characters, a check letter then LA (3), establishment (4),
year of allocation (2) and a serial (3); a temporary UPN ends in a letter instead of the last
digit. The check letter and the temporary letter share one 23-letter alphabet (no I, O, S).
"""

from __future__ import annotations

import re
from enum import StrEnum

ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
_PATTERN = re.compile(rf"[{ALPHABET}][0-9]{{11}}[0-9{ALPHABET}]")  # the whole value


class UPNStatus(StrEnum):
    MISSING = "missing"
    INVALID = "invalid"  # wrong length, characters or check letter
    TEMPORARY = "temporary"
    VALID = "valid"


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (positions 2 to 13)."""
    if len(body) != 12:
        raise ValueError("a UPN body is 12 characters")
    total = 0
    for position, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else ALPHABET.index(char)
        total += value * position
    return ALPHABET[total % 23]


def status(upn: str | None) -> UPNStatus:
    if not upn:
        return UPNStatus.MISSING
    if not _PATTERN.fullmatch(upn) or check_letter(upn[1:]) != upn[0]:
        return UPNStatus.INVALID
    return UPNStatus.TEMPORARY if upn[-1].isalpha() else UPNStatus.VALID


def is_valid(upn: str | None) -> bool:
    """True for a permanent or temporary UPN with the right check letter."""
    return status(upn) in (UPNStatus.VALID, UPNStatus.TEMPORARY)


def make(la: str, estab: str, year: int, serial: int, *, temporary: str | None = None) -> str:
    """A UPN allocated by school LA/estab in year (two digits kept) with its check letter.

    A temporary UPN replaces the serial's last digit with a letter of the alphabet.
    """
    body = f"{la:0>3}{estab:0>4}{year % 100:02d}{serial:03d}"
    if temporary is not None:
        if temporary not in ALPHABET:
            raise ValueError(f"{temporary!r} is not a UPN letter")
        body = body[:-1] + temporary
    return check_letter(body) + body
