"""The reminder tests' world, in frozen time around KS1 2026 (opens Mon 1 June, deadline Fri
26 June, closes Fri 17 July): school A has submitted, B has a query to answer, C has not
started; and the day's run of reminders at 07:00."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from portal_builders import head_of, make_confirmation, make_window
from portal_support import ctf_bytes, run_tasks, signed_in, upload, with_old_pupil

from keystage.web.models import Collection, School, Submission
from keystage.web.reminders import daily
from keystage.web.reminders.sending import send_reminders
from keystage.web.submissions.state import State, standings_for

D = dt.date


def at(day: dt.date, hour: int = 10, minute: int = 0) -> time_machine.travel:
    """A London wall-clock time on `day`."""
    when = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=daily.LONDON)
    return time_machine.travel(when, tick=False)


def chase(day: dt.date) -> list[tuple[str, str]]:
    """Runs the day's reminders at 07:00 and lists (school, reason) sent, by school."""
    with at(day, 7):
        chased = send_reminders(day)
    return sorted((r.school.laestab, r.reason) for r in chased.sent)


@pytest.fixture
def ks1_2026(db: None) -> Collection:
    return make_window("KS1", opens=D(2026, 6, 1), deadline=D(2026, 6, 26),
                       closes=D(2026, 7, 17))  # fmt: skip


@pytest.fixture
def three_schools(ks1_2026: Collection, schools: list[School], la_folder: Path) -> list[School]:
    """A: submitted; B: a file with an unanswered query; C: not started."""
    a, b, _ = schools
    with at(D(2026, 6, 10)):
        upload(signed_in(head_of(a)), ks1_2026, ctf_bytes(la_folder, a))
        upload(signed_in(head_of(b)), ks1_2026, ctf_bytes(la_folder, b, change=with_old_pupil))
        run_tasks()
        version = Submission.objects.get(school=a, collection=ks1_2026, is_current=True)
        make_confirmation(version, signer_name="A Head", responsible="A Head")
        states = standings_for(ks1_2026, schools, timezone.localdate())
    assert [states[s.pk].state for s in schools] == [
        State.SUBMITTED,
        State.QUERIES,
        State.NOT_STARTED,
    ]
    mail.outbox.clear()
    return schools
