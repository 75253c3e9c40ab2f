"""A file with many pupils from other schools' returns is held for the LA, who looks at it side
by side with the other schools' records and lets it through or refuses it; the school is told
which, and a file let through counts as received when it was let through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cross_school_support import current, head, latest, plus, pupils_of, queried
from django.core import mail
from django.test import Client
from portal_support import ctf_bytes, run_tasks, upload

from keystage.web.models import AuditEvent, Collection, School, Submission


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
