"""A school learns nothing of another school's pupils from the cross-school check, and an
upload never changes another school's findings or state: the LA sees every match and decides.

The attack (from the security review): a school uploads its own file with extra pupils whose
UPNs (and, here, dates of birth and names too) it knows from other schools' children.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from portal_support import ctf_bytes, ctf_path, run_tasks, signed_in, upload, worker_for_tests

from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.web.models import (
    AuditEvent,
    Collection,
    Confirmation,
    FindingRecord,
    MoveDecision,
    School,
    Submission,
    User,
)
from keystage.web.state import State, standing

CODE = "PUPIL-OTHER-SCHOOL"
Change = Callable[[list[Pupil]], list[Pupil]]


def pupils_of(la_folder: Path, school: School) -> list[Pupil]:
    with read_ctf(ctf_path(la_folder, school)) as reader:
        return list(reader)


def plus(extra: list[Pupil]) -> Change:
    return lambda pupils: [*pupils, *extra]


def head(school: School) -> Client:
    return signed_in(User.objects.get(username=school.urn))


def current(school: School) -> Submission:
    return Submission.objects.get(school=school, is_current=True)


def latest(school: School) -> Submission:
    return Submission.objects.filter(school=school).order_by("-version").first()  # type: ignore[return-value]


def queried(version: Submission) -> list[str]:
    return sorted(version.finding_set.filter(code=CODE).values_list("upn", flat=True))


@dataclasses.dataclass
class Seen:
    """Everything of a school's that another school's upload must leave as it was."""

    findings: list[tuple[str, str, str]]
    counts: tuple[int, int, bool]
    state: State
    page: str


def seen(school: School, collection: Collection) -> Seen:
    version = current(school)
    version.refresh_from_db()
    page = head(school).get(f"/collections/{collection.pk}/").content.decode()
    return Seen(
        sorted(version.finding_set.values_list("code", "upn", "message")),
        (version.errors, version.queries, version.is_current),
        standing(school, collection, timezone.localdate()).state,
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page[page.index("<main") :]),
    )


def everything_a_school_sees(client: Client, version: Submission, collection: Collection) -> str:
    """Home, the collection page, the version's page and its findings CSV, together."""
    pages = [
        "/",
        f"/collections/{collection.pk}/",
        f"/files/{version.pk}/",
        f"/files/{version.pk}/findings.csv",
    ]
    return "\n".join(client.get(url).content.decode() for url in pages)


def sign(school: School, collection: Collection) -> None:
    version = current(school)
    user = User.objects.get(username=school.urn)
    Confirmation.objects.create(
        submission=version, signed_by=user, signer_name="Head", signer_role="Head teacher",
        responsible="Year 2 teachers", moderation_done=True, outcomes_agreed=True,
        signed_at=timezone.now(),
    )  # fmt: skip
    assert standing(school, collection, timezone.localdate()).state == State.SUBMITTED


@pytest.fixture
def two_schools_in(
    school_a: School, school_b: School, ks1: Collection, la_folder: Path
) -> tuple[School, School]:
    """A has signed (Submitted); B is Ready to confirm."""
    for school in (school_a, school_b):
        upload(head(school), ks1, ctf_bytes(la_folder, school))
        run_tasks()
    sign(school_a, ks1)
    assert standing(school_b, ks1, timezone.localdate()).state == State.READY
    return school_a, school_b


def test_the_attack_with_names_and_dates_of_birth_learns_no_school_and_changes_nothing(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path, la_client: Client,
) -> None:  # fmt: skip
    a, b = two_schools_in
    attacker = schools[2]
    before = {s.pk: seen(s, ks1) for s in (a, b)}
    # Their real children, exactly as their schools' files give them: UPN, names, birth dates.
    theirs = pupils_of(la_folder, a)[:10] + pupils_of(la_folder, b)[:10]
    upload(head(attacker), ks1, ctf_bytes(la_folder, attacker, change=plus(theirs)))
    run_tasks()

    sent = latest(attacker)
    assert sent.status == Submission.Status.HELD and not sent.is_current
    assert queried(sent) == []
    told = everything_a_school_sees(head(attacker), sent, ks1)
    for other in (a, b):
        assert other.name not in told and other.laestab not in told and other.urn not in told
    assert "another school" not in told.casefold()
    assert "20 of" not in told and "of 45" not in told  # not even how many matched
    assert {s.pk: seen(s, ks1) for s in (a, b)} == before
    assert standing(attacker, ks1, timezone.localdate()).state == State.HELD

    # The LA sees the held file, with how many of its pupils are in other schools' returns.
    moves = la_client.get(f"/la/collections/{ks1.pk}/moves/").content.decode()
    assert "Files held for you to look at" in moves and "20 of 45 pupils" in moves


def test_a_few_made_up_pupils_raise_a_query_that_names_no_school(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path,
) -> None:  # fmt: skip
    a, b = two_schools_in
    attacker = schools[2]
    before = {s.pk: seen(s, ks1) for s in (a, b)}
    theirs = pupils_of(la_folder, a)[:2] + pupils_of(la_folder, b)[:1]  # 3: not held
    upload(head(attacker), ks1, ctf_bytes(la_folder, attacker, change=plus(theirs)))
    run_tasks()

    sent = current(attacker)
    assert queried(sent) == sorted(p.upn for p in theirs if p.upn)
    told = everything_a_school_sees(head(attacker), sent, ks1)
    assert "is also in another school&#x27;s return; the LA will settle it" in told
    for other in (a, b):
        at = told.find(other.name)
        assert at < 0, told[at - 300 : at + 100]
    assert {s.pk: seen(s, ks1) for s in (a, b)} == before


def test_a_upn_alone_is_not_told_to_the_school_but_the_la_sees_it(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path, la_client: Client,
) -> None:  # fmt: skip
    a, _ = two_schools_in
    attacker = schools[2]
    child = pupils_of(la_folder, a)[0]
    assert child.upn is not None

    def made_up(pupils: list[Pupil]) -> list[Pupil]:  # a real UPN on another child
        return [dataclasses.replace(pupils[0], upn=child.upn), *pupils[1:]]

    upload(head(attacker), ks1, ctf_bytes(la_folder, attacker, change=made_up))
    run_tasks()
    sent = current(attacker)
    assert queried(sent) == [] and sent.queries == 0
    page = la_client.get(f"/la/collections/{ks1.pk}/moves/").content.decode()
    assert child.upn in page and "UPN only" in page and "Names differ" in page
    detail = la_client.get(f"/la/collections/{ks1.pk}/moves/{child.upn}/").content.decode()
    assert "the dates of birth differ" in detail


def moved(la_folder: Path, source: School, to: School) -> Change:
    """`to`'s file also has `source`'s first pupil, exactly as `source`'s file gives them: a
    genuine move, the same child in both files."""
    child = pupils_of(la_folder, source)[0]
    return plus([child])


def test_a_genuine_move_queries_the_later_school_only_and_the_decision_reaches_both(
    two_schools_in: tuple[School, School], ks1: Collection, la_folder: Path,
    la_client: Client, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    a, b = two_schools_in
    child = pupils_of(la_folder, a)[0]
    upload(head(b), ks1, ctf_bytes(la_folder, b, change=moved(la_folder, a, b)))
    run_tasks()
    assert queried(current(b)) == [child.upn]
    assert queried(current(a)) == []
    assert standing(a, ks1, timezone.localdate()).state == State.SUBMITTED
    assert standing(b, ks1, timezone.localdate()).state == State.QUERIES
    page = la_client.get(f"/la/collections/{ks1.pk}/moves/").content.decode()
    assert child.upn in page and "UPN and date of birth" in page and "Names differ" not in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        la_client.post(f"/la/collections/{ks1.pk}/moves/{child.upn}/", {"school": a.pk})
    decision = MoveDecision.objects.get(upn=child.upn)
    assert decision.school == a
    # The later school's query is closed by the decision: nothing left to answer.
    assert standing(b, ks1, timezone.localdate()).state == State.READY
    assert standing(a, ks1, timezone.localdate()).state == State.SUBMITTED
    # Both schools are told by email, each of its own record only.
    to = {tuple(m.to): m for m in mail.outbox}
    for school, words in ((a, "your school reports"), (b, "another school reports")):
        message = next(m for t, m in to.items() if school.main_email in t)
        assert words in message.body and child.upn in message.body
        other = b if school == a else a
        assert other.name not in message.body and other.main_email not in message.to
    for school, words in ((a, "your school reports"), (b, "another school reports")):
        page = head(school).get(f"/collections/{ks1.pk}/").content.decode()
        assert words in page
        assert (b if school == a else a).name not in page


def run_check_of(version: Submission) -> None:
    """Runs the queued check of one version, whatever else is queued."""
    queued = DBTaskResult.objects.ready().get(args_kwargs__args=[version.pk])
    queued.claim("tests")
    worker_for_tests().run_task(queued)


def test_the_later_received_version_has_the_query_whichever_is_checked_first(
    head_a: Client, head_b: Client, school_a: School, school_b: School, ks1: Collection,
    la_folder: Path,
) -> None:  # fmt: skip
    child = pupils_of(la_folder, school_a)[0]
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    upload(head_b, ks1, ctf_bytes(la_folder, school_b, change=moved(la_folder, school_a, school_b)))
    first, later = latest(school_a), latest(school_b)
    run_check_of(later)  # two workers: the later-received file is checked first
    assert queried(current(school_b)) == []
    run_check_of(first)
    assert queried(current(school_a)) == []
    assert queried(current(school_b)) == [child.upn]
    assert (
        current(school_b).queries
        == FindingRecord.objects.filter(submission=current(school_b), severity="query").count()
    )


def test_a_signed_return_is_never_reopened_by_another_schools_upload(
    head_a: Client, head_b: Client, school_a: School, school_b: School, ks1: Collection,
    la_folder: Path, la_client: Client,
) -> None:  # fmt: skip
    child = pupils_of(la_folder, school_a)[0]
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    upload(head_b, ks1, ctf_bytes(la_folder, school_b, change=moved(la_folder, school_a, school_b)))
    first, later = latest(school_a), latest(school_b)
    run_check_of(later)
    sign(school_b, ks1)
    run_check_of(first)  # a retry, long after: B has signed meanwhile
    assert queried(current(school_b)) == [] and queried(current(school_a)) == []
    assert standing(school_b, ks1, timezone.localdate()).state == State.SUBMITTED
    page = la_client.get(f"/la/collections/{ks1.pk}/moves/").content.decode()
    assert child.upn in page  # the LA still sees it


def test_the_la_lets_a_held_file_through_or_refuses_it_and_the_school_is_told(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path, la_client: Client, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    a, b = two_schools_in
    sender = schools[2]
    theirs = pupils_of(la_folder, a)[:5]
    upload(head(sender), ks1, ctf_bytes(la_folder, sender, change=plus(theirs)))
    run_tasks()
    held = latest(sender)
    assert held.status == Submission.Status.HELD
    page = la_client.get(f"/la/collections/{ks1.pk}/schools/{sender.pk}/").content.decode()
    assert "5 of its 30 pupils are in other schools" in page
    for child in theirs:  # side by side with the other school's record, for the LA only
        assert f"{child.upn}, born" in page and f"{a.name} ({a.laestab})" in page

    mail.outbox.clear()
    url = f"/la/collections/{ks1.pk}/schools/{sender.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        la_client.post(url + "release/", {"version": held.version})
    run_tasks()
    held.refresh_from_db()
    assert held.status == Submission.Status.CHECKED and held.is_current
    assert queried(held) == sorted(p.upn for p in theirs if p.upn)  # later than A's
    assert queried(current(a)) == []
    assert [m.subject for m in mail.outbox] == [f"Your {ks1.short_name} file has been checked"]
    assert AuditEvent.objects.filter(action="hold", detail__outcome="let through").exists()

    upload(head(sender), ks1, ctf_bytes(la_folder, sender, change=plus(pupils_of(la_folder, b))))
    run_tasks()
    again = latest(sender)
    assert again.status == Submission.Status.HELD
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        la_client.post(url + "refuse/", {"version": again.version, "reason": "Not your pupils."})
    again.refresh_from_db()
    assert again.status == Submission.Status.REFUSED and not again.is_current
    assert current(sender) == held  # the version it let through stays current
    (told,) = mail.outbox
    assert "did not accept" in told.subject and "Not your pupils." in told.body
    assert b.name not in told.body
    page = head(sender).get(f"/files/{again.pk}/").content.decode()
    assert "The data team did not accept this file. Not your pupils." in page


def test_a_school_cannot_release_or_refuse(
    two_schools_in: tuple[School, School], ks1: Collection
) -> None:
    a, _ = two_schools_in
    for action in ("release", "refuse"):
        url = f"/la/collections/{ks1.pk}/schools/{a.pk}/{action}/"
        assert head(a).post(url, {"version": 1}).status_code == 404
