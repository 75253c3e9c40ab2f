"""Fault tests: a synthetic LA, two schools, an open KS1 window, and real worker processes.

The worker processes open the test database themselves, so on SQLite it must be a file, not
the in-memory database Django's test runner uses by default: when these tests are collected,
the session's SQLite test database becomes a file in the test data folder (where a worker's
settings look for it). PostgreSQL needs nothing: workers are given the test database's URL.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from portal_fixtures import (  # noqa: F401 (fixtures, found by name)
    head_a,
    head_b,
    ks1,
    la_client,
    la_folder,
    officer,
    school_a,
    school_b,
    schools,
)


def _database_in_a_file() -> None:
    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"].endswith("sqlite3") and not test.get("NAME"):
        test["NAME"] = str(Path(settings.DATA_DIR) / "keystage.sqlite3")


_database_in_a_file()
