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
    Answer,
    AuditEvent,
    Collection,
    Confirmation,
    FindingRecord,
    MoveDecision,
    School,
    Submission,
    User,
)
from keystage.web.submissions.state import State, standing
from keystage.web.workspace.shared_pupils import excluded_records

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
    assert "another school" not in told.casefold() and "other schools" not in told.casefold()
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
    looked = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, detail__page="la_school")
    assert looked.latest("at").detail["pupils"] >= len(theirs)  # the held page is audited

    mail.outbox.clear()
    url = f"/la/collections/{ks1.pk}/schools/{sender.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        la_client.post(url + "release/", {"version": held.version})
    run_tasks()
    held.refresh_from_db()
    assert held.status == Submission.Status.CHECKED and held.is_current
    assert queried(held) == sorted(p.upn for p in theirs if p.upn)  # later than A's
    assert queried(current(a)) == []
    assert [m.subject for m in mail.outbox] == [f"Your {ks1.short_name} file is being checked"]
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


def made_up(like: Pupil, count: int) -> list[Pupil]:
    """Pupils with valid UPNs nobody has (an LAESTAB no school of the LA uses), otherwise
    like `like`: the same results, so they pass every other check."""
    from keystage.ctf import upn as upns

    return [
        dataclasses.replace(like, upn=upns.make("330", "9999", 19, 700 + n), surname=f"Made{n}")
        for n in range(count)
    ]


def test_being_held_tells_nothing_of_upns_alone(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path,
) -> None:  # fmt: skip
    """Real UPNs with the wrong dates of birth are not held and raise nothing: the school sees
    exactly what it sees for made-up UPNs (a hold on UPNs alone would be a yes/no oracle)."""
    a, _ = two_schools_in
    prober = schools[2]
    real = [dataclasses.replace(p, dob="2019-01-01") for p in pupils_of(la_folder, a)[:8]]
    upload(head(prober), ks1, ctf_bytes(la_folder, prober, change=plus(real)))
    run_tasks()
    with_real = latest(prober)
    fake = made_up(pupils_of(la_folder, prober)[0], 8)
    upload(head(prober), ks1, ctf_bytes(la_folder, prober, change=plus(fake)))
    run_tasks()
    with_made_up = latest(prober)

    def told(version: Submission) -> tuple[str, set[str]]:
        codes = set(version.finding_set.values_list("code", flat=True))
        return version.status, codes - {"VERSION-PUPILS-DROPPED"}  # the second drops the first's

    assert told(with_real) == told(with_made_up) == (Submission.Status.CHECKED, set())


def test_padding_a_file_with_made_up_pupils_does_not_lift_the_hold(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path,
) -> None:  # fmt: skip
    a, b = two_schools_in
    attacker = schools[2]
    theirs = pupils_of(la_folder, a)[:15] + pupils_of(la_folder, b)[:15]  # 30 real children
    padded = plus([*theirs, *made_up(pupils_of(la_folder, attacker)[0], 300)])  # 30 of 355
    upload(head(attacker), ks1, ctf_bytes(la_folder, attacker, change=padded))
    run_tasks()
    sent = latest(attacker)
    assert sent.status == Submission.Status.HELD and queried(sent) == [] and not sent.is_current


def test_probing_in_rounds_is_held_and_leaves_a_trail_for_the_la(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path, la_client: Client,
) -> None:  # fmt: skip
    a, _ = two_schools_in
    attacker = schools[2]
    children = pupils_of(la_folder, a)
    upload(head(attacker), ks1, ctf_bytes(la_folder, attacker, change=plus(children[:3])))
    run_tasks()
    assert len(queried(current(attacker))) == 3  # three: not more than max(3, 10%)
    upload(head(attacker), ks1, ctf_bytes(la_folder, attacker, change=plus(children[3:6])))
    run_tasks()
    assert latest(attacker).status == Submission.Status.HELD  # six asked about, over two files
    upload(head(attacker), ks1, ctf_bytes(la_folder, attacker))  # a clean file again
    run_tasks()
    assert latest(attacker).status == Submission.Status.HELD  # until the LA has looked
    page = la_client.get(f"/la/collections/{ks1.pk}/moves/").content.decode()
    trail = page.split('id="askers"')[1]
    row = trail.split(attacker.name)[1].split("</tr>")[0]
    assert ">6<" in row  # every child its files asked about, though none is current now
    school_page = la_client.get(f"/la/collections/{ks1.pk}/schools/{attacker.pk}/")
    assert all(c.upn in school_page.content.decode() for c in children[:6])


def test_a_decision_is_only_for_the_schools_it_was_made_for(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path, la_client: Client, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    a, b = two_schools_in
    child = pupils_of(la_folder, a)[0]
    upload(head(b), ks1, ctf_bytes(la_folder, b, change=plus([child])))
    run_tasks()
    la_client.post(f"/la/collections/{ks1.pk}/moves/{child.upn}/", {"school": a.pk})
    # A third school sends the same UPN, with its own child's name and date of birth.
    third = schools[2]
    own = dataclasses.replace(pupils_of(la_folder, third)[0], upn=child.upn)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        upload(head(third), ks1, ctf_bytes(la_folder, third, change=lambda p: [own, *p[1:]]))
        run_tasks()
    assert mail.outbox == [] or all(third.main_email not in m.to for m in mail.outbox)
    page = head(third).get(f"/collections/{ks1.pk}/").content.decode()
    assert "The LA decided" not in page and "another school" not in page
    assert (third.pk, child.upn) not in excluded_records(ks1)  # its own child still counts
    assert (b.pk, child.upn) in excluded_records(ks1)


def test_different_children_are_settled_without_telling_schools_not_asked(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path, la_client: Client, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    a, _ = two_schools_in
    third = schools[2]
    child = pupils_of(la_folder, a)[0]
    own = dataclasses.replace(pupils_of(la_folder, third)[0], upn=child.upn)  # a mistyped UPN
    upload(head(third), ks1, ctf_bytes(la_folder, third, change=lambda p: [own, *p[1:]]))
    run_tasks()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        la_client.post(f"/la/collections/{ks1.pk}/moves/{child.upn}/", {"school": "different"})
    decision = MoveDecision.objects.get(upn=child.upn)
    assert decision.school is None and set(decision.parties.all()) == {a, third}
    assert mail.outbox == []  # neither school was ever told of this UPN
    assert excluded_records(ks1) == set()


def test_the_school_that_sent_a_pupil_first_keeps_its_place_when_it_sends_again(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path, la_client: Client,
) -> None:  # fmt: skip
    a, b = two_schools_in
    stranger = schools[2]
    child = pupils_of(la_folder, b)[0]
    upload(head(stranger), ks1, ctf_bytes(la_folder, stranger, change=plus([child])))
    run_tasks()
    assert queried(current(stranger)) == [child.upn]
    upload(head(b), ks1, ctf_bytes(la_folder, b))  # B sends its own file again, unchanged
    run_tasks()
    assert queried(current(b)) == []  # B sent the pupil first: the stranger's file asks, not B
    assert standing(b, ks1, timezone.localdate()).state == State.READY

    # The stranger drops the pupil; a query B never had is not left behind, and a query with
    # nothing left to settle is shown to the LA to close.
    upload(head(a), ks1, ctf_bytes(la_folder, a, change=plus([child])))
    run_tasks()
    assert queried(current(a)) == [child.upn]
    upload(head(b), ks1, ctf_bytes(la_folder, b, change=lambda p: p[1:]))
    upload(head(stranger), ks1, ctf_bytes(la_folder, stranger))
    run_tasks()
    page = la_client.get(f"/la/collections/{ks1.pk}/moves/").content.decode()
    assert 'id="stale"' in page and child.upn in page.split('id="stale"')[1]
    url = f"/la/collections/{ks1.pk}/moves/{child.upn}/close/{a.pk}/"
    assert head(a).post(url).status_code == 404  # the data team's to close
    la_client.post(url)
    assert (
        standing(a, ks1, timezone.localdate()).state == State.SUBMITTED
        or not queried(current(a))
        or Answer.objects.filter(school=a, upn=child.upn).exists()
    )
    assert Answer.objects.get(school=a, upn=child.upn).text.startswith("The other school")


def test_a_released_file_counts_as_received_when_it_is_let_through(
    two_schools_in: tuple[School, School], schools: list[School], ks1: Collection,
    la_folder: Path, la_client: Client,
) -> None:  # fmt: skip
    a, b = two_schools_in
    sender, other = schools[2], b
    children = pupils_of(la_folder, a)[:5]
    upload(head(sender), ks1, ctf_bytes(la_folder, sender, change=plus(children)))
    run_tasks()
    held = latest(sender)
    assert held.status == Submission.Status.HELD
    # While it waits, B sends one of those children too (received after the held file).
    upload(head(other), ks1, ctf_bytes(la_folder, other, change=plus(children[:1])))
    run_tasks()
    assert queried(current(other)) == [children[0].upn]  # A sent it first
    la_client.post(f"/la/collections/{ks1.pk}/schools/{sender.pk}/release/",
                   {"version": held.version})  # fmt: skip
    run_tasks()
    held.refresh_from_db()
    assert held.released_at is not None and held.is_current
    assert children[0].upn in queried(held)  # received at release: after B's file
    assert queried(current(other)) == [children[0].upn]  # B's own query only, nothing added


def test_a_query_is_never_put_on_a_version_signed_meanwhile(
    head_a: Client, head_b: Client, school_a: School, school_b: School, ks1: Collection,
    la_folder: Path,
) -> None:  # fmt: skip
    from keystage.web.submissions import cross_school

    child = pupils_of(la_folder, school_a)[0]
    upload(head_b, ks1, ctf_bytes(la_folder, school_b, change=plus([child])))
    run_tasks()
    theirs = current(school_b)
    sign(school_b, ks1)  # signed after a store read it as unsigned
    cross_school.put_owed([(theirs.pk, child.upn or "")])
    assert queried(current(school_b)) == []
