"""Helpers shared by the portal's tests and the browser tests: accounts, CTFs, queued tasks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.ctf.writer import to_bytes
from keystage.web.models import Collection, School, User

PASSWORD = "correct-horse-battery-1"


def make_user(username: str, role: str, *, school: School | None = None, **extra: object) -> User:
    user = User(username=username, role=role, school=school, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def ctf_path(la_folder: Path, school: School, kind: str = "KS1") -> Path:
    return next((la_folder / kind).glob(f"{school.laestab}_*.xml"))


def ctf_bytes(
    la_folder: Path,
    school: School,
    kind: str = "KS1",
    change: Callable[[list[Pupil]], Iterable[Pupil]] | None = None,
) -> bytes:
    """A school's clean synthetic file, with an optional change to its pupils."""
    path = ctf_path(la_folder, school, kind)
    if change is None:
        return path.read_bytes()
    with read_ctf(path) as reader:
        header, pupils = reader.header, list(reader)
    return to_bytes(header, change(pupils))


def upload(client: Client, collection: Collection, content: bytes, name: str = "ks1.xml") -> object:
    return client.post(
        f"/collections/{collection.pk}/",
        {"file": SimpleUploadedFile(name, content, content_type="text/xml")},
    )


def with_bad_result(pupils: list[Pupil]) -> list[Pupil]:
    """The first pupil's first result becomes a code no table has: RESULT-INVALID, an error."""
    first = pupils[0]
    bad = dataclasses.replace(first.assessments[0], result="XYZ")
    return [dataclasses.replace(first, assessments=(bad, *first.assessments[1:])), *pupils[1:]]


def with_old_pupil(pupils: list[Pupil]) -> list[Pupil]:
    """The first pupil is two years too old for the year group: DOB-RANGE, a query."""
    first = pupils[0]
    born = first.dob_date
    assert born is not None
    older = born.replace(year=born.year - 2).isoformat()
    return [dataclasses.replace(first, dob=older), *pupils[1:]]


def worker_for_tests() -> Worker:
    """A task worker to run claimed tasks in this thread (`worker.run_task(claimed)`)."""
    return Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="tests", excluded_queue_names=[],
    )  # fmt: skip


def run_tasks() -> None:
    """Runs every queued task in this thread, as a worker process would; fails loudly when one
    fails (a worker would only record it, and a page would wait for ever).

    Claims and runs them one by one without the worker's loop, which closes the database
    connection between tasks and would end a test's transaction.
    """
    worker = worker_for_tests()
    while (queued := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        queued.claim("tests")
        worker.run_task(queued)
    failed = list(DBTaskResult.objects.failed())
    assert not failed, "\n\n".join(f"{t.task_path} failed:\n{t.traceback}" for t in failed)
