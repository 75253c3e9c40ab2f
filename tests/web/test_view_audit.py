"""Every page view that shows a pupil is in the audit trail, and names no pupil there.

The test walks every page of the portal, as a school's head (the school's pages) and as an LA
administrator (the LA's), in a world where a pupil is on every page that can show one
(tests/support/portal_world.py). A page whose HTML holds a pupil's UPN or full name must add
one VIEW event, saying who, which school and collection, which page and how many pupils, and
holding no UPN or name; a page that shows no pupil adds none. A new page that shows pupils
fails here until it calls page_views.viewed.
"""

from __future__ import annotations

import json
import re

from portal_world import World, portal_patterns, urls_of

from keystage.web.common.pupil_ids import pseudonym
from keystage.web.models import AuditEvent, Collection, Submission

VIEW = AuditEvent.Action.VIEW
# The pages the world shows pupils on: the walk must reach each (else fix the world).
PUPIL_PAGES = {
    "collection", "submission", "query", "moderation",  # a school's
    "la_school", "la_moves", "la_move", "la_moderated", "la_appeal", "la_query", "la_audit",
    "la_raise_query", "la_exports", "la_nca_import",
}  # fmt: skip


def pupils_on(body: str, world: World) -> set[str]:
    """What of the world's pupils a page shows: their UPNs, and their names as "Forename
    Surname" or "SURNAME, Forename"."""
    found = {upn for upn in world.upns if upn in body}
    for forename, surname in world.names:
        f, s = re.escape(forename), re.escape(surname)
        if re.search(rf"\b{f}\W+{s}\b|\b{s},?\W+{f}\b", body, re.IGNORECASE):
            found.add(f"{forename} {surname}")
    return found


def said(event: AuditEvent) -> str:
    return event.what + " " + json.dumps(event.detail, ensure_ascii=False)


def views() -> int:
    return AuditEvent.objects.filter(action=VIEW).count()


def test_every_page_that_shows_a_pupil_is_in_the_audit_trail(world: World) -> None:
    reached: set[str] = set()
    for route, pattern in portal_patterns():
        name = pattern.name or route
        la = route.startswith("la/")
        client = world.admin if la else world.head
        for url in urls_of(route, pattern, world.values):
            before = views()
            response = client.get(url)
            assert response.status_code < 500, f"GET {url}"
            html = str(response.get("Content-Type", "")).startswith("text/html")
            shown = pupils_on(response.content.decode(), world) if html else set()
            if not shown:
                assert views() == before, f"GET {url} shows no pupil, yet records a view"
                continue
            reached.add(name)
            assert views() == before + 1, (
                f"GET {url} ({name}) shows pupils ({sorted(shown)[:3]}...) and is not in the "
                "audit trail: call page_views.viewed from its view"
            )
            event = AuditEvent.objects.filter(action=VIEW).first()
            assert event is not None
            assert event.actor == ("la.admin" if la else world.head_user.username)
            assert event.detail["page"] == name and event.detail["pupils"] >= 1
            assert not pupils_on(said(event), world), f"GET {url}: the event names a pupil"
    assert not PUPIL_PAGES - reached, f"the walk saw no pupil on {PUPIL_PAGES - reached}"


def test_a_view_says_who_which_school_collection_page_and_pupil(world: World) -> None:
    submission_id = world.values["submission_id"][0]
    version = Submission.objects.get(pk=submission_id)
    world.head.get(f"/files/{submission_id}/")
    event = AuditEvent.objects.filter(action=VIEW).get()
    assert (event.actor, event.role, event.school, event.collection) == (
        world.head_user.username, "head", version.school.laestab, "EYFSP 2025-26"
    )  # fmt: skip
    assert event.ip == "127.0.0.1" and event.detail["submission"] == version.pk
    pupils = event.detail["pupils"]
    assert event.what == (
        f"viewed the findings of version {version.version}: {pupils} pupil{'s' * (pupils != 1)}"
    )
    # A page about one pupil gives the pupil's ID (the minimised exports' one), never the UPN.
    (upn,) = world.values["upn"]
    eyfsp = Collection.objects.get(kind="EYFSP")
    world.admin.get(f"/la/collections/{eyfsp.pk}/moves/{upn}/")
    one = AuditEvent.objects.filter(action=VIEW).first()
    assert one is not None and one.detail["page"] == "la_move"
    assert one.detail["pupil"] == pseudonym(eyfsp, str(upn)) and str(upn) not in said(one)


def test_the_audit_page_shows_views_readably_and_filters_them(world: World) -> None:
    world.head.get(f"/files/{world.values['submission_id'][0]}/")
    world.admin.get(f"/la/collections/{world.values['collection_id'][0]}/moves/")
    everything = world.admin.get("/la/audit/").content.decode()
    assert "Viewed pupil-level data: viewed the findings of version 1" in everything
    only_views = world.admin.get("/la/audit/", {"action": "view"}).content.decode()
    assert "Viewed pupil-level data: viewed pupils in two schools" in only_views
    assert "Uploaded a file: uploaded" not in only_views
    but_views = world.admin.get("/la/audit/", {"action": "not_view"}).content.decode()
    assert "Viewed pupil-level data:" not in but_views and "Uploaded a file: uploaded" in but_views
    ks2 = world.admin.get("/la/audit/", {"collection": "KS2 2025-26"}).content.decode()
    assert "(KS2 2025-26)" in ks2 and "(EYFSP 2025-26)" not in ks2
    assert '<option value="KS2 2025-26" selected>' in ks2
