"""Helpers of the export tests: schools send their files, answer their queries and sign; the
collection is locked; the files the exports answer with, read back."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from portal_builders import head_of, make_answers, make_confirmation
from portal_support import ctf_bytes, run_tasks, signed_in, upload

from keystage.web.models import Collection, School, Submission, User
from keystage.web.submissions.locks import lock


def send(school: School, collection: Collection, content: bytes) -> Submission:
    """The school's head uploads the file; it is checked."""
    upload(signed_in(head_of(school)), collection, content, "return.xml")
    run_tasks()
    return Submission.objects.get(school=school, collection=collection, is_current=True)


def confirm(school: School, collection: Collection) -> None:
    """Answers the version's queries (as the school would) and signs the confirmation form."""
    version = Submission.objects.get(school=school, collection=collection, is_current=True)
    make_answers(version, text="Checked: it is right.")
    make_confirmation(version)


def ready(schools: list[School], collection: Collection, la_folder: Path, officer: User) -> None:
    """Every school sends its clean file and confirms it; the collection is locked."""
    for school in schools:
        send(school, collection, ctf_bytes(la_folder, school, collection.kind))
        confirm(school, collection)
    lock(collection, None, officer)


def zip_members(response: object) -> dict[str, bytes]:
    assert response.status_code == 200, response  # type: ignore[attr-defined]
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))
