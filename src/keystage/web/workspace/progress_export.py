"""The progress table for a spreadsheet (CSV or XLSX): school-level facts, no pupil's data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from keystage.web.common.clock import today
from keystage.web.models import Collection
from keystage.web.workspace.progress import Row

EXPORT_HEADINGS = [
    "LAESTAB", "URN", "School", "District", "Phase", "State", "Step", "Latest version",
    "Latest upload", "Latest status", "Current version", "Pupils", "Errors",
    "Unanswered queries", "Open data-team queries", "Confirmed by", "Role", "Confirmed at",
    "Locked", "Refused uploads", "Latest refused upload", "Expected", "Provider",
]  # fmt: skip


def export_rows(rows: Iterable[Row]) -> list[list[str | int | None]]:
    """The table's rows for a spreadsheet: school-level figures, no pupil's data."""
    out: list[list[str | int | None]] = []
    for r in rows:
        latest, current, signed = r.latest, r.current, r.confirmation
        refused = r.standing.refused
        out.append([
            r.school.laestab, r.school.urn, r.school.name, r.school.district, r.school.phase,
            r.state.value, r.standing.step.value,
            latest.version if latest else None,
            _when(latest.uploaded_at) if latest else "",
            latest.get_status_display() if latest else "",
            current.version if current else None,
            r.pupils, r.errors, r.standing.unanswered, r.standing.team_open,
            signed.signer_name if signed else "", signed.signer_role if signed else "",
            _when(signed.signed_at) if signed else "",
            "yes" if r.standing.locked else "no",
            r.standing.refused_count, _when(refused.uploaded_at) if refused else "",
            "yes" if r.expected else "no: sent though not expected",
            "PVI setting" if r.school.is_setting else "school",
        ])  # fmt: skip
    return out


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def file_name(collection: Collection, extension: str) -> str:
    return f"{collection.kind}-{collection.academic_year}-progress-{today():%Y-%m-%d}.{extension}"


def export_table(rows: Iterable[Row]) -> list[list[str | int | None]]:
    """The heading row, then a row a school."""
    return [list(EXPORT_HEADINGS), *export_rows(rows)]
