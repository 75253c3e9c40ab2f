"""Every download of pupil-level data is in the audit trail.

The test walks every URL of the portal, as a school's head (the school's pages) and as an LA
administrator (the LA's), with an object for each keyword and the query strings the exports
take. Any answer that is a file (an attachment, or CSV, XLSX, PDF, XML or ZIP) must come from
a route listed here: AUDITED (each download adds an audit event) or SCHOOL_LEVEL (school-level
figures only: the test checks that no pupil's UPN is in them). A new export that is neither
fails here until someone audits it or shows it holds no pupil's data.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from portal_support import ctf_bytes, make_user, run_tasks, signed_in, upload

from keystage.web.models import (
    Answer,
    Appeal,
    AppealEvidence,
    AuditEvent,
    Collection,
    Confirmation,
    Lock,
    ModeratedSchool,
    ModerationRound,
    Publication,
    PupilRecord,
    Report,
    Role,
    School,
    Submission,
    UnattributedFile,
    User,
)
from keystage.web.queries import raise_query

# Routes (by name) whose every download is recorded in the audit trail.
AUDITED = {
    "findings_csv", "download", "converted", "report_download",  # a school's
    "moderation_letter", "appeal_evidence",
    "la_school_findings_csv", "la_school_file", "la_school_converted",  # the LA's
    "la_unattributed_download",
    "la_pupils_csv", "la_pupils_xlsx",
    "la_moderation_letter", "la_appeal_evidence",
    "la_export_dfe", "la_export_dfe_school", "la_export_la_csv", "la_export_benchmark",
}  # fmt: skip
# Routes whose files hold school-level figures only: not audited, and must hold no UPN.
SCHOOL_LEVEL = {"la_collection_csv", "la_collection_xlsx", "la_results_csv", "la_results_xlsx",
                "template"}  # fmt: skip
# Each route is fetched plain and with ?version=1; a route that answers with a file is fetched
# with each of these as well (the exports' options).
VARIANTS = ("", "?version=1", "?minimised=1", "?publication=1", "?profile=full")
FILE_TYPES = ("text/csv", "application/pdf", "application/xml", "text/xml", "application/zip",
              "application/octet-stream", "application/vnd.openxmlformats")  # fmt: skip
EXPORT_ACTIONS = {AuditEvent.Action.DOWNLOAD, "export"}


def portal_patterns() -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for item in patterns:
            if isinstance(item, URLResolver):
                walk(item.url_patterns, prefix + str(item.pattern), item.namespace or namespace)
            elif namespace == "portal":
                found.append((prefix + str(item.pattern), item))

    walk(get_resolver().url_patterns, "", "")
    return found


def is_file(response: object) -> bool:
    disposition = str(response.get("Content-Disposition", ""))  # type: ignore[attr-defined]
    kind = str(response.get("Content-Type", ""))  # type: ignore[attr-defined]
    return "attachment" in disposition or kind.startswith(FILE_TYPES)


def body_of(response: object) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def text_in(body: bytes) -> str:
    """The text of a file, looking inside a ZIP (XLSX is one) at every member."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(n).decode(errors="replace") for n in archive.namelist())
    return body.decode(errors="replace")


@dataclass
class World:
    head: Client
    admin: Client
    values: dict[str, list[object]]  # keyword -> the objects to try
    upns: set[str]


def _stored(instance: object, field: str, name: str, content: bytes) -> None:
    getattr(instance, field).save(name, ContentFile(content), save=True)


@pytest.fixture
def world(school_a: School, school_b: School, la_folder: Path) -> World:
    """School A with a version in EYFSP (confirmed, locked: ready for the DfE) and KS2, a
    query, both reports, a KS2 moderation with a letter and an appeal with evidence, and a
    file attributed by hand; school B's EYFSP version too."""
    today = timezone.localdate()
    windows = {
        kind: Collection.objects.create(
            kind=kind,
            academic_year="2025-26",
            opens=today - dt.timedelta(days=20),
            deadline=today + dt.timedelta(days=7),
            closes=today + dt.timedelta(days=21),
        )
        for kind in ("EYFSP", "KS2")
    }
    eyfsp, ks2 = windows["EYFSP"], windows["KS2"]
    head_user = User.objects.get(username=school_a.urn)
    head = signed_in(head_user)
    for kind, window in windows.items():
        upload(head, window, ctf_bytes(la_folder, school_a, kind), name=f"{kind}.xml")
    upload(signed_in(User.objects.get(username=school_b.urn)), eyfsp,
           ctf_bytes(la_folder, school_b, "EYFSP"), name="b.xml")  # fmt: skip
    run_tasks()
    version = Submission.objects.get(school=school_a, collection=eyfsp, is_current=True)
    admin_user = make_user("la.admin", Role.LA_ADMIN, email="admin@la.example")
    TOTP.activate(admin_user, generate_totp_secret())
    now = timezone.now()
    _stored(version, "converted", "from-template.xml", b"<CTF/>")  # as if sent as a template
    for query_row in version.finding_set.filter(severity="query"):  # answered: ready to sign
        Answer.objects.get_or_create(
            school=school_a, collection=eyfsp, upn=query_row.upn, code=query_row.code,
            defaults={"text": "Checked", "answered_by": head_user, "answered_at": now,
                      "first_submission": version},
        )  # fmt: skip
    Confirmation.objects.create(
        submission=version, signed_by=head_user, signer_name="Ada Head", signer_role="Head",
        responsible="Reception team", moderation_done=True, outcomes_agreed=True, signed_at=now,
    )  # fmt: skip
    Lock.objects.create(collection=eyfsp, locked_by=admin_user, locked_at=now)
    staff = make_user("staff.a@example.org", Role.STAFF, school=school_a)
    query = raise_query(school=school_a, collection=ks2, by=admin_user, subject="?", body="?")
    Publication.objects.create(collection=eyfsp, published_by=admin_user, published_at=now)
    reports = []
    for kind in ("school", "pupil"):
        report = Report(
            school=school_a, collection=eyfsp, kind=kind, version=1, sha256="0" * 64, size=8,
            made_from=version, data_fingerprint="x", made_at=now,
        )  # fmt: skip
        _stored(report, "file", f"{kind}.pdf", b"%PDF-1.7 test")
        reports.append(report)
    unattributed = UnattributedFile(
        original_name="sftp.xml", sha256="1" * 64, size=4, channel="import",
        reason="unknown school", received_at=now,
    )  # fmt: skip
    _stored(unattributed, "file", "sftp.dat", b"<CTF")
    moderation_round = ModerationRound.objects.create(collection=ks2, updated_at=now)
    moderated = ModeratedSchool.objects.create(
        round=moderation_round, school=school_a, chosen_at=now, notified_at=now,
        letter_sha256="2" * 64, letter_size=8, letter_sent_at=now,
    )  # fmt: skip
    _stored(moderated, "letter", "letter.pdf", b"%PDF-1.7 letter")
    appeal = Appeal.objects.create(
        moderated=moderated, submitted_by=head_user, submitter_name="Ada Head",
        reasons="We disagree", submitted_at=now,
    )  # fmt: skip
    evidence = AppealEvidence(
        appeal=appeal, original_name="work.pdf", content_type="application/pdf",
        sha256="3" * 64, size=8, uploaded_at=now,
    )  # fmt: skip
    _stored(evidence, "file", "work.pdf", b"%PDF-1.7 work")
    pupil = version.pupil_set.order_by("id").first()
    assert pupil is not None
    values: dict[str, list[object]] = {
        "collection_id": [eyfsp.pk, ks2.pk],
        "submission_id": [version.pk],
        "user_id": [staff.pk],
        "query_id": [query.pk],
        "report_id": [r.pk for r in reports],
        "year": ["2025-26"],
        "school_id": [school_a.pk],
        "upn": [pupil.upn],
        "file_id": [unattributed.pk],
        "moderation_id": [moderated.pk],
        "appeal_id": [appeal.pk],
        "evidence_id": [evidence.pk],
    }
    upns = set(PupilRecord.objects.values_list("upn", flat=True))
    return World(head, signed_in(admin_user), values, upns)


def urls_of(route: str, pattern: URLPattern, values: dict[str, list[object]]) -> Iterator[str]:
    keywords = sorted(pattern.pattern.converters)
    unknown = [k for k in keywords if k not in values]
    assert not unknown, f"{route} takes {unknown}: give the walk an object for it"
    for chosen in itertools.product(*(values[k] for k in keywords)):
        path = "/" + route
        for keyword, value in zip(keywords, chosen, strict=True):
            for converter in ("int", "str"):
                path = path.replace(f"<{converter}:{keyword}>", str(value))
        yield path


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
