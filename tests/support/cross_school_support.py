"""The cross-school tests' world: schools that send files with other schools' pupils in them,
and what each school, and the LA, sees of it. Two schools are in (A has signed, B is ready to
confirm); the third is the one that sends other schools' pupils.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from portal_builders import head_of, make_confirmation
from portal_support import ctf_bytes, ctf_path, run_tasks, signed_in, upload, worker_for_tests

from keystage.ctf import upn as upns
from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.web.models import Collection, School, Submission
from keystage.web.submissions.state import State, standing

CODE = "PUPIL-OTHER-SCHOOL"
Change = Callable[[list[Pupil]], list[Pupil]]


def pupils_of(la_folder: Path, school: School) -> list[Pupil]:
    with read_ctf(ctf_path(la_folder, school)) as reader:
        return list(reader)


def plus(extra: list[Pupil]) -> Change:
    return lambda pupils: [*pupils, *extra]


def made_up(like: Pupil, count: int) -> list[Pupil]:
    """Pupils with valid UPNs nobody has (an LAESTAB no school of the LA uses), otherwise
    like `like`: the same results, so they pass every other check."""
    return [
        dataclasses.replace(like, upn=upns.make("330", "9999", 19, 700 + n), surname=f"Made{n}")
        for n in range(count)
    ]


def head(school: School) -> Client:
    return signed_in(head_of(school))


def current(school: School) -> Submission:
    return Submission.objects.get(school=school, is_current=True)


def latest(school: School) -> Submission:
    return Submission.objects.filter(school=school).order_by("-version").first()  # type: ignore[return-value]


def queried(version: Submission) -> list[str]:
    return sorted(version.finding_set.filter(code=CODE).values_list("upn", flat=True))


def sign(school: School, collection: Collection) -> None:
    make_confirmation(current(school))
    assert standing(school, collection, timezone.localdate()).state == State.SUBMITTED


def run_check_of(version: Submission) -> None:
    """Runs the queued check of one version, whatever else is queued."""
    queued = DBTaskResult.objects.ready().get(args_kwargs__args=[version.pk])
    queued.claim("tests")
    worker_for_tests().run_task(queued)


@dataclasses.dataclass
class Seen:
    """Everything of a school's that another school's upload must leave as it was."""

    findings: list[tuple[str, str, str]]
    counts: tuple[int, int, bool]
    state: State
    page: str


def seen(school: School, collection: Collection) -> Seen:
    version = current(school)
    version.refresh_from_db()
    page = head(school).get(f"/collections/{collection.pk}/").content.decode()
    return Seen(
        sorted(version.finding_set.values_list("code", "upn", "message")),
        (version.errors, version.queries, version.is_current),
        standing(school, collection, timezone.localdate()).state,
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page[page.index("<main") :]),
    )


def everything_a_school_sees(client: Client, version: Submission, collection: Collection) -> str:
    """Home, the collection page, the version's page and its findings CSV, together."""
    pages = [
        "/",
        f"/collections/{collection.pk}/",
        f"/files/{version.pk}/",
        f"/files/{version.pk}/findings.csv",
    ]
    return "\n".join(client.get(url).content.decode() for url in pages)


@pytest.fixture
def two_schools_in(
    school_a: School, school_b: School, ks1: Collection, la_folder: Path
) -> tuple[School, School]:
    """A has signed (Submitted); B is Ready to confirm."""
    for school in (school_a, school_b):
        upload(head(school), ks1, ctf_bytes(la_folder, school))
        run_tasks()
    sign(school_a, ks1)
    assert standing(school_b, ks1, timezone.localdate()).state == State.READY
    return school_a, school_b


def moved(la_folder: Path, source: School) -> Change:
    """Another school's file also has `source`'s first pupil, exactly as `source`'s file gives
    them: a genuine move, the same child in both files."""
    return plus([pupils_of(la_folder, source)[0]])
