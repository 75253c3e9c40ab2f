"""Schools from a GIAS-style register, and the demo the run command loads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from keystage.web.models import (
    Appeal,
    Collection,
    Confirmation,
    FindingRecord,
    Guidance,
    JudgementChange,
    ModeratedSchool,
    School,
    Submission,
    TeamQuery,
    User,
)
from keystage.web.ops.demo import load, opted_out_of_ks1
from keystage.web.schools.expected import expected_school_ids
from keystage.web.schools.plan import Kind
from keystage.web.schools.register import RegisterError, apply, load_register
from keystage.web.submissions.state import State, standing

HEADER = "URN,LA (code),EstablishmentNumber,EstablishmentName,PhaseOfEducation (name),MainEmail\n"


def test_the_register_adds_then_updates_by_urn(db: None, tmp_path: Path) -> None:
    register = tmp_path / "schools.csv"
    register.write_text(HEADER + "103456,330,2001,Oak Primary,Primary,office@oak.example\n")
    plan = load_register(register)
    assert [c.kind for c in plan.changes] == [Kind.NEW]
    apply(plan)
    register.write_text(HEADER + "103456,330,2001,Oak Primary School,Primary,office@oak.example\n")
    plan = load_register(register)
    assert [c.kind for c in plan.changes] == [Kind.RENAMED]
    apply(plan)
    school = School.objects.get()
    assert school.laestab == "3302001"
    assert (school.name, school.phase) == ("Oak Primary School", "Primary")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("ABC,330,2001,Oak,Primary,x@y.z\n", "URN 'ABC'"),
        ("103456,33,20011,Oak,Primary,x@y.z\n", "EstablishmentNumber '20011'"),
    ],
)
def test_a_bad_register_row_loads_nothing(db: None, tmp_path: Path, row: str, message: str) -> None:
    register = tmp_path / "schools.csv"
    register.write_text(HEADER + "103999,330,2002,Ash,Primary,a@b.c\n" + row)
    with pytest.raises(RegisterError, match=message):
        apply(load_register(register))
    assert not School.objects.exists()


def test_a_register_without_its_columns_is_refused(db: None, tmp_path: Path) -> None:
    register = tmp_path / "schools.csv"
    register.write_text("Name,Code\nOak,1\n")
    with pytest.raises(RegisterError, match="no column URN"):
        load_register(register)


@pytest.mark.slow
def test_the_demo_has_schools_in_every_state(db: None, tmp_path: Path) -> None:
    password = load(tmp_path)
    assert load(tmp_path) == password  # a second run loads nothing more
    assert Collection.objects.count() == 4
    assert Guidance.objects.count() == 4 and TeamQuery.objects.filter(from_school=True).count() == 2
    ks2 = Collection.objects.get(kind="KS2")
    moderated = ModeratedSchool.objects.filter(round__collection=ks2)
    assert moderated.count() == 4 and moderated.filter(notified_at__isnull=False).count() == 2
    assert JudgementChange.objects.count() == 2 and Appeal.objects.get().evidence.count() == 1
    ks1 = Collection.objects.get(kind="KS1")
    assert str(ks1.deadline) == "2026-06-26"
    states = {standing(s, ks1, dt.date(2026, 6, 19)).state for s in School.objects.all()}
    assert {State.NOT_STARTED, State.ERRORS, State.READY, State.SUBMITTED} <= states
    assert Confirmation.objects.exists() and Submission.objects.filter(errors__gt=0).exists()
    eyfsp = Collection.objects.get(kind="EYFSP")
    eyfsp_states = {standing(s, eyfsp, dt.date(2026, 6, 19)).state for s in School.objects.all()}
    assert State.LATE in eyfsp_states
    wanted = {c.kind: expected_school_ids(c) for c in Collection.objects.all()}
    infant, junior = School.objects.get(high_age=7), School.objects.get(low_age=7)
    assert infant.pk in wanted["EYFSP"] and infant.pk not in wanted["KS2"]
    assert junior.pk in wanted["KS2"] and junior.pk not in wanted["EYFSP"] | wanted["PHON"]
    out = opted_out_of_ks1()
    assert len(out) == 1 and out[0].pk not in wanted["KS1"]
    schools = School.objects.filter(kind="school")
    assert len(wanted["KS1"]) == schools.count() - 2  # all but the junior and out[0]
    # 30 PVI settings beside the schools, expected for the EYFSP only, with accounts; some sent
    # their template, one with a child outside the funded window
    settings = School.objects.filter(kind="setting")
    assert settings.count() == 30 and all(s.la == "330" for s in settings)
    assert {s.pk for s in settings} <= wanted["EYFSP"] and not {s.pk for s in settings} & (
        wanted["PHON"] | wanted["KS1"] | wanted["KS2"])  # fmt: skip
    assert User.objects.filter(username__in=[s.urn for s in settings]).count() == 30
    sent = Submission.objects.filter(school__kind="setting", collection=eyfsp)
    assert sent.count() == 20 and all(v.original_name.endswith(".xlsx") for v in sent)
    assert FindingRecord.objects.filter(submission__in=sent, code="DOB-RANGE").count() == 1
    assert Confirmation.objects.filter(submission__in=sent).exists()
    head = schools.order_by("laestab").first()
    assert head is not None
    client = Client()
    assert client.login(username=head.urn, password=password)
    assert User.objects.filter(username="data.team", role="la_data").exists()
