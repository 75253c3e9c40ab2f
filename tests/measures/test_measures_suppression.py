"""Small numbers: `c` beyond the school with complementary suppression; marked in its own."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from measure_builders import CODESET, find, ks1

from keystage.measures import AVERAGE, Measure, compute, mark_small, suppress


def cell(group: str, numerator: int, denominator: int, measure: str = "m") -> Measure:
    percent = round(100 * numerator / denominator, 1) if denominator else None
    return Measure(measure, group, denominator, numerator=numerator, percent=percent)


TABLE = [
    cell("all", 20, 30),
    cell("sex=F", 2, 4),  # small: hidden; then sex=M must go too
    cell("sex=M", 18, 26),
    cell("sen=none", 15, 25),
    cell("sen=support", 3, 3),  # two small cells: they cannot be told apart from the total
    cell("sen=ehcp", 2, 2),
    cell("eal=yes", 10, 10),
    cell("eal=no", 10, 20),
    cell("term_of_birth=autumn", 4, 5),  # exactly the threshold: hidden
    cell("term_of_birth=spring", 0, 0),  # no pupils: nothing to hide, not a complement
    cell("term_of_birth=summer", 16, 25),
    cell("ethnicity=white", 5, 7),  # the smallest of the others: the complement
    cell("ethnicity=asian", 14, 20),
    cell("ethnicity=unknown", 1, 3),
]


def hidden(rows):
    return {m.group for m in rows if m.suppressed}


def test_small_groups_and_their_complements_are_hidden():
    assert hidden(suppress(TABLE)) == {
        "sex=F", "sex=M", "sen=support", "sen=ehcp", "term_of_birth=autumn",
        "term_of_birth=summer", "ethnicity=unknown", "ethnicity=white",
    }  # fmt: skip


def test_a_hidden_figure_shows_nothing():
    row = next(m for m in suppress(TABLE) if m.group == "sex=F")
    assert (row.numerator, row.denominator, row.percent, row.value) == (None,) * 4
    assert row.suppressed
    kept = next(m for m in suppress(TABLE) if m.group == "eal=yes")
    assert (kept.numerator, kept.denominator, kept.percent) == (10, 10, 100.0)


def test_a_small_total_hides_everything_with_pupils():
    rows = [cell("all", 3, 5), cell("sex=F", 1, 2), cell("sex=M", 2, 3), cell("sen=ehcp", 0, 0)]
    assert hidden(suppress(rows)) == {"all", "sex=F", "sex=M"}


def test_threshold_is_a_setting():
    # only sen=ehcp (2) is small; sen=support (3) is the next smallest of its breakdown
    assert hidden(suppress(TABLE, threshold=2)) == {"sen=ehcp", "sen=support"}


def test_averages_are_hidden_too():
    rows = [
        Measure("avg", "all", 30, value=105.0, kind=AVERAGE),
        Measure("avg", "sex=F", 3, value=101.0, kind=AVERAGE),
        Measure("avg", "sex=M", 27, value=105.4, kind=AVERAGE),
    ]
    out = suppress(rows)
    assert [m.value for m in out] == [105.0, None, None]


def test_each_measure_is_suppressed_on_its_own():
    rows = [*TABLE, cell("all", 9, 40, "n"), cell("sex=F", 4, 20, "n"), cell("sex=M", 5, 20, "n")]
    assert not [m for m in suppress(rows) if m.measure == "n" and m.suppressed]


def test_suppressing_twice_changes_nothing():
    once = suppress(TABLE)
    assert suppress(once) == once


def test_a_schools_own_report_marks_small_groups_and_hides_none():
    marked = mark_small(TABLE)
    assert {m.group for m in marked if m.small} == {
        "sex=F", "sen=support", "sen=ehcp", "term_of_birth=autumn", "term_of_birth=spring",
        "ethnicity=unknown",
    }  # fmt: skip
    assert not hidden(marked)
    assert [m.percent for m in marked] == [m.percent for m in TABLE]


def test_on_computed_figures():
    pupils = [ks1(n, "EXS", "EXS", "EXS", sex="F" if n < 3 else "M") for n in range(20)]
    out = suppress(compute(pupils, "KS1", CODESET))
    assert find(out, "ks1_reading_exs_plus", "sex=F").suppressed
    assert find(out, "ks1_reading_exs_plus", "sex=M").suppressed  # the complement
    assert find(out, "ks1_reading_exs_plus").numerator == 20


@given(
    st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=6),
)
def test_no_hidden_cell_can_be_worked_out_from_the_total(sizes, threshold):
    rows = [cell("all", 0, sum(sizes))] + [cell(f"d=g{n}", 0, s) for n, s in enumerate(sizes)]
    out = suppress(rows, threshold=threshold)
    total_hidden = out[0].suppressed
    with_pupils = [m for m, s in zip(out[1:], sizes, strict=True) if s > 0]
    hidden_cells = [m for m in with_pupils if m.suppressed]
    # one hidden cell alone would be the total less the others
    assert total_hidden or len(hidden_cells) != 1
    # and every small cell with pupils is hidden
    assert all(m.suppressed for m, s in zip(out[1:], sizes, strict=True) if 0 < s <= threshold)
