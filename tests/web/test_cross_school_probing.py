"""A school learns nothing of another school's pupils from the cross-school check, and an
upload never changes another school's findings or state: the LA sees every match and decides.

The attack (from the security review): a school uploads its own file with extra pupils whose
UPNs (and, here, dates of birth and names too) it knows from other schools' children; or probes
in rounds, or pads its file with made-up pupils.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cross_school_support import (
    current,
    everything_a_school_sees,
    head,
    latest,
    made_up,
    plus,
    pupils_of,
    queried,
    seen,
)
from django.test import Client
from django.utils import timezone
from portal_support import ctf_bytes, run_tasks, upload

from keystage.ctf.model import Pupil
from keystage.web.models import Collection, School, Submission
from keystage.web.submissions.state import State, standing


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
