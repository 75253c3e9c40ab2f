"""The database going away during an upload: the school is told plainly that nothing was saved
(503), no file is left on disk, no version row, and the next upload works.

On PostgreSQL the upload's own connection is terminated (pg_terminate_backend, from another
connection) just after the file is written, inside the upload's transaction. On SQLite another
connection holds the database's write lock as the upload starts (a database that does not
answer within the busy timeout, shortened here from 20 s).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult
from portal_support import ctf_bytes, upload

from keystage.web.models import Collection, School, Submission

pytestmark = pytest.mark.django_db(transaction=True)


def stored_files(school: School) -> set[Path]:
    """The school's stored files (other tests' files may lie in the same folder)."""
    folder = Path(settings.DATA_DIR) / "files" / "submissions" / school.laestab
    return {p for p in folder.rglob("*") if p.is_file()}


@contextlib.contextmanager
def database_away(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Yields a list that names what went away, once it has."""
    happened: list[str] = []
    if connection.vendor == "postgresql":
        original = FileSystemStorage._save

        def save_then_lose_the_connection(
            storage: FileSystemStorage, name: str, content: Any
        ) -> str:
            saved = original(storage, name, content)
            pid = connection.connection.info.backend_pid
            db = connection.settings_dict
            with psycopg.connect(
                host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432,
                user=db.get("USER") or None, password=db.get("PASSWORD") or None,
                dbname=db["NAME"], autocommit=True,
            ) as admin:  # fmt: skip
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            happened.append(f"connection {pid} terminated after writing {saved}")
            return saved

        monkeypatch.setattr(FileSystemStorage, "_save", save_then_lose_the_connection)
        yield happened
        monkeypatch.undo()
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 200")  # milliseconds, this connection only
    holder = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=5)
    holder.isolation_level = None
    holder.execute("BEGIN IMMEDIATE")  # the write lock, held
    happened.append("the write lock is held by another connection")
    try:
        yield happened
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        connection.close()  # the next connection has the settings' busy timeout again


def test_the_database_going_away_during_an_upload_saves_nothing_and_says_so(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    content = ctf_bytes(la_folder, school_a)
    before = stored_files(school_a)
    with database_away(monkeypatch) as happened:
        response = upload(head_a, ks1, content)
    assert happened, "the fault was not made"
    page = response.content.decode()
    assert response.status_code == 503, page[:2000]
    assert "Your file was not saved" in page
    assert "Nothing was saved. Upload the file again in a few minutes." in page
    assert "Traceback" not in page
    assert not Submission.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert stored_files(school_a) == before  # the file written before the fault is gone

    again = upload(head_a, ks1, content)
    assert again.status_code == 302
    version = Submission.objects.get()
    assert version.version == 1 and version.status == "received"
    assert stored_files(school_a) - before == {Path(version.file.path)}
    assert DBTaskResult.objects.count() == 1
    shown = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "We are checking" in shown
