"""EYFSP: GLD needs all 12 goals of the code table's gld; an all-A profile is left out."""

from __future__ import annotations

from dataclasses import replace

from measure_builders import CODESET, figure, find, pupil, result, with_roles

from keystage.ctf.model import AssessmentKey
from keystage.measures import compute

GOALS = [a.role for a in CODESET.for_collection("EYFSP")]
OTHER_GOALS = [g for g in GOALS if g not in CODESET.gld]


def child(n: int, default: str | None = "2", **levels: str | None):
    """A Reception child with every goal at `default` except those named."""
    values = {goal: levels.get(goal, default) for goal in GOALS}
    return with_roles(n, values, nc_year="R", dob="2020-12-01")


COHORT = [
    child(1),  # every goal expected: GLD, all 17, 17
    child(2, "A"),  # all A: left out of every measure, counted as not assessed
    child(3, **{OTHER_GOALS[0]: "1"}),  # GLD (a goal outside GLD emerging), 16
    child(4, **{CODESET.gld[-1]: "1"}),  # 11 of the 12 GLD goals: no GLD, 16
    child(5, **{CODESET.gld[0]: "A"}),  # partly assessed: in, that goal not expected, 16
    child(6, **{GOALS[-1]: None}),  # a goal missing: in, not all 17, 16
    child(8, "1"),  # all emerging: 0
    pupil(7, result("ks1_reading", "EXS"), nc_year="2"),  # no profile at all: not counted
]


def figures():
    return compute(COHORT, "EYFSP", CODESET)


def test_code_table_has_twelve_gld_goals_of_seventeen():
    assert len(CODESET.gld) == 12
    assert len(GOALS) == 17


def test_gld_needs_every_gld_goal_and_leaves_out_all_a():
    # cohort: 1, 3, 4, 5, 6, 8; GLD: 1, 3, 6
    assert figure(figures(), "eyfsp_gld") == (3, 6, 50.0)


def test_all_goals_expected():
    assert figure(figures(), "eyfsp_all_elgs_expected") == (1, 6, 16.7)


def test_average_goals_at_expected_over_the_cohort():
    # (17 + 16 + 16 + 16 + 16 + 0) / 6 = 13.5
    assert figure(figures(), "eyfsp_avg_elgs_expected") == (13.5, 6)
    assert find(figures(), "eyfsp_avg_elgs_expected").kind == "average"


def test_not_assessed_children_are_counted_separately():
    # child 2 of the 7 children with a profile
    assert figure(figures(), "eyfsp_not_assessed") == (1, 7, 14.3)


def test_goals_written_with_an_alias_count_the_same():
    def aliased(a):
        number = a.component.removeprefix("ELG")
        return replace(a, component=f"E{number}")

    source = child(1)
    renamed = replace(source, assessments=tuple(aliased(a) for a in source.assessments))
    assert renamed.assessments[0].key != CODESET.role("elg01").key
    assert CODESET.lookup(AssessmentKey(*renamed.assessments[0].key)) is not None
    assert figure(compute([renamed], "EYFSP", CODESET), "eyfsp_gld") == (1, 1, 100.0)
