"""Pupils moving schools: the data team's list, the records side by side, the decision, and
what follows from it (records left out, both schools told)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from portal_support import ctf_bytes, run_tasks, signed_in, upload
from signing import sign

from keystage.ctf.model import Pupil, SchoolHistoryEntry
from keystage.web.models import (
    AuditEvent,
    Collection,
    MoveDecision,
    PupilRecord,
    School,
    User,
)
from keystage.web.submissions.locks import lock
from keystage.web.submissions.told import current_records, outcomes_for_school
from keystage.web.workspace.shared_pupils import excluded_records, shared_upns, without_excluded


@dataclasses.dataclass
class Shared:
    upn: str
    a: PupilRecord  # school A's record of the pupil
    b: PupilRecord  # school B's


def moved_to_b(school_b: School, taken: Pupil) -> Callable[[list[Pupil]], list[Pupil]]:
    """School B's first pupil becomes A's pupil `taken` (the same child: UPN, names, date of
    birth), who left A on 9 May and joined B on 10 May, as B's MIS would record it."""

    def change(pupils: list[Pupil]) -> list[Pupil]:
        own = taken.school_history[-1]
        history = (
            dataclasses.replace(own, leaving_date="2026-05-09"),
            SchoolHistoryEntry(la=school_b.la, estab=school_b.estab, name=school_b.name,
                               entry_date="2026-05-10"),
        )  # fmt: skip
        first = dataclasses.replace(taken, school_history=history)
        return [first, *pupils[1:]]

    return change


@pytest.fixture
def shared(
    head_a: Client, school_a: School, school_b: School, ks1: Collection, la_folder: Path
) -> Shared:
    """A's file as it is; B's file with its first pupil replaced by one of A's pupils."""
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    taken_record = PupilRecord.objects.filter(submission__school=school_a).order_by("upn").first()
    assert taken_record is not None
    upn = taken_record.upn
    taken = _pupil_from(la_folder, school_a, upn)
    head_b = signed_in(User.objects.get(username=school_b.urn))
    upload(head_b, ks1, ctf_bytes(la_folder, school_b, change=moved_to_b(school_b, taken)))
    run_tasks()
    a = current_records(ks1).get(submission__school=school_a, upn=upn)
    b = current_records(ks1).get(submission__school=school_b, upn=upn)
    return Shared(upn, a, b)


def _pupil_from(la_folder: Path, school: School, upn: str) -> Pupil:
    found: list[Pupil] = []

    def keep(pupils: list[Pupil]) -> list[Pupil]:
        found.extend(p for p in pupils if p.upn == upn)
        return pupils

    ctf_bytes(la_folder, school, change=keep)
    return found[0]


def test_shared_upns_is_one_aggregate_query(
    shared: Shared, ks1: Collection, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        rows = list(shared_upns(ks1))
    assert rows == [{"upn": shared.upn, "schools": 2}]


def test_the_list_shows_the_upn_with_both_schools_and_the_suggestion(
    shared: Shared, la_client: Client, ks1: Collection, school_a: School, school_b: School
) -> None:
    page = la_client.get(f"/la/collections/{ks1.pk}/moves/")
    assert page.status_code == 200
    html = page.content.decode()
    assert shared.upn in html
    assert school_a.name in html and school_b.name in html
    assert f"/la/collections/{ks1.pk}/moves/{shared.upn}/" in html
    assert "1 pupil, 0 decided" in html
    assert "Not decided" in html


def test_the_list_says_when_no_pupil_is_shared(
    la_client: Client, ks1: Collection, head_a: Client, la_folder: Path, school_a: School
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    page = la_client.get(f"/la/collections/{ks1.pk}/moves/")
    assert "No pupil is in more than one school\u2019s current file" in page.content.decode()


def test_the_records_side_by_side_with_the_suggestion(
    shared: Shared, la_client: Client, ks1: Collection, school_a: School, school_b: School
) -> None:
    page = la_client.get(f"/la/collections/{ks1.pk}/moves/{shared.upn}/")
    assert page.status_code == 200
    html = page.content.decode()
    for record in (shared.a, shared.b):
        assert record.surname.upper() in html and record.forename in html
    assert f"{school_a.name} ({school_a.laestab})" in html
    assert f"{school_b.name} ({school_b.laestab})" in html
    assert "KS1 ENG READ (TA)" in html
    assert "10 May 2026" in html  # B's entry date
    # A's own file has no leaving date; B's file says A's pupil left on 9 May
    assert f"9 May 2026 (from the file of {school_b.name})" in html
    assert (
        f"{school_b.name} should report this pupil: registered for 22 days at {school_b.name} "
        f"and 9 days at {school_a.name} in May 2026."
    ) in html
    assert "the dates of birth differ" not in html  # the same child in both files


def test_a_upn_in_one_school_only_is_not_found(
    shared: Shared, la_client: Client, ks1: Collection
) -> None:
    other = PupilRecord.objects.exclude(upn=shared.upn).first()
    assert other is not None
    assert la_client.get(f"/la/collections/{ks1.pk}/moves/{other.upn}/").status_code == 404


def test_deciding_keeps_who_when_and_an_audit_event(
    shared: Shared, la_client: Client, officer: User, ks1: Collection, school_b: School
) -> None:
    url = f"/la/collections/{ks1.pk}/moves/{shared.upn}/"
    response = la_client.post(url, {"school": school_b.pk, "note": "Moved on 10 May."})
    assert response.status_code == 302
    assert response["Location"] == f"/la/collections/{ks1.pk}/moves/"
    decision = MoveDecision.objects.get(collection=ks1, upn=shared.upn)
    assert decision.school == school_b
    assert decision.suggested is True
    assert decision.note == "Moved on 10 May."
    assert decision.decided_by == officer
    assert decision.decided_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.DECIDE)
    assert event.actor == officer.username
    assert event.school == school_b.laestab
    assert event.detail["upn"] == shared.upn
    assert event.detail["followed_suggestion"] is True
    assert event.ip == "127.0.0.1"
    listing = la_client.get(response["Location"]).content.decode()
    assert "1 pupil, 1 decided" in listing and officer.username in listing
    page = la_client.get(url).content.decode()
    assert "Decided by" in page and officer.username in page and "as suggested" in page


def test_changing_the_decision_updates_it(
    shared: Shared, la_client: Client, ks1: Collection, school_a: School, school_b: School
) -> None:
    url = f"/la/collections/{ks1.pk}/moves/{shared.upn}/"
    la_client.post(url, {"school": school_b.pk})
    la_client.post(
        url, {"school": school_a.pk, "note": "The head of A says the move fell through."}
    )
    decision = MoveDecision.objects.get(collection=ks1, upn=shared.upn)
    assert decision.school == school_a
    assert decision.suggested is False
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DECIDE).count() == 2


def test_a_decision_needs_a_school_that_sent_the_pupil(
    shared: Shared, la_client: Client, ks1: Collection, schools: list[School]
) -> None:
    url = f"/la/collections/{ks1.pk}/moves/{shared.upn}/"
    empty = la_client.post(url, {})
    assert empty.status_code == 400
    assert "Select the school that reports this pupil" in empty.content.decode()
    third = la_client.post(url, {"school": schools[2].pk})
    assert third.status_code == 400
    assert "Select one of the schools that sent this pupil" in third.content.decode()
    assert not MoveDecision.objects.exists()


def test_excluded_records_leave_out_the_other_school(
    shared: Shared, la_client: Client, ks1: Collection, school_a: School, school_b: School
) -> None:
    assert excluded_records(ks1) == set()
    la_client.post(f"/la/collections/{ks1.pk}/moves/{shared.upn}/", {"school": school_b.pk})
    assert excluded_records(ks1) == {(school_a.pk, shared.upn)}
    kept = without_excluded(current_records(ks1), ks1)
    assert not kept.filter(pk=shared.a.pk).exists()
    assert kept.filter(pk=shared.b.pk).exists()
    assert kept.count() == current_records(ks1).count() - 1


def test_both_schools_see_the_outcome(
    shared: Shared, la_client: Client, ks1: Collection, school_a: School, school_b: School,
    schools: list[School],
) -> None:  # fmt: skip
    # Only B, whose file came later, has been told: by a query naming no school.
    assert outcomes_for_school(school_a, ks1) == []
    (for_b,) = outcomes_for_school(school_b, ks1)
    assert for_b.upn == shared.upn and not for_b.decided
    assert for_b.pupil == f"{shared.b.surname.upper()}, {shared.b.forename}"
    assert for_b.text == "Also in another school's return: the LA will settle it"
    assert outcomes_for_school(schools[2], ks1) == []
    la_client.post(f"/la/collections/{ks1.pk}/moves/{shared.upn}/", {"school": school_b.pk})
    (for_a,) = outcomes_for_school(school_a, ks1)
    (for_b,) = outcomes_for_school(school_b, ks1)
    assert for_a.text.startswith("The LA decided that another school reports this pupil")
    assert for_b.text == "The LA decided that your school reports this pupil."
    assert school_b.name not in for_a.text


def test_the_school_partial_renders_the_outcomes(
    shared: Shared, ks1: Collection, school_b: School
) -> None:
    from django.template.loader import render_to_string

    html = render_to_string("portal/_moves.html", {"moves": outcomes_for_school(school_b, ks1)})
    assert "Pupils also in another school\u2019s return" in html
    assert shared.upn in html and "the LA will settle it" in html
    assert render_to_string("portal/_moves.html", {"moves": []}).strip() == ""


def test_the_list_and_decisions_take_a_fixed_number_of_queries(
    shared: Shared, la_client: Client, ks1: Collection, school_a: School,
    django_assert_max_num_queries: object,
) -> None:  # fmt: skip
    from keystage.web.workspace.shared_pupils import moves_for

    with django_assert_max_num_queries(2):  # type: ignore[operator]
        found = moves_for(ks1)
        assert [m.schools for m in found]
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        outcomes_for_school(school_a, ks1)


def test_school_users_get_404(
    shared: Shared, head_a: Client, ks1: Collection, school_a: School
) -> None:
    for url in (
        f"/la/collections/{ks1.pk}/moves/",
        f"/la/collections/{ks1.pk}/moves/{shared.upn}/",
    ):
        assert head_a.get(url).status_code == 404
        assert head_a.post(url, {"school": school_a.pk}).status_code == 404
    assert not MoveDecision.objects.exists()


def test_a_decision_remakes_both_schools_published_reports(
    shared: Shared,
    la_client: Client,
    officer: User,
    ks1: Collection,
    school_a: School,
    school_b: School,
    django_capture_on_commit_callbacks: object,
) -> None:
    from keystage.web.models import Report
    from keystage.web.reports.publish import publish

    sign(school_a, ks1)  # reports go to schools that confirmed (or were locked)
    lock(ks1, school_b, officer)
    publish(ks1, officer)
    run_tasks()
    assert Report.objects.filter(kind="school", version=1).count() == 2
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        la_client.post(f"/la/collections/{ks1.pk}/moves/{shared.upn}/", {"school": school_b.pk})
    run_tasks()
    # A's pupil is now left out of A's figures: A's report is made again; B's data did not change.
    assert Report.objects.filter(school=school_a, kind="school", version=2).exists()
    assert not Report.objects.filter(school=school_b, kind="school", version=2).exists()
