"""The data team's enquiries address and phone (KEYSTAGE_ENQUIRIES_EMAIL and _PHONE) are in
every page's footer and at the end of every email, ours and allauth's, from one footer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from lxml import html as lxml_html

from keystage.web.common import mail as portal_mail
from keystage.web.models import Collection, QueryMessage, School, User

TEMPLATES = Path(__file__).resolve().parents[2] / "src/keystage/web/templates"
ADDRESS, PHONE = "ask.assessment@council.example", "0121 496 0123"
CONTACTS = {"ENQUIRIES_EMAIL": ADDRESS, "ENQUIRIES_PHONE": PHONE}
INCLUDED = re.compile(r"""{%\s*include\s+["']email/(\w+)\.txt["']""")


def email_templates() -> list[str]:
    """Every template in email/ that is an email, not a part other templates include."""
    parts = {
        name
        for path in TEMPLATES.rglob("*.txt")
        for name in INCLUDED.findall(path.read_text(encoding="utf-8"))
    }
    assert "footer" in parts and "reminder_next_step" in parts
    return sorted(p.stem for p in (TEMPLATES / "email").glob("*.txt") if p.stem not in parts)


def footer(phone: str = PHONE) -> str:
    said = f"{settings.LA_NAME} assessment data team\nEmail: {ADDRESS}\n"
    return said + (f"Phone: {phone}\n" if phone else "")


def footer_contact(response: object) -> lxml_html.HtmlElement:
    page = lxml_html.fromstring(response.content.decode())  # type: ignore[attr-defined]
    (found,) = page.xpath("//footer//*[@id='footer-contact']")
    return found


@override_settings(**CONTACTS)
def test_every_pages_footer_gives_the_address_and_phone(
    head_a: Client, la_client: Client, school_a: School, ks1: Collection
) -> None:
    pages = [(Client(), "/accounts/login/", 200), (head_a, "/", 200),
             (head_a, f"/collections/{ks1.pk}/", 200), (la_client, "/la/", 200),
             (la_client, f"/la/collections/{ks1.pk}/", 200),
             (head_a, "/no-such-page/", 404)]  # fmt: skip
    for client, url, status in pages:
        response = client.get(url)
        assert response.status_code == status, url
        contact = footer_contact(response)
        assert ADDRESS in contact.text_content() and PHONE in contact.text_content(), url
        links = {a.get("href") for a in contact.iter("a")}
        assert links == {f"mailto:{ADDRESS}", "tel:01214960123"}, url


@override_settings(ENQUIRIES_EMAIL=ADDRESS, ENQUIRIES_PHONE="")
def test_without_a_phone_the_footer_gives_the_address_alone(db: None) -> None:
    contact = footer_contact(Client().get("/accounts/login/"))
    assert ADDRESS in contact.text_content() and "telephone" not in contact.text_content()
    portal_mail.send("reports_ready", ["office@school.example"], {})
    assert mail.outbox[0].body.endswith("\n\n" + footer(phone=""))


@override_settings(**CONTACTS)
@pytest.mark.parametrize("template", email_templates())
def test_every_email_ends_with_the_one_footer(db: None, template: str) -> None:
    # The templates' own context does not matter here, but for a filter's argument (which must
    # exist): a message's author.
    message = QueryMessage(author=User(username="someone"), body="A question")
    assert portal_mail.send(template, ["office@school.example"], {"message": message}) == 1
    (sent,) = mail.outbox
    assert sent.body.endswith("\n\n" + footer())
    signature = f"{settings.LA_NAME} assessment data team"
    assert sent.body.splitlines().count(signature) == 1, "signed twice: drop the template's own"


@override_settings(**CONTACTS)
def test_allauths_emails_end_with_the_same_footer(school_a: School) -> None:
    Client().post("/accounts/password/reset/", {"email": school_a.main_email})
    Client().post("/accounts/password/reset/", {"email": "nobody@school.example"})
    reset, unknown = mail.outbox
    assert "/accounts/password/reset/key/" in reset.body and "No account" in unknown.body
    for sent in (reset, unknown):
        assert sent.body.endswith("\n\n" + footer().strip()), sent.body  # allauth strips it
        assert "example.com" not in sent.body  # not allauth's "Hello from example.com"


def settings_read(env: dict[str, str], tmp_path: Path) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    clean |= {"KEYSTAGE_DATA": str(tmp_path), "KEYSTAGE_DEBUG": "1",
              "DJANGO_SETTINGS_MODULE": "keystage.web.settings", **env}  # fmt: skip
    code = (
        "from django.conf import settings as s; print(s.ENQUIRIES_EMAIL, repr(s.ENQUIRIES_PHONE))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    return done.stdout.strip()


def test_the_enquiries_address_is_the_sender_unless_the_la_gives_one(tmp_path: Path) -> None:
    sender = {"KEYSTAGE_FROM_EMAIL": "data@council.example"}
    assert settings_read(sender, tmp_path) == "data@council.example ''"
    given = sender | {"KEYSTAGE_ENQUIRIES_EMAIL": ADDRESS, "KEYSTAGE_ENQUIRIES_PHONE": PHONE}
    assert settings_read(given, tmp_path) == f"{ADDRESS} '{PHONE}'"
