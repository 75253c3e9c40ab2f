"""Loading a year's code tables from a file, and publishing them (each audited).

A file is checked exactly as the shipped tables are (keystage.codesets.parse_text): one that
would not load is refused with its line and what to change, so a published table always
loads. Loading stores a draft; only publishing puts it in force.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.http import HttpRequest

from keystage import codesets
from keystage.web.common import audit, clock
from keystage.web.models import CodeTable, User

MAX_BYTES = 512 * 1024  # the shipped tables are about 16 KB


class TableRefusedError(Exception):
    """The file cannot be loaded; the message says why, and `line` where (when known)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line

    def __str__(self) -> str:
        said = super().__str__()
        return f"Line {self.line}: {said}" if self.line else said


def load_file(
    data: bytes, *, file_name: str, notes: str, user: User, request: HttpRequest | None = None
) -> CodeTable:
    """A draft of the tables in the file (the same file loaded again: its earlier draft)."""
    text = _text(data)
    try:
        table = codesets.parse_text(text, source=file_name)
    except codesets.CodesetError as problem:
        raise TableRefusedError(str(problem), problem.line) from None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        row, made = CodeTable.objects.get_or_create(
            academic_year=table.academic_year,
            sha256=digest,
            defaults={"file_name": file_name[:255], "toml_text": text, "notes": notes,
                      "uploaded_at": clock.now(), "uploaded_by": user},
        )  # fmt: skip
        if made:
            audit.record(
                audit.Action.CODE_TABLES,
                f"Loaded the {row.academic_year} code tables from {row.file_name}",
                request=request, actor=user, table=row.pk, sha256=digest,
            )  # fmt: skip
    return row


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise TableRefusedError(
            f"The file is larger than {MAX_BYTES // 1024} KB; a year's code tables are about "
            "16 KB. Check that this is the right file."
        )
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as broken:
        line = data[: broken.start].count(b"\n") + 1
        raise TableRefusedError(
            "The file is not UTF-8 text. Save it as UTF-8 (in Notepad: Save as, Encoding "
            "UTF-8) and load it again.",
            line,
        ) from None


def publish(row: CodeTable, *, user: User, request: HttpRequest | None = None) -> None:
    """Puts the table in force for its year, from every process's next check."""
    with transaction.atomic():
        row.published_at = clock.now()
        row.published_by = user
        row.save(update_fields=["published_at", "published_by"])
        audit.record(
            audit.Action.CODE_TABLES,
            f"Published the {row.academic_year} code tables from {row.file_name}",
            request=request, actor=user, table=row.pk, sha256=row.sha256,
        )  # fmt: skip
