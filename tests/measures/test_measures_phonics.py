"""Phonics: Year 1 (A, D, Q count; L and missing left out; the threshold mark meets), the
Year 2 re-check apart, and meeting the standard by the end of Year 2 with last year's data."""

from __future__ import annotations

from measure_builders import CODESET, LAST_YEAR, figure, find, pupil, result

from keystage.measures import compute

ROLE = "phonics_mark"
THRESHOLD = CODESET.phonics_threshold


def year1(n: int, mark: str | None):
    marks = () if mark is None else (result(ROLE, mark),)
    return pupil(n, *marks, nc_year="1", dob="2019-10-01")


def recheck(n: int, now: str | None, before: str | None = None, **fields):
    marks = []
    if before is not None:
        marks.append(result(ROLE, before, year=LAST_YEAR))
    if now is not None:
        marks.append(result(ROLE, now))
    fields.setdefault("nc_year", "2")
    return pupil(n, *marks, dob="2018-10-01", **fields)


YEAR1 = [
    year1(1, str(THRESHOLD)),  # exactly the threshold: meets
    year1(2, str(THRESHOLD - 1)),
    year1(3, "40"),
    year1(4, "0"),
    year1(5, "A"),
    year1(6, "D"),
    year1(7, "Q"),
    year1(8, "L"),  # left: out
    year1(9, None),  # no result: out
]
YEAR2 = [
    recheck(21, str(THRESHOLD + 1), before="25"),  # met at the re-check
    recheck(22, str(THRESHOLD - 2), before="20"),  # not met
    recheck(23, "35"),  # no Year 1 mark in the file: the re-check alone
    recheck(24, "L", before="10"),  # left before the re-check: out of the re-check
]


def test_year1_counts_a_d_q_and_leaves_out_l_and_missing():
    found = compute(YEAR1 + YEAR2, "PHON", CODESET)
    # in: 1-7; met: 1 (mark == threshold) and 3
    assert figure(found, "phon_y1_met") == (2, 7, 28.6)


def test_year1_codes_are_the_code_tables():
    assert {"A", "D", "Q"} == CODESET.code_set("phonics_counted_codes")
    assert {"L"} == CODESET.code_set("phonics_left_codes")


def test_a_mark_outside_the_range_counts_as_not_meeting():
    assert figure(compute([year1(1, "41")], "PHON", CODESET), "phon_y1_met") == (0, 1, 0.0)


def test_year2_rechecks_are_a_separate_measure_of_this_years_marks():
    found = compute(YEAR1 + YEAR2, "PHON", CODESET)
    # in: 21, 22, 23 (24 left); met: 21, 23. Last year's marks (below the threshold) ignored.
    assert figure(found, "phon_recheck_met") == (2, 3, 66.7)
    assert figure(compute(YEAR2, "PHON", CODESET), "phon_y1_met") == (0, 0, None)


def test_without_last_years_data_only_the_recheck_with_a_note():
    found = compute(YEAR1 + YEAR2, "PHON", CODESET)
    assert not [m for m in found if m.measure == "phon_y2_met_by_end"]
    note = find(found, "phon_recheck_met").note
    assert note is not None
    assert "not given" in note


def test_by_end_of_year2_with_last_years_data():
    previous = {
        "P00021": False,
        "P00022": False,
        "P00023": False,
        "P00024": False,
        "P00031": True,  # met in Year 1: not re-checked, not in this year's file
        "P00032": True,
        "P00033": False,  # did not meet and has no re-check
        "P00001": True,  # in this year's file as a Year 1 pupil: not a Year 2 pupil
    }
    found = compute(YEAR1 + YEAR2, "PHON", CODESET, previous_year=previous)
    # cohort: 21, 22, 23, 24 (an outcome last year), 31, 32, 33; met: 21, 23, 31, 32
    assert figure(found, "phon_y2_met_by_end") == (4, 7, 57.1)
    assert find(found, "phon_recheck_met").note is None
    # the three known only from last year's data have no record: unknown in every breakdown
    assert figure(found, "phon_y2_met_by_end", "sex=unknown") == (2, 3, 66.7)
    assert figure(found, "phon_y2_met_by_end", "sex=F") == (2, 4, 50.0)
    assert figure(found, "phon_y2_met_by_end", "ethnicity=unknown") == (2, 3, 66.7)
    # and the other measures are not touched by it
    assert figure(found, "phon_recheck_met") == (2, 3, 66.7)
    assert find(found, "phon_y1_met", "sex=unknown").denominator == 0


def test_by_end_uses_the_records_own_year1_result_when_last_years_data_lacks_the_pupil():
    found = compute(YEAR2, "PHON", CODESET, previous_year={})
    # 24 has no re-check but last year's 10 is an outcome (not met)
    assert figure(found, "phon_y2_met_by_end") == (2, 4, 50.0)


def test_by_end_leaves_out_excluded_pupils_and_their_last_year():
    previous = {"P00031": True, "P00021": False}
    found = compute(YEAR2, "PHON", CODESET, previous_year=previous, exclude={"P00031", "P00021"})
    assert figure(found, "phon_y2_met_by_end") == (1, 3, 33.3)


def test_undated_marks_of_a_year2_pupil_are_year1_then_the_recheck():
    undated = pupil(
        40, result(ROLE, "20", year=None), result(ROLE, str(THRESHOLD), year=None), nc_year="2"
    )
    found = compute([undated], "PHON", CODESET, previous_year={})
    assert figure(found, "phon_recheck_met") == (1, 1, 100.0)
    assert figure(found, "phon_y2_met_by_end") == (1, 1, 100.0)


def test_without_nc_year_an_earlier_mark_makes_a_year2_pupil():
    found = compute(
        [recheck(50, "36", before="12", nc_year=None), year1(51, "36")], "PHON", CODESET
    )
    assert figure(found, "phon_recheck_met") == (1, 1, 100.0)
    assert figure(found, "phon_y1_met") == (1, 1, 100.0)
