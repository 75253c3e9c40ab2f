"""The tables in force: the newest published table of a year, else the shipped one.

`source` is what keystage.codesets asks on every codeset_for call: one indexed query for the
version (the row's id and hash), and the text read only when a process meets a new version.
That is how a table published through one process is used by the next check in every other.
Within one request the first answer for a year stands, so a page that reads the table once
per school asks once, and shows one table throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models import QuerySet

from keystage import codesets
from keystage.web.models import CodeTable
from keystage.web.models.codetables import version_of


def in_force(academic_year: str) -> CodeTable | None:
    """The published table in force for a year; None when it is the shipped one (or none)."""
    return _published(academic_year).first()


type Found = tuple[int, str] | None  # the row in force: its id and hash, or none published

# year -> what the database said, for the request being answered (None outside a request)
_this_request: ContextVar[dict[str, Found] | None] = ContextVar("code_tables", default=None)


def source(academic_year: str) -> tuple[str, Callable[[], str]] | None:
    seen = _this_request.get()
    if seen is not None and academic_year in seen:
        found = seen[academic_year]
    else:
        found = _version_in_force(academic_year)
        if seen is not None:
            seen[academic_year] = found
    if found is None:
        return None
    pk, sha256 = found
    return version_of(pk, sha256), lambda: _text(pk)


def register() -> None:
    codesets.register_source(source)
    request_started.connect(_request_started, dispatch_uid="code_tables_request_started")
    request_finished.connect(_request_finished, dispatch_uid="code_tables_request_finished")


def _request_started(**kwargs: Any) -> None:
    _this_request.set({})


def _request_finished(**kwargs: Any) -> None:
    _this_request.set(None)


def years() -> list[str]:
    """Every year with a table in force, shipped or published, oldest first."""
    published = CodeTable.objects.filter(published_at__isnull=False).values_list(
        "academic_year", flat=True
    )
    return sorted(set(codesets.available_years()) | set(published))


def text_in_force(academic_year: str) -> str:
    """The TOML of the table in force, as the LA published it or as shipped; CodesetError
    when the year has none."""
    found = in_force(academic_year)
    return found.toml_text if found else codesets.shipped_text(academic_year)


def year_before(academic_year: str) -> str:
    start = int(academic_year[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


# Plain SQL: the ORM takes about 0.4 ms to build this query, twenty times the query itself
# (SQLite), and every check and page asks it. The index codetable_in_force answers it.
_IN_FORCE = (
    "SELECT id, sha256 FROM portal_codetable WHERE academic_year = %s "
    "AND published_at IS NOT NULL ORDER BY published_at DESC, id DESC LIMIT 1"
)


def _version_in_force(academic_year: str) -> Found:
    with connection.cursor() as cursor:
        cursor.execute(_IN_FORCE, [academic_year])
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _published(academic_year: str) -> QuerySet[CodeTable]:
    return CodeTable.objects.filter(
        academic_year=academic_year, published_at__isnull=False
    ).order_by("-published_at", "-id")


def _text(pk: int) -> str:
    return CodeTable.objects.values_list("toml_text", flat=True).get(pk=pk)
