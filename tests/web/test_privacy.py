"""How your data are used: a public page with the LA's statement (a default until it writes
one), written by LA administrators with a preview, every version kept, never raw HTML."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.test.utils import override_settings
from portal_builders import make_admin, make_staff, make_window
from portal_support import signed_in

from keystage.web.models import AuditEvent, DataSharingStatement, School, User
from keystage.web.privacy import statement


@pytest.fixture
def admin(db: None) -> User:
    return make_admin("la.admin")


@pytest.fixture
def admin_client(admin: User) -> Client:
    return signed_in(admin)


def publish(client: Client, text: str) -> object:
    return client.post("/la/privacy/publish/", {"text": text})


@override_settings(LA_NAME="Exampleshire County Council")
def test_the_page_is_public_and_shows_the_default_until_the_la_writes_one(db: None) -> None:
    response = Client().get("/privacy/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "How your data are used" in body
    assert "Exampleshire County Council runs this service" in body
    for words in (
        "Department for Education",
        "school improvement",
        "public task",
        "Who we share it with",
        "How long we keep it",
        "data protection officer",
    ):
        assert words in body, words
    assert "Last updated" not in body  # the default has no date


def test_every_page_links_to_it_from_the_footer(db: None) -> None:
    body = Client().get("/accessibility/").content.decode()
    assert 'href="/privacy/"' in body and "How your data are used" in body


def test_the_page_lists_how_long_each_collection_is_kept(db: None) -> None:
    make_window("KS1", retain_until=dt.date(2033, 8, 31))
    make_window("PHON")
    body = Client().get("/privacy/").content.decode()
    assert "Kept until 31 August 2033" in body
    assert "Kept: no date set yet" in body


def test_an_la_administrator_previews_then_publishes_a_new_version(
    admin_client: Client, admin: User
) -> None:
    text = "We use your data.\n\n## Who sees it\n- the DfE\n- your school\n\nThat is all."
    preview = admin_client.post("/la/privacy/preview/", {"text": text})
    assert preview.status_code == 200
    assert "Preview: not published yet" in preview.content.decode()
    assert not DataSharingStatement.objects.exists()  # a preview publishes nothing

    response = publish(admin_client, text)
    assert response.status_code == 302  # type: ignore[attr-defined]
    body = Client().get("/privacy/").content.decode()
    assert "We use your data." in body
    assert '<h2 class="govuk-heading-m">Who sees it</h2>' in body
    assert "<li>the DfE</li>" in body and "<li>your school</li>" in body
    assert "runs this service to collect" not in body  # the default is gone
    assert "Last updated on" in body

    publish(admin_client, "A second version.")
    assert "A second version." in Client().get("/privacy/").content.decode()
    kept = list(DataSharingStatement.objects.order_by("published_at", "id"))
    assert [v.text for v in kept] == [text, "A second version."]  # every version kept
    assert kept[0].published_by == admin and kept[0].published_by_name == "la.admin"
    history = admin_client.get("/la/privacy/history/").content.decode()
    assert "We use your data." in history and "A second version." in history
    events = AuditEvent.objects.filter(action=AuditEvent.Action.STATEMENT)
    assert events.count() == 2 and events.first().actor == "la.admin"  # type: ignore[union-attr]


def test_html_in_the_statement_is_shown_as_text(admin_client: Client) -> None:
    publish(admin_client, '<script>alert("x")</script>\n\n- <b>bold</b> <a href="x">link</a>')
    body = Client().get("/privacy/").content.decode()
    assert "<script>alert" not in body and "<b>bold</b>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body


def test_an_empty_statement_is_refused_with_a_message(admin_client: Client) -> None:
    response = admin_client.post("/la/privacy/publish/", {"text": "  "})
    assert response.status_code == 400
    assert "Enter the statement" in response.content.decode()
    assert not DataSharingStatement.objects.exists()


def test_the_data_team_can_read_it_but_not_change_it(la_client: Client) -> None:
    page = la_client.get("/la/privacy/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Only LA administrators can change it" in body and "<textarea" not in body
    assert la_client.get("/la/privacy/history/").status_code == 200
    assert publish(la_client, "Changed by the data team").status_code == 404  # type: ignore[attr-defined]
    assert la_client.post("/la/privacy/preview/", {"text": "x"}).status_code == 404
    assert not DataSharingStatement.objects.exists()


def test_a_school_cannot_reach_the_las_page(head_a: Client, school_a: School) -> None:
    assert head_a.get("/la/privacy/").status_code == 404
    assert publish(head_a, "Changed by a school").status_code == 404  # type: ignore[attr-defined]
    staff = make_staff(school_a, can_sign=True)
    assert publish(signed_in(staff), "Changed by staff").status_code == 404  # type: ignore[attr-defined]
    assert not DataSharingStatement.objects.exists()
    assert head_a.get("/privacy/").status_code == 200  # the public page, signed in too


def test_blocks_make_paragraphs_lists_and_headings() -> None:
    text = "One\nline.\n\nIntro:\n- a\n  carried on\n* b\n\n## Head\nAfter\r\n\r\n\x00End"
    found = statement.blocks(text)
    assert [(b.kind, b.text, b.items) for b in found] == [
        ("paragraph", "One line.", ()),
        ("paragraph", "Intro:", ()),
        ("list", "", ("a carried on", "b")),
        ("heading", "Head", ()),
        ("paragraph", "After", ()),
        ("paragraph", "End", ()),
    ]
