"""School-to-LA file names: LLLEEEE_CTF_LLLLLLL_NNN.xml and the FSP/PHO variants."""

from __future__ import annotations

import pytest

from keystage.ctf import expected_name, parse_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("3302001_CTF_330LLLL_001.xml", ("330", "2001")),
        ("3302001_FSP_330LLLL_002.xml", ("330", "2001")),
        ("3312100_PHO_331LLLL_010.xml", ("331", "2100")),
        ("3302001_ctf_330llll_001.XML", ("330", "2001")),  # case lost in e-mail or Windows
        ("3302001_CTF_3304000_001.xml", ("330", "2001")),  # sent to a school, not the LA
        ("/uploads/2026/3302001_CTF_330LLLL_001.xml", ("330", "2001")),
    ],
)
def test_parses_conventional_names(name: str, expected: tuple[str, str]) -> None:
    assert parse_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "results.xml",
        "3302001_CTF_330LLLL_001.xml.pdf",
        "330200_CTF_330LLLL_001.xml",  # a 3-digit establishment
        "3302001_ATF_330LLLL_001.xml",
        "3302001_CTF_330LLLL_01.xml",
        "3302001_CTF_330LLLL_001 (1).xml",
        "",
    ],
)
def test_other_names_are_none(name: str) -> None:
    assert parse_name(name) is None


def test_expected_name() -> None:
    assert expected_name("330", "2001", "330", 1) == "3302001_CTF_330LLLL_001.xml"
    assert expected_name("330", "2001", "330", 12, kind="PHO") == "3302001_PHO_330LLLL_012.xml"


def test_expected_name_parses_back() -> None:
    assert parse_name(expected_name("331", "2100", "330", 999, kind="FSP")) == ("331", "2100")


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (("33", "2001", "330", 1), "CTF"),
        (("330", "201", "330", 1), "CTF"),
        (("330", "2001", "330", 1000), "CTF"),
        (("330", "2001", "330", 1), "ATF"),
    ],
)
def test_expected_name_refuses_bad_parts(args: tuple[str, str, str, int], kind: str) -> None:
    with pytest.raises(ValueError):
        expected_name(*args, kind=kind)
