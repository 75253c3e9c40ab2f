"""The data team decides which school reports a pupil in two schools' files, or that they are
different children: each school is told of its own record only, and only the schools the
decision was made for."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from cross_school_support import current, head, moved, plus, pupils_of, queried
from django.core import mail
from django.test import Client
from django.utils import timezone
from portal_support import ctf_bytes, run_tasks, upload

from keystage.web.models import Collection, MoveDecision, School
from keystage.web.submissions.state import State, standing
from keystage.web.workspace.shared_pupils import excluded_records


def test_a_genuine_move_queries_the_later_school_only_and_the_decision_reaches_both(
    two_schools_in: tuple[School, School], ks1: Collection, la_folder: Path,
    la_client: Client, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    a, b = two_schools_in
    child = pupils_of(la_folder, a)[0]
    upload(head(b), ks1, ctf_bytes(la_folder, b, change=moved(la_folder, a)))
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
