"""/health: the database, the file storage and the task queue, for the load balancer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import time_machine
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import timezone
from portal_builders import make_officer
from portal_support import ctf_bytes, signed_in, upload

from keystage.web.models import Collection, School

KEYS = {"status", "database", "storage", "tasks"}


def test_healthy(client: Client, db: None, settings: Any) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "tasks": {"queued": 0, "running": 0, "oldest_queued_seconds": None},
    }
    probes = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "health"
    assert not probes.exists() or list(probes.iterdir()) == []  # the probe file was deleted


def test_the_queue_shows_how_long_the_oldest_task_has_waited(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))  # queues its check; no worker runs
    later = timezone.now() + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        tasks = Client().get("/health").json()["tasks"]
    assert tasks["queued"] == 1 and tasks["running"] == 0
    assert 299 <= tasks["oldest_queued_seconds"] <= 301


def test_no_sign_in_and_no_two_factor_detour(db: None) -> None:
    la_without_totp = make_officer("new.officer", two_factor=False)
    assert signed_in(la_without_totp).get("/health").status_code == 200
    assert signed_in(la_without_totp).get("/").status_code == 302  # everything else: set it up


def _failing(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
    raise OperationalError("connection refused by 10.0.0.5:5432 (password for keystage)")


def test_a_database_that_does_not_answer_is_503(client: Client, db: None) -> None:
    with connection.execute_wrapper(_failing):
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "database": "failing",
        "storage": "ok",
        "tasks": None,
    }
    assert b"10.0.0.5" not in response.content and b"password" not in response.content


def test_storage_that_takes_no_write_is_503(client: Client, db: None, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocked / "files"},
        },
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        response = client.get("/health")
    body = response.json()
    assert response.status_code == 503 and set(body) == KEYS
    assert (body["status"], body["database"], body["storage"]) == ("failing", "ok", "failing")
    assert str(tmp_path) not in response.content.decode()


def test_only_reading(client: Client, db: None) -> None:
    assert client.head("/health").status_code == 200
    assert client.post("/health").status_code == 405
