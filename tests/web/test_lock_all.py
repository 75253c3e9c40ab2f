"""Locking a collection asks first: the data team sees every school not Submitted, each left out
unless it unticks it, so no school in the middle of fixing its file is locked by one click; and
what a locked school is told is true."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from portal_support import ctf_bytes, run_tasks, signed_in, upload, with_bad_result
from signing import sign

from keystage.web.models import AuditEvent, Collection, Lock, School, User
from keystage.web.submissions.state import State, standing


def head(school: School) -> Client:
    return signed_in(User.objects.get(username=school.urn))


@pytest.fixture
def three(
    schools: list[School], ks1: Collection, la_folder: Path, django_capture_on_commit_callbacks: Any
) -> tuple[School, School, School]:
    """A has signed; B is fixing an error in its file; C has sent nothing."""
    a, b, c = schools
    upload(head(a), ks1, ctf_bytes(la_folder, a))
    upload(head(b), ks1, ctf_bytes(la_folder, b, change=with_bad_result))
    run_tasks()
    sign(a, ks1, django_capture_on_commit_callbacks)
    return a, b, c


def locked(ks1: Collection) -> set[str | None]:
    """Who is locked: school names, None for the whole collection."""
    held = Lock.objects.filter(collection=ks1, unlocked_at__isnull=True).select_related("school")
    return {lock.school.name if lock.school else None for lock in held}


def lock_page(la_client: Client, ks1: Collection) -> str:
    response = la_client.get(f"/la/collections/{ks1.pk}/lock/")
    assert response.status_code == 200
    return response.content.decode()


def shown_ids(page: str) -> list[str]:
    return re.findall(r'name="shown" value="(\d+)"', page)


def test_the_button_leads_to_a_page_listing_the_schools_not_submitted(
    three: tuple[School, School, School], ks1: Collection, la_client: Client
) -> None:
    a, b, c = three
    progress = la_client.get(f"/la/collections/{ks1.pk}/").content.decode()
    assert (
        f'href="/la/collections/{ks1.pk}/lock/"' in progress and "Lock the collection" in progress
    )
    assert locked(ks1) == set()  # seeing the page locks nothing

    page = lock_page(la_client, ks1)
    table = page[page.index('id="not-submitted"') : page.index("</table>")]
    assert a.name not in table  # submitted: locked, not asked about
    for school, state in ((b, "Errors to fix"), (c, "Not started")):
        row = re.search(rf"{re.escape(school.name)}.*?</tr>", table, re.S)
        assert row is not None and state in row.group(0)
        assert f'name="leave_out" type="checkbox" value="{school.pk}" checked' in row.group(0)
    assert "1 school that has submitted will be locked" in page
    assert "2 schools have not submitted: each is left out unless you untick it" in page
    assert sorted(shown_ids(page)) == sorted([str(b.pk), str(c.pk)])


def test_as_it_comes_only_submitted_schools_are_locked(
    three: tuple[School, School, School], ks1: Collection, la_client: Client
) -> None:
    a, b, c = three
    page = lock_page(la_client, ks1)
    ticked = re.findall(r'name="leave_out" type="checkbox" value="(\d+)" checked', page)
    response = la_client.post(
        f"/la/collections/{ks1.pk}/lock/", {"shown": shown_ids(page), "leave_out": ticked},
        follow=True,
    )  # fmt: skip
    assert locked(ks1) == {a.name}
    said = response.content.decode()
    assert f"{ks1.short_name} is locked for 1 school. 2 schools were left out: not locked." in said
    assert not standing(b, ks1, ks1.opens).locked and not standing(c, ks1, ks1.opens).locked
    assert standing(a, ks1, ks1.opens).locked
    events = AuditEvent.objects.filter(action=AuditEvent.Action.LOCK)
    assert [e.school for e in events] == [a.laestab]


def test_a_post_without_the_page_locks_no_school_that_has_not_submitted(
    three: tuple[School, School, School], ks1: Collection, la_client: Client
) -> None:
    a, _, _ = three
    la_client.post(f"/la/collections/{ks1.pk}/lock/")  # the old one-click form
    assert locked(ks1) == {a.name}


def test_the_officer_chooses_to_lock_a_school_mid_fix_and_it_is_told_the_truth(
    three: tuple[School, School, School], ks1: Collection, la_client: Client
) -> None:
    a, b, c = three
    page = lock_page(la_client, ks1)
    la_client.post(
        f"/la/collections/{ks1.pk}/lock/", {"shown": shown_ids(page), "leave_out": [str(c.pk)]}
    )
    assert locked(ks1) == {a.name, b.name}
    told = head(b).get(f"/collections/{ks1.pk}/").content.decode()
    said = re.search(r'<p class="govuk-body" id="locked">(.*?)</p>', told, re.S)
    assert said is not None
    assert "checked your data" not in said.group(1)
    assert "before you submitted: you cannot send a new file" in said.group(1)
    assert "version 1 of your file as it is" in said.group(1)
    submitted = head(a).get(f"/collections/{ks1.pk}/").content.decode()
    assert "it has checked your data" in submitted


def test_leaving_nobody_out_locks_the_whole_collection(
    three: tuple[School, School, School], ks1: Collection, la_client: Client
) -> None:
    page = lock_page(la_client, ks1)
    response = la_client.post(
        f"/la/collections/{ks1.pk}/lock/", {"shown": shown_ids(page)}, follow=True
    )
    assert locked(ks1) == {None}
    assert f"{ks1.short_name} is locked for every school." in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOCK, what__contains="for every school"
    ).exists()
    # Asking again says so, and unlocking has its own address.
    again = la_client.get(f"/la/collections/{ks1.pk}/lock/", follow=True).content.decode()
    assert "It is already locked." in again
    la_client.post(f"/la/collections/{ks1.pk}/unlock/", {"reason": "A school found a mistake"})
    assert locked(ks1) == set()


def test_a_school_that_stops_being_submitted_after_the_page_is_left_out(
    three: tuple[School, School, School], ks1: Collection, la_client: Client, la_folder: Path
) -> None:
    a, b, c = three
    page = lock_page(la_client, ks1)  # A is Submitted: not listed, to be locked
    upload(head(a), ks1, ctf_bytes(la_folder, a, change=with_bad_result))
    run_tasks()
    assert standing(a, ks1, ks1.opens).step == State.ERRORS
    la_client.post(f"/la/collections/{ks1.pk}/lock/", {"shown": shown_ids(page)})
    assert locked(ks1) == {b.name, c.name}  # the two unticked; A, no longer Submitted, not


def test_a_school_cannot_reach_the_lock_pages(
    three: tuple[School, School, School], ks1: Collection
) -> None:
    a, _, _ = three
    for url in (f"/la/collections/{ks1.pk}/lock/", f"/la/collections/{ks1.pk}/unlock/"):
        assert head(a).get(url).status_code == 404
        assert head(a).post(url).status_code == 404
    assert locked(ks1) == set()
