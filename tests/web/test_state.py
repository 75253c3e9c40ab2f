"""A school's state in a collection, through a year's calendar (frozen time)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import time_machine
from django.test import Client
from django.utils import timezone
from portal_builders import make_window
from portal_support import ctf_bytes, run_tasks, signed_in, upload, with_bad_result

from keystage.web.models import Collection, School, User
from keystage.web.submissions.state import State, standing

KS1_DEADLINE = dt.date(2026, 6, 26)  # Friday 26 June 2026


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC), tick=False
    )


def window() -> Collection:
    return make_window("KS1", opens=dt.date(2026, 6, 1), deadline=KS1_DEADLINE,
                       closes=dt.date(2026, 7, 17))  # fmt: skip


def test_not_started_then_late_after_the_deadline(school_a: School) -> None:
    ks1 = window()
    assert standing(school_a, ks1, dt.date(2026, 6, 19)).state == State.NOT_STARTED
    assert standing(school_a, ks1, dt.date(2026, 6, 19)).days_left == 7
    assert standing(school_a, ks1, KS1_DEADLINE).state == State.NOT_STARTED
    late = standing(school_a, ks1, dt.date(2026, 6, 29))
    assert late.state == State.LATE and late.step == State.NOT_STARTED


def test_checking_then_errors(head_a: Client, school_a: School, la_folder: Path) -> None:
    ks1 = window()
    with at(dt.date(2026, 6, 19)):
        upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_bad_result))
        assert standing(school_a, ks1, timezone.localdate()).state == State.CHECKING
        run_tasks()
        assert standing(school_a, ks1, timezone.localdate()).state == State.ERRORS
        page = head_a.get("/").content.decode()
    assert "Errors to fix" in page and "Friday 26 June 2026" in page


def test_a_late_upload_is_accepted_until_the_window_closes(
    head_a: Client, school_a: School, la_folder: Path
) -> None:
    ks1 = window()
    with at(dt.date(2026, 7, 1)):
        response = upload(head_a, ks1, ctf_bytes(la_folder, school_a))
        run_tasks()
        now = standing(school_a, ks1, timezone.localdate())
        page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert response.status_code == 302
    assert now.state == State.LATE and now.step == State.READY
    assert "Late" in page and "Ready to confirm" in page
    with at(dt.date(2026, 7, 18)):
        head = signed_in(User.objects.get(username=school_a.urn))
        assert upload(head, ks1, ctf_bytes(la_folder, school_a)).status_code == 400
