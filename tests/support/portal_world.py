"""A small LA with something on every page of the portal, for the tests that walk every URL
(downloads audited, page views audited, nothing cached), and the walk itself.

School A has a version in EYFSP (a query about a pupil's date of birth, answered; confirmed,
locked: ready for the DfE) and a KS1 file refused there at upload, a version in KS2, a
data-team query about one pupil and an enquiry of its own about the same pupil, both kinds of
report, a KS2 moderation with a sampled pupil, a changed judgement, a letter and an appeal with
evidence, and a file attributed by hand;
school B's EYFSP version has one of school A's pupils too, and the data team has decided
which school reports that pupil.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from portal_builders import (
    head_of,
    make_admin,
    make_answers,
    make_appeal,
    make_confirmation,
    make_evidence,
    make_lock,
    make_moderation,
    make_publication,
    make_report,
    make_staff,
    make_unattributed,
    make_window,
)
from portal_support import ctf_bytes, run_tasks, signed_in, upload, with_old_pupil

from keystage import codesets
from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.web.codetables import loading
from keystage.web.models import (
    Appeal,
    AppealEvidence,
    JudgementChange,
    ModeratedSchool,
    PupilRecord,
    RefusedUpload,
    SampledPupil,
    School,
    Submission,
    User,
)
from keystage.web.ops.demo_nca import import_combined, re_marked
from keystage.web.workspace import shared_pupils
from keystage.web.workspace.la_queries import open_enquiry, raise_query


@dataclass
class World:
    head: Client
    head_user: User
    admin: Client
    admin_user: User
    values: dict[str, list[object]]  # keyword -> the objects to try
    upns: set[str]
    names: set[tuple[str, str]]  # (forename, surname) of every pupil stored


def _first_pupil(la_folder: Path, school: School, kind: str) -> Pupil:
    with read_ctf(next((la_folder / kind).glob(f"{school.laestab}_*.xml"))) as reader:
        return next(iter(reader))


def build_world(school_a: School, school_b: School, la_folder: Path) -> World:
    eyfsp, ks2 = make_window("EYFSP"), make_window("KS2")
    head_user = head_of(school_a)
    head = signed_in(head_user)
    upload(head, eyfsp, ctf_bytes(la_folder, school_a, "EYFSP", with_old_pupil), "EYFSP.xml")
    upload(head, ks2, ctf_bytes(la_folder, school_a, "KS2"), name="KS2.xml")
    upload(head, eyfsp, ctf_bytes(la_folder, school_a, "KS1"), name="KS1-by-mistake.xml")
    refused = RefusedUpload.objects.get(school=school_a)  # another collection's: kept apart
    moved = dataclasses.replace(_first_pupil(la_folder, school_a, "EYFSP"))  # in both files
    upload(signed_in(head_of(school_b)), eyfsp,
           ctf_bytes(la_folder, school_b, "EYFSP", lambda pupils: [*pupils, moved]),
           name="b.xml")  # fmt: skip
    run_tasks()
    import_combined(ks2)  # the NCA Portal's KS2 results, from school A's file
    nca = import_combined(ks2, change=re_marked(every=2), name="later.xml")  # differences
    version = Submission.objects.get(school=school_a, collection=eyfsp, is_current=True)
    admin_user = make_admin()
    version.converted.save("from-template.xml", ContentFile(b"<CTF/>"))  # sent as a template
    make_answers(version)  # ready to sign
    make_confirmation(version, responsible="Reception team")
    make_lock(eyfsp, by=admin_user)
    move = shared_pupils.move_for(eyfsp, moved.upn)
    assert move is not None, "school B's file should share a pupil with school A's"
    shared_pupils.decide(move, school_a, by=admin_user)
    staff = make_staff(school_a, "staff.a@example.org")
    query = raise_query(school=school_a, collection=ks2, by=admin_user, subject="?", body="?")
    ks2_pupils = PupilRecord.objects.filter(submission__school=school_a, submission__collection=ks2)
    ks2_pupil = ks2_pupils.order_by("id")[0]
    about_pupil = raise_query(school=school_a, collection=ks2, by=admin_user, upn=ks2_pupil.upn,
                              subject="A pupil's result", body="?")  # fmt: skip
    enquiry = open_enquiry(school=school_a, collection=ks2, by=head_user, upn=ks2_pupil.upn,
                           subject="A pupil's writing", body="?")  # fmt: skip
    make_publication(eyfsp, by=admin_user)
    reports = [make_report(school_a, eyfsp, kind=k, made_from=version) for k in ("school", "pupil")]
    unattributed = make_unattributed(original_name="sftp.xml")
    moderated, appeal, evidence = _moderation(school_a, ks2_pupil)
    table = loading.load_file(codesets.shipped_text("2026-27").encode(), file_name="la.toml",
                              notes="", user=admin_user)  # fmt: skip
    values: dict[str, list[object]] = {
        "collection_id": [eyfsp.pk, ks2.pk],
        "submission_id": [version.pk],
        "user_id": [staff.pk],
        "query_id": [query.pk, about_pupil.pk, enquiry.pk],
        "report_id": [r.pk for r in reports],
        "year": ["2025-26"],
        "school_id": [school_a.pk],
        "upn": [moved.upn],
        "file_id": [unattributed.pk],
        "refused_id": [refused.pk],
        "moderation_id": [moderated.pk],
        "change_id": list(moderated.changes.values_list("pk", flat=True)),
        "appeal_id": [appeal.pk],
        "evidence_id": [evidence.pk],
        "table_id": [table.pk],
        "import_id": [nca.pk],
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
    school: School, pupil: PupilRecord
) -> tuple[ModeratedSchool, Appeal, AppealEvidence]:
    """School A's KS2 moderation, told: the pupil sampled and their writing changed; a letter,
    and the head's appeal with evidence."""
    moderated = make_moderation(school, pupil.submission.collection, letter=b"%PDF-1.7 letter")
    SampledPupil.objects.create(moderated=moderated, upn=pupil.upn)
    JudgementChange.objects.create(
        moderated=moderated, upn=pupil.upn, role="ks2_writing_ta", school_judgement="EXS",
        moderated_judgement="WTS", recorded_at=timezone.now(),
    )  # fmt: skip
    appeal = make_appeal(moderated)
    return moderated, appeal, make_evidence(appeal, content=b"%PDF-1.7 work")


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
