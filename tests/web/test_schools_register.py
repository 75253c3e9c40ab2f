"""Schools from a real-shaped GIAS extract (tests/web/data/gias): the plan of a first load and
of a second one, applied; the links from an academy to the school it replaced; the LA's own
email addresses; and the schools each collection expects."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from portal_builders import make_head, make_officer

from keystage.web.models import AuditEvent, Collection, ExpectedSchool, School
from keystage.web.schools import expected
from keystage.web.schools.expected import ChoiceClosedError, expected_school_ids, is_expected
from keystage.web.schools.gias import decode
from keystage.web.schools.plan import Kind, Plan
from keystage.web.schools.register import RegisterError, apply, load_register

DATA = Path(__file__).parent / "data" / "gias"
MARCH = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)  # before summer 2026's windows open
OCTOBER = dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC)  # a new school year: 2026-27
INFANT, JUNIOR, PRIMARY = (
    "Oakfield Infant School",
    "Oakfield Junior School",
    "Elm Park Primary School",
)
ACADEMY, WILLOW = "St Mary\u2019s Catholic Academy", "Willow Primary School"
# (kind, opens, deadline) of a summer's windows; each closes on 17 July
WINDOWS = (("EYFSP", (5, 18), (6, 12)), ("PHON", (6, 8), (6, 26)), ("KS1", (6, 1), (6, 26)),
           ("KS2", (6, 8), (7, 3)))  # fmt: skip


def names(plan: Plan, kind: Kind) -> set[str]:
    return {c.name for c in plan.of(kind)}


def summer(year: str) -> dict[str, Collection]:
    y = int(year[:2] + year[-2:])
    return {
        kind: Collection.objects.create(
            kind=kind,
            academic_year=year,
            opens=dt.date(y, *opens),
            deadline=dt.date(y, *deadline),
            closes=dt.date(y, 7, 17),
        )
        for kind, opens, deadline in WINDOWS
    }


def expected_names(collection: Collection) -> set[str]:
    return set(
        School.objects.filter(pk__in=expected_school_ids(collection)).values_list("name", flat=True)
    )


@pytest.fixture
def march(db: None) -> Iterator[Plan]:
    with time_machine.travel(MARCH, tick=False):
        plan = load_register(DATA / "register-2026-03.csv", links=DATA / "links-2026-03.csv")
        apply(plan)
        yield plan


def test_a_first_extract_is_planned_without_a_write_then_applied(db: None) -> None:
    with time_machine.travel(MARCH, tick=False):
        plan = load_register(DATA / "register-2026-03.csv", links=DATA / "links-2026-03.csv")
        assert not School.objects.exists()  # a plan writes nothing
        assert names(plan, Kind.CONVERTED) == {ACADEMY}
        assert (
            plan.of(Kind.CONVERTED)[0].note
            == "replaces St Mary\u2019s RC Primary School (URN 103005)"
        )
        assert len(plan.of(Kind.NEW)) == 8 and not plan.of(Kind.CLOSED)
        closed = {c.name: c.note for c in plan.of(Kind.NEW) if c.note}
        assert closed == {"Beech Lane Primary School": "already closed",
                          "St Mary\u2019s RC Primary School": "already closed"}  # fmt: skip
        assert len(plan.links) == 1  # the pair GIAS lists twice; a sixth-form link; one elsewhere
        assert any(
            "Children\u2019s Centre" in n and "no establishment number" in n for n in plan.notes
        )
        apply(plan)
    infant = School.objects.get(urn="103001")
    assert (infant.laestab, infant.type, infant.status, infant.phase) == (
        "3302001", "Community school", "Open", "Primary")  # fmt: skip
    assert (infant.low_age, infant.high_age, infant.telephone, infant.district) == (
        4, 7, "01214641001", "Erdington")  # fmt: skip
    assert infant.head_name == "Mrs Ann Baker" and infant.opened_on is None
    old = School.objects.get(urn="103005")  # Windows-1252, as GIAS writes it
    assert (old.name, old.head_first_name) == ("St Mary\u2019s RC Primary School", "Siobhán")
    assert old.closed_on == dt.date(2025, 8, 31) and not old.is_open_on(dt.date(2026, 6, 1))
    academy = School.objects.get(urn="148001")
    assert academy.opened_on == dt.date(2025, 9, 1)
    assert academy.predecessors() == [old] and old.successors() == [academy]


def test_each_collection_expects_the_schools_with_its_year_group(march: Plan) -> None:
    windows = summer("2025-26")
    assert expected_names(windows["EYFSP"]) == {INFANT, PRIMARY, ACADEMY, WILLOW}
    assert expected_names(windows["PHON"]) == {INFANT, PRIMARY, ACADEMY, WILLOW}
    assert expected_names(windows["KS1"]) == set()  # optional: nobody until they opt in
    assert expected_names(windows["KS2"]) == {JUNIOR, PRIMARY, ACADEMY, WILLOW}
    for closed in ("Beech Lane Primary School", "St Mary\u2019s RC Primary School"):
        school = School.objects.get(name=closed)
        assert not any(is_expected(w, school) for w in windows.values())


def test_ks1_takes_the_schools_that_opt_in_and_the_las_decisions(march: Plan) -> None:
    ks1 = summer("2025-26")["KS1"]
    infant, junior, primary = (School.objects.get(name=n) for n in (INFANT, JUNIOR, PRIMARY))
    head, officer = make_head(infant), make_officer()
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC), tick=False):
        assert [c for c, _ in expected.choices_to_make(infant)] == [ks1]
        assert expected.choices_to_make(junior) == []  # no Year 2: nothing to choose
        expected.choose(ks1, infant, taking_part=True, by=head)
        with pytest.raises(ChoiceClosedError):
            expected.choose(ks1, junior, taking_part=True, by=head)
    expected.decide(ks1, primary, expected=True, reason="Opted in by email", by=officer)
    assert expected_names(ks1) == {INFANT, PRIMARY}
    assert expected.propose(ks1) == School.objects.count() - 2  # the rest, proposed
    assert expected.propose(ks1) == 0  # idempotent
    assert expected_names(ks1) == {INFANT, PRIMARY}  # proposing never undoes a choice
    row = ExpectedSchool.objects.get(collection=ks1, school=primary)
    assert (row.why, row.reason, row.by) == (ExpectedSchool.Why.LA, "Opted in by email", officer)
    opened = time_machine.travel(dt.datetime(2026, 6, 2, 10, tzinfo=dt.UTC), tick=False)
    with opened, pytest.raises(ChoiceClosedError):  # the window is open: the LA changes it now
        expected.choose(ks1, infant, taking_part=False, by=head)


def test_a_second_extract_shows_its_changes_before_they_are_applied(march: Plan) -> None:
    last_summer = summer("2025-26")
    with time_machine.travel(OCTOBER, tick=False):
        next_summer = summer("2026-27")
        plan = load_register(DATA / "register-2026-10.csv", links=DATA / "links-2026-10.csv")
        assert names(plan, Kind.RENAMED) == {PRIMARY}
        renamed = plan.of(Kind.RENAMED)[0].differences
        assert [(d.was, d.becomes) for d in renamed] == [
            (PRIMARY, "Elm Park Primary and Nursery School")]  # fmt: skip
        assert names(plan, Kind.CLOSED) == {JUNIOR, WILLOW}
        assert names(plan, Kind.CONVERTED) == {"Willow Primary Academy"}
        assert names(plan, Kind.DETAILS) == {INFANT, PRIMARY}  # a telephone; a new head
        assert not plan.of(Kind.NEW) and plan.unchanged == 5
        assert School.objects.filter(urn="103003", name=PRIMARY).exists()  # nothing yet
        assert not School.objects.filter(urn="149003").exists()
        apply(plan)
        assert not load_register(DATA / "register-2026-10.csv").has_changes  # in step now
    willow, academy = School.objects.get(urn="103008"), School.objects.get(urn="149003")
    assert academy.laestab == willow.laestab == "3302005"  # an academy may keep the number
    assert academy.predecessors() == [willow] and willow.closed_on == dt.date(2026, 8, 31)
    assert School.objects.get(urn="103003").head_name == "Ms Priya Shah"
    assert expected_names(next_summer["KS2"]) == {
        "Elm Park Primary and Nursery School", ACADEMY, "Willow Primary Academy"}  # fmt: skip
    # Last summer's list is as it was: both schools were open on its deadline.
    assert {JUNIOR, WILLOW} <= expected_names(last_summer["KS2"])


def test_apply_proposes_again_the_collections_still_to_close(march: Plan) -> None:
    with time_machine.travel(OCTOBER, tick=False):
        ks2 = summer("2026-27")["KS2"]
        assert expected.propose(ks2) == School.objects.count()
        apply(load_register(DATA / "register-2026-10.csv", links=DATA / "links-2026-10.csv"))
    rows = ExpectedSchool.objects.filter(collection=ks2)
    assert rows.get(school__urn="149003").expected  # the new academy, proposed
    assert not rows.get(school__urn="103002").expected  # the junior school, closed
    assert rows.get(school__urn="103002").reason == "Closed by the deadline"


def test_the_las_addresses_load_on_their_own(march: Plan) -> None:
    plan = load_register(None, emails=DATA / "addresses.csv")
    assert names(plan, Kind.ADDRESSES) == {INFANT, JUNIOR, ACADEMY}
    assert plan.notes == ["Addresses, row 5: no school has URN 777777."]
    apply(plan)
    infant, junior = School.objects.get(name=INFANT), School.objects.get(name=JUNIOR)
    assert (infant.head_email, infant.main_email) == (
        "a.baker@oakfield-inf.example", "office@oakfield-inf.example")  # fmt: skip
    assert (junior.head_email, junior.main_email) == ("r.patel@oakfield-jun.example", "")
    reloaded = load_register(DATA / "register-2026-03.csv", emails=DATA / "addresses.csv")
    assert not reloaded.has_changes  # the register has no addresses, and clears none


HEADER = (
    "URN,LA (code),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (name),"
    "EstablishmentStatus (name),StatutoryLowAge,StatutoryHighAge,OpenDate,CloseDate\n"
)
MAPLE = "103010,330,2010,Maple Primary School,Community school,Open,4,11,,\n"
MAPLE_ACADEMY = "149010,330,2010,Maple Academy,Academy converter,Open,4,11,01-04-2026,\n"


def test_an_extract_of_open_schools_closes_the_school_an_academy_replaced(
    db: None, tmp_path: Path
) -> None:
    (tmp_path / "before.csv").write_text(HEADER + MAPLE)
    (tmp_path / "after.csv").write_text(HEADER + MAPLE_ACADEMY)
    (tmp_path / "links.csv").write_text("URN,LinkURN,LinkType\n149010,103010,Predecessor\n")
    with time_machine.travel(MARCH, tick=False):
        apply(load_register(tmp_path / "before.csv"))
        with pytest.raises(RegisterError, match="LAESTAB 3302010 would belong to Maple"):
            load_register(tmp_path / "after.csv")  # without the links, two open schools
    with time_machine.travel(OCTOBER, tick=False):
        plan = load_register(tmp_path / "after.csv", links=tmp_path / "links.csv")
        closed = plan.of(Kind.CLOSED)[0]
        assert (closed.name, closed.note) == ("Maple Primary School", "replaced by URN 149010")
        apply(plan)
    maple = School.objects.get(urn="103010")
    assert (maple.status, maple.closed_on) == ("Closed", dt.date(2026, 3, 31))
    assert School.objects.get(urn="149010").predecessors() == [maple]


def test_a_chain_of_predecessors_is_followed_to_its_start(db: None, tmp_path: Path) -> None:
    rows = ["103010,330,2010,Maple Infants,Community school,Closed,4,7,,31-08-2019\n",
            "103011,330,2011,Maple Primary,Community school,Closed,4,11,01-09-2019,31-03-2026\n",
            MAPLE_ACADEMY]  # fmt: skip
    (tmp_path / "all.csv").write_text(HEADER + "".join(rows))
    (tmp_path / "links.csv").write_text(
        "URN,LinkURN,LinkType,LinkEstablishedDate\n103011,103010,Predecessor - amalgamated,"
        "01-09-2019\n149010,103011,Predecessor,01-04-2026\n103011,149010,Successor,01-04-2026\n"
    )
    with time_machine.travel(OCTOBER, tick=False):
        apply(load_register(tmp_path / "all.csv", links=tmp_path / "links.csv"))
    academy = School.objects.get(urn="149010")
    assert [s.name for s in academy.predecessors()] == ["Maple Primary", "Maple Infants"]


def test_windows_1252_and_utf8_with_a_bom_are_both_read() -> None:
    assert decode("St Mary\u2019s".encode("cp1252"), "x.csv") == "St Mary\u2019s"
    assert decode(b"\xef\xbb\xbfSt Mary\xe2\x80\x99s", "x.csv") == "St Mary\u2019s"
    with pytest.raises(RegisterError, match="not text in UTF-8 or Windows-1252"):
        decode(b"\x81\x8d\x90", "x.csv")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("103010,330,2010,Maple,Community school,Open,four,11,,\n", "StatutoryLowAge 'four'"),
        ("103010,330,2010,Maple,Community school,Open,4,11,2026-13-45,\n", "OpenDate"),
        ("103010,330,2010,,Community school,Open,4,11,,\n", "EstablishmentName is empty"),
        (MAPLE + MAPLE, "URN 103010 is on row 2 too"),
    ],
)
def test_a_bad_row_refuses_the_whole_extract(
    db: None, tmp_path: Path, row: str, message: str
) -> None:
    (tmp_path / "bad.csv").write_text(HEADER + row)
    with pytest.raises(RegisterError, match=message):
        load_register(tmp_path / "bad.csv")
    assert not School.objects.exists()


def test_loadschools_prints_the_plan_and_applies_it_unless_a_dry_run(db: None) -> None:
    files = [str(DATA / "register-2026-03.csv"), "--links", str(DATA / "links-2026-03.csv")]
    out = io.StringIO()
    with time_machine.travel(MARCH, tick=False):
        call_command("loadschools", *files, "--dry-run", stdout=out)
        assert not School.objects.exists()
        said = out.getvalue()
        assert "Converted to academies (a new URN that replaces a school): 1" in said
        assert "Dry run: nothing changed." in said
        call_command("loadschools", *files, "--emails", str(DATA / "addresses.csv"), stdout=out)
    assert School.objects.count() == 9 and out.getvalue().endswith("Applied.\n")
    assert School.objects.get(urn="103001").main_email == "office@oakfield-inf.example"
    event = AuditEvent.objects.get(action=AuditEvent.Action.SCHOOLS)
    assert event.what.endswith("(command line)") and event.detail["converted"] == 1
    with pytest.raises(CommandError, match="has no column LA"):
        call_command("loadschools", str(DATA / "addresses.csv"), stdout=out)
