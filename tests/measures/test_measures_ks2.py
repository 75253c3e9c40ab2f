"""KS2: L and M left out; A, B, H, J, Q, U and pre-key stage count as not meeting; averages
over scaled scores only; reading, writing and maths combined at the expected and higher
standards."""

from __future__ import annotations

from measure_builders import CODESET, figure, with_roles

from keystage.measures import compute
from keystage.measures.tables import KS2_EXPECTED_SCORE, KS2_HIGH_SCORE


def ks2(n, reading, maths, gps, writing, reading_ta=None, maths_ta=None):
    values = {
        "ks2_reading_test": reading,
        "ks2_maths_test": maths,
        "ks2_gps_test": gps,
        "ks2_writing_ta": writing,
        "ks2_reading_ta": reading_ta,
        "ks2_maths_ta": maths_ta,
    }
    return with_roles(n, values, nc_year="6", dob="2014-10-01")


COHORT = [
    ks2(1, "100", "100", "100", "EXS"),  # expected exactly at 100 everywhere
    ks2(2, "110", "112", "115", "GDS"),  # higher standard
    ks2(3, "99", "105", "80", "EXS"),
    ks2(4, "B", "B", "B", "PK3", reading_ta="PK5", maths_ta="PK6"),  # below the tests
    ks2(5, "A", "H", "J", "WTS"),
    ks2(6, "U", "Q", "U", "A"),
    ks2(7, "L", "L", "L", "L"),  # left: in no denominator
    ks2(8, "M", "104", "M", "EXS"),  # M: reading and GPS left out
    ks2(9, "120", "110", "109", "GDS"),
    ks2(10, None, "101", "100", "EXS"),  # no reading result at all: left out of reading
]


def figures():
    return compute(COHORT, "KS2", CODESET)


def test_thresholds_are_the_published_ones():
    assert (KS2_EXPECTED_SCORE, KS2_HIGH_SCORE) == (100, 110)


def test_reading():
    # in: 1-6, 9; met: 1, 2, 9
    assert figure(figures(), "ks2_reading_exs_plus") == (3, 7, 42.9)


def test_maths():
    # in: 1-6, 8, 9, 10; met: 1, 2, 3, 8, 9, 10
    assert figure(figures(), "ks2_maths_exs_plus") == (6, 9, 66.7)


def test_gps():
    # in: 1-6, 9, 10; met: 1, 2, 9, 10
    assert figure(figures(), "ks2_gps_exs_plus") == (4, 8, 50.0)


def test_writing_teacher_assessment():
    # in: all but 7; met: 1, 2, 3, 8, 9, 10
    assert figure(figures(), "ks2_writing_exs_plus") == (6, 9, 66.7)


def test_combined_expected_and_higher_over_pupils_in_all_three():
    # in: 1-6, 9 (8 and 10 have no reading outcome); expected: 1, 2, 9; higher: 2, 9
    assert figure(figures(), "ks2_rwm_exs_plus") == (3, 7, 42.9)
    assert figure(figures(), "ks2_rwm_high") == (2, 7, 28.6)


def test_average_scaled_scores_over_pupils_with_a_score_only():
    # reading 100, 110, 99, 120: 107.25, rounded half up
    assert figure(figures(), "ks2_reading_avg_score") == (107.3, 4)
    # maths 100, 112, 105, 104, 110, 101
    assert figure(figures(), "ks2_maths_avg_score") == (105.3, 6)
    # gps 100, 115, 80, 109, 100
    assert figure(figures(), "ks2_gps_avg_score") == (100.8, 5)


def test_teacher_assessment_stands_in_when_there_is_no_test_result():
    ta_only = ks2(11, None, None, None, "WTS", reading_ta="PK6", maths_ta="EM")
    found = compute([ta_only], "KS2", CODESET)
    assert figure(found, "ks2_reading_exs_plus") == (0, 1, 0.0)
    assert figure(found, "ks2_rwm_exs_plus") == (0, 1, 0.0)
    assert figure(found, "ks2_gps_exs_plus") == (0, 0, None)
    assert figure(found, "ks2_reading_avg_score") == (None, 0)
