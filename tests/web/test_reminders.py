"""Reminders in frozen time around KS1 2026 (opens Mon 1 June, deadline Fri 26 June, closes
Fri 17 July): which school gets which email on which day, never twice, and the switch."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from portal_support import ctf_bytes, run_tasks, signed_in, upload, with_old_pupil
from pytest_django.fixtures import Settings

import keystage.web.common.mail as portal_mail
from keystage.web.models import (
    AuditEvent,
    Collection,
    Confirmation,
    Reminder,
    School,
    Submission,
    TeamQuery,
    User,
)
from keystage.web.ops import scheduler
from keystage.web.ops.scheduler import run_scheduler_tick, start_scheduler
from keystage.web.reminders import daily
from keystage.web.reminders.daily import schedule_daily
from keystage.web.reminders.sending import send_reminders
from keystage.web.submissions.locks import lock
from keystage.web.submissions.state import State, standings_for

D = dt.date
LONDON = daily.LONDON


def at(day: dt.date, hour: int = 10, minute: int = 0) -> time_machine.travel:
    """A London wall-clock time on `day`."""
    when = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
    return time_machine.travel(when, tick=False)


@pytest.fixture
def window(db: None) -> Collection:
    return Collection.objects.create(
        kind="KS1", academic_year="2025-26", opens=D(2026, 6, 1),
        deadline=D(2026, 6, 26), closes=D(2026, 7, 17),
    )  # fmt: skip


def head_of(school: School) -> User:
    return User.objects.get(username=school.urn)


@pytest.fixture
def three_schools(window: Collection, schools: list[School], la_folder: Path) -> list[School]:
    """A: submitted; B: a file with an unanswered query; C: not started."""
    a, b, _ = schools
    with at(D(2026, 6, 10)):
        upload(signed_in(head_of(a)), window, ctf_bytes(la_folder, a))
        upload(signed_in(head_of(b)), window, ctf_bytes(la_folder, b, change=with_old_pupil))
        run_tasks()
        Confirmation.objects.create(
            submission=Submission.objects.get(school=a, collection=window, is_current=True),
            signed_by=head_of(a), signer_name="A Head", signer_role="Head teacher",
            responsible="A Head", moderation_done=True, outcomes_agreed=True,
            signed_at=timezone.now(),
        )  # fmt: skip
        states = standings_for(window, schools, timezone.localdate())
    assert [states[s.pk].state for s in schools] == [
        State.SUBMITTED,
        State.QUERIES,
        State.NOT_STARTED,
    ]
    mail.outbox.clear()
    return schools


def chase(day: dt.date) -> list[tuple[str, str]]:
    """Runs the day's reminders at 07:00 and lists (school, reason) sent, by school."""
    with at(day, 7):
        chased = send_reminders(day)
    return sorted((r.school.laestab, r.reason) for r in chased.sent)


def test_which_school_gets_which_email_on_which_day(three_schools: list[School]) -> None:
    _, b, c = (s.laestab for s in three_schools)
    expected = {
        D(2026, 5, 29): [],  # not open yet
        D(2026, 6, 15): [(b, "queries")],  # Monday: B's file has a query waiting
        D(2026, 6, 16): [],
        D(2026, 6, 19): [(b, "week_before"), (c, "week_before")],  # Friday, 7 days before
        D(2026, 6, 20): [],  # Saturday
        D(2026, 6, 22): [(b, "queries")],
        D(2026, 6, 25): [(b, "day_before"), (c, "day_before")],
        D(2026, 6, 26): [],  # the deadline
        D(2026, 6, 27): [],  # Saturday
        D(2026, 6, 29): [(b, "overdue"), (c, "overdue")],  # Monday after the deadline
        D(2026, 6, 30): [(b, "overdue"), (c, "overdue")],
        D(2026, 7, 17): [(b, "overdue"), (c, "overdue")],  # the closing date
        D(2026, 7, 20): [],  # closed
    }
    for day, who in expected.items():
        assert chase(day) == who, day
    assert Reminder.objects.count() == 12
    assert len(mail.outbox) == 12
    assert not [m for m in mail.outbox if three_schools[0].main_email.lower() in m.to]


def test_running_twice_the_same_day_sends_nothing_more(three_schools: list[School]) -> None:
    assert len(chase(D(2026, 6, 19))) == 2
    assert chase(D(2026, 6, 19)) == []
    assert len(mail.outbox) == 2 and Reminder.objects.count() == 2


def test_reminders_off_sends_nothing(three_schools: list[School], window: Collection) -> None:
    Collection.objects.filter(pk=window.pk).update(reminders_on=False)
    assert chase(D(2026, 6, 19)) == []
    assert chase(D(2026, 6, 29)) == []
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_nothing_after_the_collection_closes(three_schools: list[School]) -> None:
    for day in (D(2026, 7, 20), D(2026, 7, 21), D(2026, 9, 7)):
        assert chase(day) == []
    assert mail.outbox == []


def test_the_emails_say_what_is_due_by_when_and_link_to_the_page(
    three_schools: list[School], window: Collection, settings: Settings
) -> None:
    settings.KEYSTAGE_BASE_URL = "https://keystage.example.gov.uk"
    _, b, c = three_schools
    c.name = "St Mary's & St John's C of E Infant School"
    c.save()
    head_c = head_of(c)
    head_c.email = "head@c-school.example"
    head_c.save()
    chase(D(2026, 6, 19))
    to_c = next(m for m in mail.outbox if c.main_email.lower() in m.to)
    assert sorted(to_c.to) == sorted([c.main_email.lower(), "head@c-school.example"])
    assert "Friday 26 June 2026" in to_c.subject
    assert f"Dear {c.name}," in to_c.body  # not HTML-escaped
    assert "due in 7 days, by Friday 26 June 2026" in to_c.body
    assert "Where you are now: Not started." in to_c.body
    assert "We have not received a file from you yet" in to_c.body
    assert f"https://keystage.example.gov.uk/collections/{window.pk}/" in to_c.body
    to_b = next(m for m in mail.outbox if b.main_email.lower() in m.to)
    assert "Queries to answer" in to_b.body and "need" in to_b.body

    mail.outbox.clear()
    chase(D(2026, 6, 25))
    assert all(m.subject.endswith("due tomorrow, Friday 26 June 2026") for m in mail.outbox)

    mail.outbox.clear()
    chase(D(2026, 6, 29))
    late = next(m for m in mail.outbox if c.main_email.lower() in m.to)
    assert "the deadline was Friday 26 June 2026" in late.subject
    assert "until Friday 17 July 2026" in late.body

    mail.outbox.clear()
    chase(D(2026, 6, 22))
    (queries,) = mail.outbox
    assert b.main_email.lower() in queries.to and "waiting for an answer" in queries.subject
    assert "from the checks on your file" in queries.body
    assert "The deadline is Friday 26 June 2026." in queries.body


def test_a_data_team_query_gets_a_weekly_reminder(
    three_schools: list[School], window: Collection, officer: User
) -> None:
    c = three_schools[2]
    TeamQuery.objects.create(
        school=c, collection=window, subject="Where is your file?", raised_by=officer,
        raised_at=timezone.now(),
    )  # fmt: skip
    assert (c.laestab, "queries") in chase(D(2026, 6, 22))
    body = next(m for m in mail.outbox if c.main_email.lower() in m.to).body
    assert "1 question from the data team" in body
    mail.outbox.clear()
    chase(D(2026, 6, 29))
    late = next(m for m in mail.outbox if c.main_email.lower() in m.to).body
    assert "The data team also has 1 question waiting for your reply." in late


def test_a_school_without_an_address_is_skipped_and_reported(
    three_schools: list[School], la_client: Client, window: Collection
) -> None:
    c = three_schools[2]
    School.objects.filter(pk=c.pk).update(main_email="")
    User.objects.filter(pk=head_of(c).pk).update(email="")
    with at(D(2026, 6, 19), 7):
        chased = send_reminders(D(2026, 6, 19))
    assert [s.laestab for _, s in chased.no_address] == [c.laestab]
    assert chased.summary()["no_address"] == [f"KS1 2026 {c.laestab}"]
    assert not Reminder.objects.filter(school=c).exists()
    page = la_client.get(f"/la/collections/{window.pk}/reminders/").content.decode()
    assert "cannot be reminded" in page and c.laestab in page


def test_a_locked_school_is_not_chased(
    three_schools: list[School], window: Collection, officer: User
) -> None:
    lock(window, three_schools[2], officer)
    assert chase(D(2026, 6, 19)) == [(three_schools[1].laestab, "week_before")]


def test_a_failed_send_is_not_recorded_and_tried_again(
    three_schools: list[School], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise ConnectionRefusedError("the mail server is down")

    with monkeypatch.context() as patched:
        patched.setattr(portal_mail, "send", refuse)
        with at(D(2026, 6, 19), 7):
            chased = send_reminders(D(2026, 6, 19))
    assert chased.sent == [] and len(chased.failed) == 2
    assert "the mail server is down" in chased.summary()["failed"][0]  # type: ignore[index]
    assert not Reminder.objects.exists()
    assert len(chase(D(2026, 6, 19))) == 2  # a later run the same day sends them


def test_an_interrupted_send_is_never_repeated(
    three_schools: list[School], window: Collection, la_client: Client
) -> None:
    c = three_schools[2]
    # The claim of a run that died before its email went out: sent_to is still empty.
    Reminder.objects.create(collection=window, school=c, reason="week_before",
                            day=D(2026, 6, 19), sent_to="", sent_at=timezone.now())  # fmt: skip
    assert chase(D(2026, 6, 19)) == [(three_schools[1].laestab, "week_before")]
    page = la_client.get(f"/la/collections/{window.pk}/reminders/").content.decode()
    assert "sending was interrupted" in page


def test_the_scheduler_queues_the_task_once_a_day_from_7am(three_schools: list[School]) -> None:
    day = D(2026, 6, 19)
    with at(day, 6, 59):
        assert schedule_daily(timezone.now()) is False
    with at(day, 7, 0):
        assert run_scheduler_tick() is True
    with at(day, 12, 30):
        assert schedule_daily(timezone.now()) is False
        run_tasks()
    assert len(mail.outbox) == 2
    (done,) = DBTaskResult.objects.successful().filter(
        task_path="keystage.web.reminders.daily.send_daily_reminders"
    )
    assert done.return_value == {"day": "2026-06-19", "sent": 2, "no_address": [], "failed": []}
    with at(day, 23, 59):
        assert run_scheduler_tick() is False
    with at(D(2026, 6, 20), 7, 1):  # Saturday: queued, and sends nothing
        assert run_scheduler_tick() is True
        run_tasks()
    assert len(mail.outbox) == 2


def test_the_scheduler_thread_ticks_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    ticked = threading.Event()
    stop = threading.Event()
    monkeypatch.setattr(scheduler, "run_scheduler_tick", ticked.set)
    thread = start_scheduler(interval=0.01, stop=stop)
    assert ticked.wait(5)
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and thread.daemon


def test_the_reminders_page_lists_what_was_sent(
    three_schools: list[School], window: Collection, la_client: Client
) -> None:
    chase(D(2026, 6, 19))
    with at(D(2026, 6, 19), 9):
        page = la_client.get(f"/la/collections/{window.pk}/reminders/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 reminders sent" in text and three_schools[2].name in text
    assert "7 days before the deadline" in text and "Fri 19 Jun 2026" in text
    assert "Each working day from Monday 29 June 2026 to Friday 17 July 2026" in text
    assert three_schools[0].name not in text.split('id="sent"')[1]  # A submitted: not chased


def test_the_data_team_switches_reminders_off_and_on(
    window: Collection, la_client: Client, officer: User
) -> None:
    url = f"/la/collections/{window.pk}/reminders/"
    response = la_client.post(url, {"reminders": "off"})
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.reminders_on is False
    event = AuditEvent.objects.get(action="reminders")
    assert event.actor == officer.username and event.collection == "KS1 2025-26"
    assert event.detail == {"reminders_on": False}
    assert "Reminders are off for KS1 2026." in la_client.get(url).content.decode()
    la_client.post(url, {"reminders": "off"})  # pressed twice: no second record
    assert AuditEvent.objects.filter(action="reminders").count() == 1
    la_client.post(url, {"reminders": "on"})
    window.refresh_from_db()
    assert window.reminders_on is True
    assert la_client.post(url, {"reminders": "maybe"}).status_code == 200


def test_school_users_cannot_see_reminders(window: Collection, head_a: Client) -> None:
    url = f"/la/collections/{window.pk}/reminders/"
    assert head_a.get(url).status_code == 404
    assert head_a.post(url, {"reminders": "off"}).status_code == 404
    window.refresh_from_db()
    assert window.reminders_on is True
