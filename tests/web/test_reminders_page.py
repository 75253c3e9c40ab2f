"""The data team's reminders page: what was sent and when the next ones go, and the switch
that turns a collection's reminders off and on (the data team's alone)."""

from __future__ import annotations

from django.test import Client
from reminders_support import D, at, chase

from keystage.web.models import AuditEvent, Collection, School, User


def test_the_reminders_page_lists_what_was_sent(
    three_schools: list[School], ks1_2026: Collection, la_client: Client
) -> None:
    chase(D(2026, 6, 19))
    with at(D(2026, 6, 19), 9):
        page = la_client.get(f"/la/collections/{ks1_2026.pk}/reminders/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 reminders sent" in text and three_schools[2].name in text
    assert "7 days before the deadline" in text and "Fri 19 Jun 2026" in text
    assert "Each working day from Monday 29 June 2026 to Friday 17 July 2026" in text
    assert three_schools[0].name not in text.split('id="sent"')[1]  # A submitted: not chased


def test_the_data_team_switches_reminders_off_and_on(
    ks1_2026: Collection, la_client: Client, officer: User
) -> None:
    url = f"/la/collections/{ks1_2026.pk}/reminders/"
    response = la_client.post(url, {"reminders": "off"})
    assert response.status_code == 302
    ks1_2026.refresh_from_db()
    assert ks1_2026.reminders_on is False
    event = AuditEvent.objects.get(action="reminders")
    assert event.actor == officer.username and event.collection == "KS1 2025-26"
    assert event.detail == {"reminders_on": False}
    assert "Reminders are off for KS1 2026." in la_client.get(url).content.decode()
    la_client.post(url, {"reminders": "off"})  # pressed twice: no second record
    assert AuditEvent.objects.filter(action="reminders").count() == 1
    la_client.post(url, {"reminders": "on"})
    ks1_2026.refresh_from_db()
    assert ks1_2026.reminders_on is True
    assert la_client.post(url, {"reminders": "maybe"}).status_code == 200


def test_school_users_cannot_see_reminders(ks1_2026: Collection, head_a: Client) -> None:
    url = f"/la/collections/{ks1_2026.pk}/reminders/"
    assert head_a.get(url).status_code == 404
    assert head_a.post(url, {"reminders": "off"}).status_code == 404
    ks1_2026.refresh_from_db()
    assert ks1_2026.reminders_on is True
