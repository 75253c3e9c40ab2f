"""Which school's file asks about a pupil in two schools' files: the one received later,
whichever is checked first; never a return already signed, and never the school that sent the
pupil first when it sends again."""

from __future__ import annotations

from pathlib import Path

from cross_school_support import (
    current,
    head,
    latest,
    moved,
    plus,
    pupils_of,
    queried,
    run_check_of,
    sign,
)
from django.test import Client
from django.utils import timezone
from portal_support import ctf_bytes, run_tasks, upload

from keystage.web.models import Answer, Collection, FindingRecord, School
from keystage.web.submissions import cross_school
from keystage.web.submissions.state import State, standing


def test_the_later_received_version_has_the_query_whichever_is_checked_first(
    head_a: Client, head_b: Client, school_a: School, school_b: School, ks1: Collection,
    la_folder: Path,
) -> None:  # fmt: skip
    child = pupils_of(la_folder, school_a)[0]
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    upload(head_b, ks1, ctf_bytes(la_folder, school_b, change=moved(la_folder, school_a)))
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
    upload(head_b, ks1, ctf_bytes(la_folder, school_b, change=moved(la_folder, school_a)))
    first, later = latest(school_a), latest(school_b)
    run_check_of(later)
    sign(school_b, ks1)
    run_check_of(first)  # a retry, long after: B has signed meanwhile
    assert queried(current(school_b)) == [] and queried(current(school_a)) == []
    assert standing(school_b, ks1, timezone.localdate()).state == State.SUBMITTED
    page = la_client.get(f"/la/collections/{ks1.pk}/moves/").content.decode()
    assert child.upn in page  # the LA still sees it


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


def test_a_query_is_never_put_on_a_version_signed_meanwhile(
    head_a: Client, head_b: Client, school_a: School, school_b: School, ks1: Collection,
    la_folder: Path,
) -> None:  # fmt: skip
    child = pupils_of(la_folder, school_a)[0]
    upload(head_b, ks1, ctf_bytes(la_folder, school_b, change=plus([child])))
    run_tasks()
    theirs = current(school_b)
    sign(school_b, ks1)  # signed after a store read it as unsigned
    cross_school.put_owed([(theirs.pk, child.upn or "")])
    assert queried(current(school_b)) == []
