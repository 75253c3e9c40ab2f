"""Error pages without internals: a failing page shows the reference, not the traceback; not
found, bad request and expired forms each have a page of their own."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from front_door_support import assert_front_door_headers

from keystage.web import urls

# -- A test-only page that fails, for the 500 page --------------------------------------------


def _fails(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("secret detail: /srv/keystage/settings.py line 42")


urlpatterns = [*urls.urlpatterns, path("test-only/fails/", _fails)]
handler400 = urls.handler400
handler500 = urls.handler500


@pytest.mark.urls(__name__)
def test_a_failing_page_shows_no_traceback_and_gives_the_reference(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/test-only/fails/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    for internal in ("Traceback", "ZeroDivisionError", "secret detail", "settings.py", "line 42"):
        assert internal not in page
    assert response["X-Request-ID"] in page
    assert_front_door_headers(response)


def test_not_found_bad_request_and_expired_form_pages(client: Client, db: None) -> None:
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    wrong_host = client.get("/", HTTP_HOST="attacker.example")
    assert wrong_host.status_code == 400
    assert "problem with what you sent" in wrong_host.content.decode()
    assert "DisallowedHost" not in wrong_host.content.decode()
    strict = Client(enforce_csrf_checks=True)
    expired = strict.post("/accounts/login/", {"login": "x", "password": "y"})
    assert expired.status_code == 403 and "This form has expired" in expired.content.decode()
    assert "CSRF" not in expired.content.decode()
