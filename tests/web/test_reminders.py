"""Reminders in frozen time around KS1 2026 (opens Mon 1 June, deadline Fri 26 June, closes
Fri 17 July): which school gets which email on which day, never twice, what it says, and who is
never chased."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from portal_builders import head_of, make_head, make_query, make_school, make_window
from pytest_django.fixtures import Settings
from reminders_support import D, at, chase

import keystage.web.common.mail as portal_mail
from keystage.web.models import Collection, Reminder, School, User
from keystage.web.reminders.sending import send_reminders
from keystage.web.schools import expected
from keystage.web.submissions.locks import lock


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


def test_reminders_off_sends_nothing(three_schools: list[School], ks1_2026: Collection) -> None:
    Collection.objects.filter(pk=ks1_2026.pk).update(reminders_on=False)
    assert chase(D(2026, 6, 19)) == []
    assert chase(D(2026, 6, 29)) == []
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_nothing_after_the_collection_closes(three_schools: list[School]) -> None:
    for day in (D(2026, 7, 20), D(2026, 7, 21), D(2026, 9, 7)):
        assert chase(day) == []
    assert mail.outbox == []


def test_the_emails_say_what_is_due_by_when_and_link_to_the_page(
    three_schools: list[School], ks1_2026: Collection, settings: Settings
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
    assert f"https://keystage.example.gov.uk/collections/{ks1_2026.pk}/" in to_c.body
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
    three_schools: list[School], ks1_2026: Collection, officer: User
) -> None:
    c = three_schools[2]
    make_query(c, ks1_2026, by=officer, subject="Where is your file?")
    assert (c.laestab, "queries") in chase(D(2026, 6, 22))
    body = next(m for m in mail.outbox if c.main_email.lower() in m.to).body
    assert "1 question from the data team" in body
    mail.outbox.clear()
    chase(D(2026, 6, 29))
    late = next(m for m in mail.outbox if c.main_email.lower() in m.to).body
    assert "The data team also has 1 question waiting for your reply." in late


def test_a_school_without_an_address_is_skipped_and_reported(
    three_schools: list[School], la_client: Client, ks1_2026: Collection
) -> None:
    c = three_schools[2]
    School.objects.filter(pk=c.pk).update(main_email="")
    User.objects.filter(pk=head_of(c).pk).update(email="")
    with at(D(2026, 6, 19), 7):
        chased = send_reminders(D(2026, 6, 19))
    assert [s.laestab for _, s in chased.no_address] == [c.laestab]
    assert chased.summary()["no_address"] == [f"KS1 2026 {c.laestab}"]
    assert not Reminder.objects.filter(school=c).exists()
    page = la_client.get(f"/la/collections/{ks1_2026.pk}/reminders/").content.decode()
    assert "cannot be reminded" in page and c.laestab in page


def test_a_locked_school_is_not_chased(
    three_schools: list[School], ks1_2026: Collection, officer: User
) -> None:
    lock(ks1_2026, three_schools[2], officer)
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
    three_schools: list[School], ks1_2026: Collection, la_client: Client
) -> None:
    c = three_schools[2]
    # The claim of a run that died before its email went out: sent_to is still empty.
    Reminder.objects.create(collection=ks1_2026, school=c, reason="week_before",
                            day=D(2026, 6, 19), sent_to="", sent_at=timezone.now())  # fmt: skip
    assert chase(D(2026, 6, 19)) == [(three_schools[1].laestab, "week_before")]
    page = la_client.get(f"/la/collections/{ks1_2026.pk}/reminders/").content.decode()
    assert "sending was interrupted" in page


def test_only_the_schools_a_collection_expects_are_chased(db: None) -> None:
    """An infant school is not chased for KS2, nor a school that opted out of KS1; an
    expected school that has not sent its file is."""
    dates = {"opens": D(2026, 6, 1), "deadline": D(2026, 6, 26), "closes": D(2026, 7, 17)}
    # KS2 before the NCA Portal (from 2025-26 the STA sends it and no school is chased).
    ks1, ks2 = make_window("KS1", **dates), make_window("KS2", academic_year="2024-25", **dates)
    made = ((1, "Oak Infant", 7), (2, "Ash Primary", 11), (3, "Elm Primary", 11))
    infant, opted_out, opted_in = (
        make_school(
            laestab=f"330900{n}",
            urn=f"19000{n}",
            name=name,
            low_age=4,
            high_age=high,
            main_email=f"office{n}@school.example",
        )
        for n, name, high in made
    )
    with at(D(2026, 5, 1)):  # before KS1 opens: the schools choose
        expected.choose(ks1, opted_out, taking_part=False, by=make_head(opted_out))
        expected.choose(ks1, opted_in, taking_part=True, by=make_head(opted_in))
    for window in (ks1, ks2):
        expected.propose(window)
    with at(D(2026, 6, 19), 7):  # a week before the deadline: nobody has sent anything
        sent = send_reminders(D(2026, 6, 19)).sent
    assert sorted((r.collection.kind, r.school.name) for r in sent) == [
        ("KS1", "Elm Primary"),
        ("KS2", "Ash Primary"),
        ("KS2", "Elm Primary"),
    ]
    assert not Reminder.objects.filter(school=infant).exists()
