"""A PVI early years setting's file: the funded birth window (DOB-RANGE, for settings only)
and its identity by early years URN (HDR-SCHOOL)."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import SCHOOL, check, codes, make_header, make_pupil

from keystage.codesets import load
from keystage.codesets.funded import funded_window
from keystage.ctf.model import SchoolRef

SETTING = SchoolRef(la="330", urn="512345", name="Little Acorns Nursery", academic_year="2025")


def test_the_funded_window_moves_with_the_cohort():
    # the DfE's 2024 return guide: born 1 April to 31 August 2019 (academic year 2023/24)
    assert funded_window(2023) == (dt.date(2019, 4, 1), dt.date(2019, 8, 31))
    assert funded_window(load("2025-26").start_year) == (dt.date(2021, 4, 1), dt.date(2021, 8, 31))


def eyfsp_child(born: dt.date):
    return make_pupil("EYFSP", dob=born.isoformat())


def setting_codes(born: dt.date, header_source: SchoolRef = SETTING) -> list[str]:
    header = make_header(source=header_source)
    return codes(eyfsp_child(born), collection="EYFSP", school=SETTING, setting=True,
                 header=header)  # fmt: skip


@pytest.mark.parametrize("born", [dt.date(2021, 4, 1), dt.date(2021, 6, 15), dt.date(2021, 8, 31)])
def test_a_settings_funded_child_passes(born: dt.date):
    assert setting_codes(born) == []


@pytest.mark.parametrize("born", [dt.date(2021, 3, 31), dt.date(2020, 9, 1), dt.date(2021, 9, 1)])
def test_a_settings_child_born_outside_the_window_is_a_query_naming_it(born: dt.date):
    [found] = check(eyfsp_child(born), collection="EYFSP", school=SETTING, setting=True,
                    header=make_header(source=SETTING))  # fmt: skip
    assert (found.code, found.severity) == ("DOB-RANGE", "query")
    assert "outside the funded window for this year's EYFSP (1 April 2021 to 31 August 2021)" in (
        found.message
    )


def test_a_schools_reception_child_keeps_the_reception_range():
    # born in January 2021: in a school's Reception range, outside a setting's funded window
    assert codes(eyfsp_child(dt.date(2021, 1, 15)), collection="EYFSP", school=SCHOOL) == []
    assert setting_codes(dt.date(2021, 1, 15)) == ["DOB-RANGE"]
    assert codes(eyfsp_child(dt.date(2019, 1, 15)), collection="EYFSP", school=SCHOOL) == [
        "DOB-RANGE"]  # fmt: skip


def test_a_setting_is_matched_on_its_ey_urn():
    funded = dt.date(2021, 5, 1)
    assert setting_codes(funded, SETTING) == []
    other = SchoolRef(la="330", urn="612345", name="Other Nursery", academic_year="2025")
    [found] = check(eyfsp_child(funded), collection="EYFSP", school=SETTING, setting=True,
                    header=make_header(source=other))  # fmt: skip
    assert found.code == "HDR-SCHOOL"
    assert "made for Other Nursery (EY URN 612345)" in found.message
    assert "signed in as Little Acorns Nursery (EY URN 512345)" in found.message
    # a school's file (LA and establishment number, no EY URN) is not the setting's
    assert setting_codes(funded, SCHOOL) == ["HDR-SCHOOL"]
    bare = SchoolRef(la="330", estab="2001", academic_year="2025")
    assert setting_codes(funded, bare) == ["HDR-SCHOOL"]
