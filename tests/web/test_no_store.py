"""Nothing the service answers is kept by a browser or a proxy, but its static files.

Every URL of the URLconf (the portal, sign-in and two-factor pages, the admin, the health
check), as anonymous, as a school's head and as an LA administrator (who is also staff in the
admin), answers with `Cache-Control: no-store, private`: pages, downloads, redirects to sign
in, 404s, 405s. So do a 500, an upload refused at the door, a POST and the redirect to https.
Static files keep WhiteNoise's caching.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from portal_support import ctf_bytes
from portal_world import World, every_pattern, urls_of

from keystage.web import urls
from keystage.web.models import Collection, School, Submission

NO_STORE = "no-store, private"
# The admin's, allauth's and the catch-all's keywords: an object (id 1 exists for most) or a
# value that matches the pattern and finds nothing.
OTHER_KEYWORDS: dict[str, list[object]] = {
    "object_id": [1], "content_type_id": [1], "id": [1], "app_label": ["portal"],
    "key": ["no-such-key"], "uidb36": ["1"], "url": ["no/such/page"],
}  # fmt: skip


def _fails(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("a page that fails")


urlpatterns = [*urls.urlpatterns, path("test-only/fails/", _fails)]
handler400 = urls.handler400
handler500 = urls.handler500


def assert_not_kept(response: object, what: str) -> None:
    said = response.get("Cache-Control")  # type: ignore[attr-defined]
    assert said == NO_STORE, f"{what}: Cache-Control is {said!r}"


def test_every_url_as_anyone_is_not_kept(world: World) -> None:
    world.admin_user.is_staff = world.admin_user.is_superuser = True  # the admin's pages too
    world.admin_user.save()
    values = {**world.values, **OTHER_KEYWORDS}
    clients = {"anonymous": Client(), "head": world.head, "la": world.admin}
    statuses: set[int] = set()
    for route, pattern, _ in every_pattern():
        for url in urls_of(route, pattern, values):
            for who, client in clients.items():
                response = client.get(url)
                statuses.add(response.status_code)
                assert_not_kept(response, f"GET {url} as {who} ({response.status_code})")
    # Pages, redirects to sign in, refusals and misses were all among them.
    assert {200, 302, 404, 405} <= statuses
    assert world.head.get("/").status_code == 200, "the walk signed the head out: reorder it"


def test_a_download_is_not_kept(world: World) -> None:
    submission_id = world.values["submission_id"][0]
    response = world.head.get(f"/files/{submission_id}/download/")
    assert response.status_code == 200 and response.streaming
    assert_not_kept(response, "the file as sent")


@pytest.mark.urls(__name__)
def test_a_server_error_is_not_kept(db: None) -> None:
    response = Client(raise_request_exception=False).get("/test-only/fails/")
    assert response.status_code == 500
    assert_not_kept(response, "the 500 page")


def test_posts_and_refusals_are_not_kept(
    head_a: Client, school_a: School, ks1: Collection, la_folder: object
) -> None:
    refused = Client().post("/accounts/login/", {"login": school_a.urn, "password": "wrong"})
    assert refused.status_code == 200 and "password" in refused.content.decode()
    assert_not_kept(refused, "a refused sign-in")
    sent = head_a.post(
        f"/collections/{ks1.pk}/",
        {"file": SimpleUploadedFile("ks1.xml", ctf_bytes(la_folder, school_a))},  # type: ignore[arg-type]
    )
    assert sent.status_code == 302 and Submission.objects.filter(school=school_a).exists()
    assert_not_kept(sent, "the redirect after an upload")
    too_big = head_a.post(f"/collections/{ks1.pk}/", b"x", content_type="multipart/form-data",
                          CONTENT_LENGTH=str(10**10))  # fmt: skip
    assert too_big.status_code == 413
    assert_not_kept(too_big, "an upload refused at the door")


def test_the_redirect_to_https_is_not_kept(db: None) -> None:
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = Client().get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert_not_kept(response, "the redirect to https")


def test_static_files_keep_their_own_caching(client: Client, db: None) -> None:
    response = client.get("/static/keystage/favicon.svg")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    missing = client.get("/static/keystage/no-such-file.css")  # not a static file: a 404 page
    assert missing.status_code == 404
    assert_not_kept(missing, "a static URL with no file")
