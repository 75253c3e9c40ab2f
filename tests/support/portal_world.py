"""A small LA with something on every page of the portal, for the tests that walk every URL
(downloads audited, page views audited, nothing cached), and the walk itself.

School A has a version in EYFSP (a query about a pupil's date of birth, answered; confirmed,
locked: ready for the DfE) and a KS1 file refused there at upload, a version in KS2, a
data-team query about one pupil, both kinds of report, a KS2 moderation with a sampled pupil,
a changed judgement, a letter and an appeal with evidence, and a file attributed by hand;
school B's EYFSP version has one of school A's pupils too, and the data team has decided
which school reports that pupil.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from portal_support import ctf_bytes, make_user, run_tasks, signed_in, upload, with_old_pupil

from keystage import codesets
from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.web.codetables import loading
from keystage.web.models import (
    Answer,
    Appeal,
    AppealEvidence,
    Collection,
    Confirmation,
    JudgementChange,
    Lock,
    ModeratedSchool,
    ModerationRound,
    Publication,
    PupilRecord,
    RefusedUpload,
    Report,
    Role,
    SampledPupil,
    School,
    Submission,
    UnattributedFile,
    User,
)
from keystage.web.workspace import shared_pupils
from keystage.web.workspace.la_queries import raise_query


@dataclass
class World:
    head: Client
    head_user: User
    admin: Client
    admin_user: User
    values: dict[str, list[object]]  # keyword -> the objects to try
    upns: set[str]
    names: set[tuple[str, str]]  # (forename, surname) of every pupil stored


def _stored(instance: object, field: str, name: str, content: bytes) -> None:
    getattr(instance, field).save(name, ContentFile(content), save=True)


def _first_pupil(la_folder: Path, school: School, kind: str) -> Pupil:
    with read_ctf(next((la_folder / kind).glob(f"{school.laestab}_*.xml"))) as reader:
        return next(iter(reader))


def _windows() -> dict[str, Collection]:
    today = timezone.localdate()
    return {
        kind: Collection.objects.create(
            kind=kind,
            academic_year="2025-26",
            opens=today - dt.timedelta(days=20),
            deadline=today + dt.timedelta(days=7),
            closes=today + dt.timedelta(days=21),
        )
        for kind in ("EYFSP", "KS2")
    }


def build_world(school_a: School, school_b: School, la_folder: Path) -> World:
    windows = _windows()
    eyfsp, ks2 = windows["EYFSP"], windows["KS2"]
    head_user = User.objects.get(username=school_a.urn)
    head = signed_in(head_user)
    upload(head, eyfsp, ctf_bytes(la_folder, school_a, "EYFSP", with_old_pupil), "EYFSP.xml")
    upload(head, ks2, ctf_bytes(la_folder, school_a, "KS2"), name="KS2.xml")
    upload(head, eyfsp, ctf_bytes(la_folder, school_a, "KS1"), name="KS1-by-mistake.xml")
    refused = RefusedUpload.objects.get(school=school_a)  # another collection's: kept apart
    moved = dataclasses.replace(_first_pupil(la_folder, school_a, "EYFSP"))  # in both files
    upload(signed_in(User.objects.get(username=school_b.urn)), eyfsp,
           ctf_bytes(la_folder, school_b, "EYFSP", lambda pupils: [*pupils, moved]),
           name="b.xml")  # fmt: skip
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
    move = shared_pupils.move_for(eyfsp, moved.upn)
    assert move is not None, "school B's file should share a pupil with school A's"
    shared_pupils.decide(move, school_a, by=admin_user)
    staff = make_user("staff.a@example.org", Role.STAFF, school=school_a)
    query = raise_query(school=school_a, collection=ks2, by=admin_user, subject="?", body="?")
    ks2_pupils = PupilRecord.objects.filter(submission__school=school_a, submission__collection=ks2)
    ks2_pupil = ks2_pupils.order_by("id")[0]
    about_pupil = raise_query(school=school_a, collection=ks2, by=admin_user, upn=ks2_pupil.upn,
                              subject="A pupil's result", body="?")  # fmt: skip
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
    moderated, appeal, evidence = _moderation(school_a, ks2_pupil, head_user, now)
    table = loading.load_file(codesets.shipped_text("2026-27").encode(), file_name="la.toml",
                              notes="", user=admin_user)  # fmt: skip
    values: dict[str, list[object]] = {
        "collection_id": [eyfsp.pk, ks2.pk],
        "submission_id": [version.pk],
        "user_id": [staff.pk],
        "query_id": [query.pk, about_pupil.pk],
        "report_id": [r.pk for r in reports],
        "year": ["2025-26"],
        "school_id": [school_a.pk],
        "upn": [moved.upn],
        "file_id": [unattributed.pk],
        "refused_id": [refused.pk],
        "moderation_id": [moderated.pk],
        "appeal_id": [appeal.pk],
        "evidence_id": [evidence.pk],
        "table_id": [table.pk],
    }
    pupils = PupilRecord.objects.all()
    return World(
        head=head,
        head_user=head_user,
        admin=signed_in(admin_user),
        admin_user=admin_user,
        values=values,
        upns=set(pupils.values_list("upn", flat=True)),
        names=set(pupils.values_list("forename", "surname")),
    )


def _moderation(
    school: School, pupil: PupilRecord, head_user: User, now: dt.datetime
) -> tuple[ModeratedSchool, Appeal, AppealEvidence]:
    """School A's KS2 moderation, told: the pupil sampled and their writing changed; a letter,
    and the head's appeal with evidence."""
    ks2 = pupil.submission.collection
    moderation_round = ModerationRound.objects.create(collection=ks2, updated_at=now)
    moderated = ModeratedSchool.objects.create(
        round=moderation_round, school=school, chosen_at=now, notified_at=now,
        letter_sha256="2" * 64, letter_size=8, letter_sent_at=now,
    )  # fmt: skip
    _stored(moderated, "letter", "letter.pdf", b"%PDF-1.7 letter")
    SampledPupil.objects.create(moderated=moderated, upn=pupil.upn)
    JudgementChange.objects.create(
        moderated=moderated, upn=pupil.upn, role="ks2_writing_ta", school_judgement="EXS",
        moderated_judgement="WTS", recorded_at=now,
    )  # fmt: skip
    appeal = Appeal.objects.create(
        moderated=moderated, submitted_by=head_user, submitter_name="Ada Head",
        reasons="We disagree", submitted_at=now,
    )  # fmt: skip
    evidence = AppealEvidence(
        appeal=appeal, original_name="work.pdf", content_type="application/pdf",
        sha256="3" * 64, size=8, uploaded_at=now,
    )  # fmt: skip
    _stored(evidence, "file", "work.pdf", b"%PDF-1.7 work")
    return moderated, appeal, evidence


@pytest.fixture
def world(school_a: School, school_b: School, la_folder: Path) -> World:
    return build_world(school_a, school_b, la_folder)


# -- The walk --------------------------------------------------------------------------------


def portal_patterns() -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every page of the portal (the `portal` namespace)."""
    return [(route, item) for route, item, namespace in every_pattern() if namespace == "portal"]


def every_pattern() -> list[tuple[str, URLPattern, str]]:
    """(route, pattern, namespace) of every URL the service answers: the portal, sign-in, the
    admin and the health check."""
    found: list[tuple[str, URLPattern, str]] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for item in patterns:
            if isinstance(item, URLResolver):
                walk(item.url_patterns, prefix + str(item.pattern), item.namespace or namespace)
            else:
                found.append((prefix + str(item.pattern), item, namespace))

    walk(get_resolver().url_patterns, "", "")
    return found


def keywords_of(pattern: URLPattern) -> list[str]:
    if isinstance(pattern.pattern, RoutePattern):
        return sorted(pattern.pattern.converters)
    return sorted(pattern.pattern.regex.groupindex)


_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")  # a regex route's named group
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")  # a path route's <int:name>


def _filled(route: str, given: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return given[match.group(1)]

    return _CONVERTER.sub(value, _GROUP.sub(value, route))


def urls_of(route: str, pattern: URLPattern, values: dict[str, list[object]]) -> Iterator[str]:
    """Every URL of a route, with each combination of the objects its keywords take."""
    keywords = keywords_of(pattern)
    unknown = [k for k in keywords if k not in values]
    assert not unknown, f"{route} takes {unknown}: give the walk an object for it"
    for chosen in itertools.product(*(values[k] for k in keywords)):
        given = dict(zip(keywords, (str(v) for v in chosen), strict=True))
        path = "/" + _filled(route, given).replace("^", "").replace("$", "")
        assert not re.search(r"[()\\<>?*+]", path), f"{route}: cannot make a URL of it"
        yield path


FILE_TYPES = ("text/csv", "application/pdf", "application/xml", "text/xml", "application/zip",
              "application/octet-stream", "application/vnd.openxmlformats")  # fmt: skip


def is_file(response: object) -> bool:
    """A download rather than a page: an attachment, or a file's content type."""
    disposition = str(response.get("Content-Disposition", ""))  # type: ignore[attr-defined]
    kind = str(response.get("Content-Type", ""))  # type: ignore[attr-defined]
    return "attachment" in disposition or kind.startswith(FILE_TYPES)


def body_of(response: object) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]
