"""KS1: who is in each denominator (A, D, WTS, PK, EM count; L and missing are left out)."""

from __future__ import annotations

from measure_builders import CODESET, figure, find, ks1, pupil, result

from keystage.measures import compute

COHORT = [
    ks1(1, "EXS", "EXS", "EXS", "EXS"),
    ks1(2, "GDS", "GDS", "GDS", "EXS"),
    ks1(3, "WTS", "EXS", "EXS", "HNM"),
    ks1(4, "A", "A", "A", "A"),
    ks1(5, "D", "WTS", "PK2", "A"),  # D is not in this year's table: still counts, not meeting
    ks1(6, "L", "L", "L", "L"),  # left: in no denominator
    ks1(7, None, "EXS", "EXS", None),  # reading and science missing: left out of those
    ks1(8, "PK1", "EM", "PK4", "EXS"),
    ks1(9, "L", "EXS", "GDS", "EXS"),
]


def figures():
    return compute(COHORT, "KS1", CODESET)


def test_reading_counts_a_d_wts_pk_and_leaves_out_l_and_missing():
    # in: 1, 2, 3, 4, 5, 8; met: 1, 2
    assert figure(figures(), "ks1_reading_exs_plus") == (2, 6, 33.3)
    assert figure(figures(), "ks1_reading_gds") == (1, 6, 16.7)


def test_writing_and_maths():
    # in: 1, 2, 3, 4, 5, 7, 8, 9
    assert figure(figures(), "ks1_writing_exs_plus") == (5, 8, 62.5)
    assert figure(figures(), "ks1_writing_gds") == (1, 8, 12.5)
    assert figure(figures(), "ks1_maths_exs_plus") == (5, 8, 62.5)
    assert figure(figures(), "ks1_maths_gds") == (2, 8, 25.0)


def test_science_exs_over_pupils_with_a_science_outcome():
    # in: 1, 2, 3, 4, 5, 8, 9 (HNM and A not meeting); met: 1, 2, 8, 9
    assert figure(figures(), "ks1_science_exs") == (4, 7, 57.1)


def test_combined_over_pupils_counted_in_all_three_subjects():
    # pupils 7 (reading missing) and 9 (reading L) are left out; 6 is left out entirely
    assert figure(figures(), "ks1_rwm_exs_plus") == (2, 6, 33.3)


def test_every_measure_of_the_reference_in_its_order():
    names = list(dict.fromkeys(m.measure for m in figures()))
    assert names == [
        "ks1_reading_exs_plus", "ks1_writing_exs_plus", "ks1_maths_exs_plus", "ks1_science_exs",
        "ks1_reading_gds", "ks1_writing_gds", "ks1_maths_gds", "ks1_rwm_exs_plus",
    ]  # fmt: skip


def test_no_pupils_gives_no_percent_rather_than_a_crash():
    empty = compute([], "KS1", CODESET)
    assert figure(empty, "ks1_reading_exs_plus") == (0, 0, None)


def test_pupils_of_another_collection_add_nothing():
    reception = pupil(20, result("elg01", "2"), nc_year="R")
    found = compute([*COHORT, reception], "KS1", CODESET)
    assert figure(found, "ks1_reading_exs_plus") == (2, 6, 33.3)


def test_excluded_upns_are_left_out():
    found = compute(COHORT, "KS1", CODESET, exclude={"P00001", "P00004"})
    assert figure(found, "ks1_reading_exs_plus") == (1, 4, 25.0)
    assert find(found, "ks1_rwm_exs_plus").denominator == 4
