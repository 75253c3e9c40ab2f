"""Every download of pupil-level data is in the audit trail.

The test walks every URL of the portal, as a school's head (the school's pages) and as an LA
administrator (the LA's), with an object for each keyword and the query strings the exports
take. Any answer that is a file (an attachment, or CSV, XLSX, PDF, XML or ZIP) must come from
a route listed here: AUDITED (each download adds an audit event) or SCHOOL_LEVEL (school-level
figures only: the test checks that no pupil's UPN is in them). A new export that is neither
fails here until someone audits it or shows it holds no pupil's data.
"""

from __future__ import annotations

import io
import zipfile

from portal_world import World, body_of, is_file, portal_patterns, urls_of

from keystage.web.models import AuditEvent, Submission

# Routes (by name) whose every download is recorded in the audit trail.
AUDITED = {
    "findings_csv", "download", "converted", "report_download", "refused_download",  # a school's
    "moderation_letter", "appeal_evidence",
    "la_school_findings_csv", "la_school_file", "la_school_converted",  # the LA's
    "la_unattributed_download", "la_refused_download",
    "la_pupils_csv", "la_pupils_xlsx",
    "la_moderation_letter", "la_appeal_evidence",
    "la_export_dfe", "la_export_dfe_school", "la_export_la_csv", "la_export_benchmark",
}  # fmt: skip
# Routes whose files hold school-level figures only: not audited, and must hold no UPN.
SCHOOL_LEVEL = {"la_collection_csv", "la_collection_xlsx", "la_results_csv", "la_results_xlsx",
                "template", "codes_download", "confirmation_pdf",
                "la_confirmation_pdf"}  # fmt: skip
# Each route is fetched plain and with ?version=1; a route that answers with a file is fetched
# with each of these as well (the exports' options).
VARIANTS = ("", "?version=1", "?minimised=1", "?publication=1", "?profile=full")
EXPORT_ACTIONS = {AuditEvent.Action.DOWNLOAD, "export"}


def text_in(body: bytes) -> str:
    """The text of a file, looking inside a ZIP (XLSX is one) at every member."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(n).decode(errors="replace") for n in archive.namelist())
    return body.decode(errors="replace")


def test_every_file_the_portal_serves_is_audited_or_school_level(world: World) -> None:
    reached: set[str] = set()
    for route, pattern in portal_patterns():
        name = pattern.name or route
        client = world.admin if route.startswith("la/") else world.head
        for url in urls_of(route, pattern, world.values):
            tried = set()
            queue = ["", "?version=1"]
            while queue:
                variant = queue.pop(0)
                if variant in tried:
                    continue
                tried.add(variant)
                before = AuditEvent.objects.filter(action__in=EXPORT_ACTIONS).count()
                response = client.get(url + variant)
                assert response.status_code < 500, f"GET {url}{variant}"
                if not is_file(response):
                    continue
                queue += [v for v in VARIANTS if v not in tried]
                body = body_of(response)
                reached.add(name)
                after = AuditEvent.objects.filter(action__in=EXPORT_ACTIONS).count()
                if name in AUDITED:
                    assert after == before + 1, f"GET {url}{variant}: no audit event"
                elif name in SCHOOL_LEVEL:
                    leaked = [u for u in world.upns if u in text_in(body)]
                    assert not leaked, f"GET {url}{variant}: school-level, yet holds UPNs"
                else:
                    raise AssertionError(
                        f"GET {url}{variant} ({name}) answers with a file: record the download "
                        "in the audit trail and add it to AUDITED, or add it to SCHOOL_LEVEL"
                    )
    not_reached = (AUDITED | SCHOOL_LEVEL) - reached
    assert not not_reached, f"the walk never downloaded {sorted(not_reached)}: fix the fixture"


def test_an_audited_download_says_who_what_and_which_school(world: World) -> None:
    submission_id = world.values["submission_id"][0]
    response = world.head.get(f"/files/{submission_id}/download/")
    body_of(response)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).first()
    assert event is not None
    school = Submission.objects.get(pk=submission_id).school
    assert event.actor == school.urn and event.school == school.laestab
    assert event.collection == "EYFSP 2025-26" and "the file as sent" in event.what
