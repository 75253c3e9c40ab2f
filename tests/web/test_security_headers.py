"""Security headers on every answer (pages, the sign-in page, static files, the admin), no
inline script or style in any page or template, and cookies that work over plain http in the
embedded default."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.urls import reverse
from front_door_support import CSP, assert_front_door_headers
from portal_builders import make_admin, make_officer
from portal_support import PASSWORD, signed_in

from keystage.web.models import Collection, School

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src" / "keystage" / "web" / "templates"
# Inline script or style in markup: a <script> without src, an event handler, a style.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|<style\b|\sstyle\s*=|javascript:", re.I
)


def test_a_page_has_every_header(head_a: Client, ks1: Collection) -> None:
    response = head_a.get(f"/collections/{ks1.pk}/")
    assert response.status_code == 200
    assert_front_door_headers(response)
    assert "Strict-Transport-Security" not in response  # http: the embedded default


def test_the_sign_in_page_and_static_files_have_the_headers(client: Client, db: None) -> None:
    assert_front_door_headers(client.get("/accounts/login/"))
    icon = client.get("/static/keystage/favicon.svg")
    assert icon.status_code == 200
    assert icon["Content-Security-Policy"] == CSP  # an SVG is a document: it gets the policy


def test_the_admin_has_the_headers_and_no_inline_script(db: None) -> None:
    admin = signed_in(make_admin("la.root", superuser=True))
    for page in ("/admin/", "/admin/portal/school/", "/admin/portal/user/add/"):
        response = admin.get(page)
        assert response.status_code == 200, page
        assert_front_door_headers(response)
        assert not INLINE.findall(response.content.decode()), page


def test_no_template_has_inline_script_or_style() -> None:
    # PDFs (WeasyPrint) and emails are never pages a browser shows under the policy.
    pages = [t for t in TEMPLATES.rglob("*.html") if t.relative_to(TEMPLATES).parts[0] not in
             ("reports", "email")]  # fmt: skip
    found = [
        f"{template.relative_to(TEMPLATES)}: {hit}"
        for template in pages
        for hit in INLINE.findall(template.read_text(encoding="utf-8"))
    ]
    assert len(pages) > 50
    assert found == []
    assert INLINE.search('<p style="color: red">') and INLINE.search("<script>alert(1)</script>")
    assert not INLINE.search('<script type="module" src="/static/x.mjs"></script>')


def test_rendered_pages_have_no_inline_script(head_a: Client, ks1: Collection, db: None) -> None:
    for page in ("/", f"/collections/{ks1.pk}/", "/people/", "/codes/", "/accessibility/"):
        response = head_a.get(page)
        assert response.status_code == 200, page
        assert not INLINE.findall(response.content.decode()), page
    assert not INLINE.findall(Client().get("/accounts/login/").content.decode())
    # The authenticator app's QR code is an inline SVG: drawn with attributes, not styles.
    make_officer("new.officer", two_factor=False)
    newcomer = Client()  # setting up an app asks for the password again first
    newcomer.post("/accounts/login/", {"login": "new.officer", "password": PASSWORD})
    newcomer.post("/accounts/reauthenticate/", {"password": PASSWORD})
    setup = newcomer.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    assert not INLINE.findall(setup.content.decode())


def test_cookies_work_over_http_in_the_embedded_default(school_a: School) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"login": school_a.urn, "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] == "" and session["httponly"] is True
    assert session["max-age"] == ""  # ends when the browser closes
    assert client.get("/").status_code == 200
