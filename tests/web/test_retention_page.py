"""The LA's retention page: an LA administrator sets how long each collection is kept (after it
closes), which the public privacy page then says; the data team sees the dates, and schools
see nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from portal_builders import make_admin
from portal_support import signed_in

from keystage.web.models import AuditEvent, Collection


@pytest.fixture
def admin_client(db: None) -> Client:
    return signed_in(make_admin("la.admin"))


def test_an_la_administrator_sets_the_date(admin_client: Client, ks1: Collection) -> None:
    page = admin_client.get("/la/retention/").content.decode()
    assert "KS1" in page and f"/la/retention/{ks1.pk}/" in page
    too_soon = admin_client.post(
        f"/la/retention/{ks1.pk}/", {"retain_until": f"{ks1.closes:%d/%m/%Y}"}
    )
    assert too_soon.status_code == 400
    assert "Enter a date after the collection closes" in too_soon.content.decode()
    nonsense = admin_client.post(f"/la/retention/{ks1.pk}/", {"retain_until": "31/2/2033"})
    assert "Enter a real date" in nonsense.content.decode()
    response = admin_client.post(f"/la/retention/{ks1.pk}/", {"retain_until": "31/8/2033"})
    assert response.status_code == 302
    ks1.refresh_from_db()
    assert ks1.retain_until == dt.date(2033, 8, 31)
    event = AuditEvent.objects.get(action=AuditEvent.Action.RETENTION)
    assert event.detail["retain_until"] == "2033-08-31" and event.actor == "la.admin"
    assert "Kept until 31 August 2033" in Client().get("/privacy/").content.decode()
    admin_client.post(f"/la/retention/{ks1.pk}/", {"retain_until": ""})
    ks1.refresh_from_db()
    assert ks1.retain_until is None  # empty: kept


def test_the_data_team_sees_the_dates_but_cannot_change_them(
    la_client: Client, head_a: Client, ks1: Collection
) -> None:
    page = la_client.get("/la/retention/")
    assert page.status_code == 200 and "Only LA administrators" in page.content.decode()
    assert (
        la_client.post(f"/la/retention/{ks1.pk}/", {"retain_until": "31/8/2033"}).status_code == 404
    )
    assert head_a.get("/la/retention/").status_code == 404
    assert head_a.post(f"/la/retention/{ks1.pk}/", {"retain_until": "31/8/2033"}).status_code == 404
    ks1.refresh_from_db()
    assert ks1.retain_until is None
