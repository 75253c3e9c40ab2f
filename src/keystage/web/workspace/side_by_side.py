"""The data team's side-by-side view of one pupil in two schools' files: the records compared
line by line (identity, results, then the dates at each school) with the May-days suggestion's
working, so the data team can see why the files suggest what they do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from keystage import moves
from keystage.ctf.model import parse_date
from keystage.web.common.pupil_ids import display_name
from keystage.web.models import PupilRecord
from keystage.web.workspace.shared_pupils import Move, history


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side comparison: a label and each school's value."""

    label: str
    values: list[str]
    differs: bool = False


def side_by_side(move: Move) -> list[Row]:
    """The records compared line by line: identity, results, then the dates at each school."""
    records = move.records
    rows = [
        _row("Name", [display_name(r) for r in records]),
        _row("Date of birth", [_date(r.dob) for r in records]),
        _row("Sex", [r.sex or "Not given" for r in records]),
        _row("National curriculum year", [r.nc_year or "Not given" for r in records]),
        *_results(records),
    ]
    year = int(move.collection.summer)
    for label, value in (
        ("Entry date at this school", _entries),
        ("Leaving date from this school", _leavings),
    ):
        rows.append(Row(label, [value(move, r) for r in records]))
    days = move.suggestion.days
    rows.append(
        Row(
            f"Days registered in May {year}",
            [_days(days.get(r.submission.school.number)) for r in records],
        )
    )
    rows.append(Row("School history in this file", [_history(r) for r in records]))
    return rows


def _row(label: str, values: list[str]) -> Row:
    return Row(label, values, differs=len(set(values)) > 1)


def _results(records: list[PupilRecord]) -> list[Row]:
    """A line for each assessment any of the files gives, in the order the files give them."""
    by_record: list[dict[str, str]] = []
    labels: dict[str, None] = {}
    for record in records:
        results: dict[str, str] = {}
        for item in record.data.get("assessments") or ():
            label = _assessment_label(item)
            labels.setdefault(label, None)
            results[label] = str(item.get("result") or "")  # the last one, as the checks read
        by_record.append(results)
    return [_row(label, [r.get(label) or "Not given" for r in by_record]) for label in labels]


def _assessment_label(item: dict[str, Any]) -> str:
    parts = [str(item.get(k) or "") for k in ("stage", "subject", "component")]
    method = item.get("method")
    return " ".join(p for p in parts if p) + (f" ({method})" if method else "")


def _stays(move: Move, record: PupilRecord) -> tuple[moves.Stay, ...]:
    return move.suggestion.stays.get(record.submission.school.number, ())


def _source(move: Move, record: PupilRecord, laestab: str | None) -> str:
    if laestab is None or laestab == record.submission.school.number:
        return ""
    other = next((s.name for s in move.schools if s.number == laestab), laestab)
    return f" (from the file of {other})"


def _entries(move: Move, record: PupilRecord) -> str:
    stays = _stays(move, record)
    if not stays:
        return "Not in the school history of any file"
    return "; ".join(
        (_date(s.entry) + _source(move, record, s.entry_from)) if s.entry else "Not given"
        for s in stays
    )


def _leavings(move: Move, record: PupilRecord) -> str:
    stays = _stays(move, record)
    if not stays:
        return "Not in the school history of any file"
    return "; ".join(
        (_date(s.leaving) + _source(move, record, s.leaving_from)) if s.leaving else "Not left"
        for s in stays
    )


def _days(days: int | None) -> str:
    return "Cannot be counted" if days is None else str(days)


def _history(record: PupilRecord) -> str:
    entries = history(record)
    if not entries:
        return "None given"
    return "; ".join(
        f"{e.name or 'A school'} ({e.la or '?'}{e.estab or '?'}): "
        f"{_date(parse_date(e.entry_date))} to "
        f"{_date(parse_date(e.leaving_date)) if e.leaving_date else 'now'}"
        for e in entries
    )


def _date(day: dt.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "Not given"
