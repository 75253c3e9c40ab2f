"""Pupils moving schools: which school should report a pupil that two schools' files both hold.

The rule (the May-days rule)
----------------------------
The school where the pupil was registered for more days in May of the assessment year (the
summer of the collection: May 2026 for 2025-26) reports the pupil. When the days are equal, or
the files do not give the dates needed to count them for every school, there is no suggestion
and the data team decides on what the schools tell it.

How the days are counted
------------------------
Each school's file gives the pupil's school history (CTF ``SchoolHistory``): one entry per stay
at a school, with the school's LEA and Estab numbers, an entry date and, if the pupil left, a
leaving date.

* An entry belongs to a school when its LEA + Estab is that school's LAESTAB. (The CTF's
  school history carries no URN, so LAESTAB is the only key; a school that changed its number,
  say on becoming an academy, is not recognised under the old one.)
* A school's own file is its own account of the pupil's time there: the entries for the school
  in its own file are used first. A stay with no leaving date in the school's own file takes
  the leaving date that another school's file gives for that school, if that date is on or
  after the stay's entry date (the pupil's new school often knows when the pupil left the old
  one before the old school's file says so). A stay with no entry date takes the entry date of
  an entry for that school in another file with the same leaving date.
* A school whose own file does not list itself takes whatever the other files say about it.
* The leaving date is the pupil's last day on roll, so it counts: left on 9 May is 9 days in
  May; joined on 10 May is 22 days (10 to 31 May). A stay with an entry date and no leaving
  date runs on past May. A stay with no entry date counts 0 days if it ended before May, and
  cannot be counted otherwise; a school with no stay at all in any file cannot be counted.
* Days of two stays at one school are counted once each (a day on roll twice is one day).

May always has 31 days, so leap years make no difference.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from keystage.ctf.model import Pupil, SchoolHistoryEntry, parse_date

type History = Pupil | Sequence[SchoolHistoryEntry]
type Records = Mapping[str, History] | Iterable[tuple[str, History]]

MAY = 5


def days_in_may(entry: dt.date | None, leaving: dt.date | None, year: int) -> int | None:
    """Days from 1 to 31 May of `year` the pupil was on roll, or None when they cannot be told."""
    span = _may_days(entry, leaving, year)
    return None if span is None else len(span)


def _may_days(entry: dt.date | None, leaving: dt.date | None, year: int) -> set[int] | None:
    """The days of May (1..31) covered by one stay, or None when the dates do not tell."""
    first, last = dt.date(year, MAY, 1), dt.date(year, MAY, 31)
    if entry is None:
        # Without an entry date only a stay that ended before May is certain: none of May.
        return set() if leaving is not None and leaving < first else None
    start = max(entry, first)
    end = min(leaving, last) if leaving is not None else last
    return set(range(start.day, end.day + 1)) if start <= end else set()


@dataclass(frozen=True, slots=True)
class Stay:
    """One stay at a school, with the file each date came from (a LAESTAB; None: no date)."""

    laestab: str
    entry: dt.date | None
    leaving: dt.date | None
    entry_from: str | None
    leaving_from: str | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    school: str | None  # the LAESTAB of the school that should report the pupil; None: no advice
    days: dict[str, int | None]  # days registered in May, by LAESTAB (None: cannot be counted)
    reason: str  # for the data team: what the days are, and why this school or none
    stays: dict[str, tuple[Stay, ...]]  # the dates used for each school


def history_of(record: History) -> tuple[SchoolHistoryEntry, ...]:
    return record.school_history if isinstance(record, Pupil) else tuple(record)


def entry_laestab(entry: SchoolHistoryEntry) -> str | None:
    la, estab = (entry.la or "").strip(), (entry.estab or "").strip()
    return f"{la}{estab}" if la and estab else None


def stays_at(laestab: str, histories: Mapping[str, Sequence[SchoolHistoryEntry]]) -> list[Stay]:
    """The school's stays, from its own file first and the other files to fill gaps (see above)."""
    own = [_stay(e, laestab) for e in histories.get(laestab, ()) if entry_laestab(e) == laestab]
    others = _distinct(
        _stay(e, source)
        for source, history in histories.items()
        if source != laestab
        for e in history
        if entry_laestab(e) == laestab
    )
    if not own:
        return others
    return [_filled(stay, others) for stay in own]


def _stay(entry: SchoolHistoryEntry, source: str) -> Stay:
    start, end = parse_date(entry.entry_date), parse_date(entry.leaving_date)
    return Stay(
        laestab=f"{(entry.la or '').strip()}{(entry.estab or '').strip()}",
        entry=start,
        leaving=end,
        entry_from=source if start else None,
        leaving_from=source if end else None,
    )


def _distinct(stays: Iterable[Stay]) -> list[Stay]:
    """Two files often copy the same stay: keep it once (the first file's account)."""
    seen: dict[tuple[dt.date | None, dt.date | None], Stay] = {}
    for stay in stays:
        seen.setdefault((stay.entry, stay.leaving), stay)
    return list(seen.values())


def _filled(own: Stay, others: list[Stay]) -> Stay:
    stay = own
    if stay.leaving is None and stay.entry is not None:
        entry = stay.entry
        later = [o for o in others if o.leaving is not None and o.leaving >= entry]
        if later:
            found = min(later, key=lambda o: o.leaving or entry)
            stay = dataclasses.replace(stay, leaving=found.leaving, leaving_from=found.leaving_from)
    if stay.entry is None:
        same_end = [o for o in others if o.entry is not None and o.leaving == stay.leaving]
        if same_end:
            found = same_end[0]
            stay = dataclasses.replace(stay, entry=found.entry, entry_from=found.entry_from)
    return stay


def school_days(stays: Sequence[Stay], year: int) -> int | None:
    """Days in May at one school over all its stays, or None when any stay cannot be counted."""
    if not stays:
        return None
    covered: set[int] = set()
    for stay in stays:
        span = _may_days(stay.entry, stay.leaving, year)
        if span is None:
            return None
        covered |= span
    return len(covered)


def suggest(records: Records, year: int, names: Mapping[str, str] | None = None) -> Suggestion:
    """Which of the schools that sent this pupil should report them, by the May-days rule.

    `records` is each school's record of the pupil, by the school's LAESTAB: the Pupil read
    from its file, or just that pupil's school history. `names` gives the schools' names for
    the reason (LAESTAB otherwise).
    """
    pairs = records.items() if isinstance(records, Mapping) else records
    histories: dict[str, list[SchoolHistoryEntry]] = {}
    for laestab, record in pairs:
        histories.setdefault(laestab, []).extend(history_of(record))
    stays = {laestab: tuple(stays_at(laestab, histories)) for laestab in histories}
    days = {laestab: school_days(found, year) for laestab, found in stays.items()}

    def name(laestab: str) -> str:
        return (names or {}).get(laestab) or laestab

    may = f"May {year}"
    unknown = [laestab for laestab, n in days.items() if n is None]
    if unknown:
        missing = _join([name(s) for s in unknown])
        return Suggestion(
            None,
            days,
            f"No suggestion: the files do not give the dates the pupil was registered at "
            f"{missing}, so the days in {may} cannot be counted.",
            stays,
        )
    counted = sorted(days.items(), key=lambda item: (-(item[1] or 0), name(item[0])))
    told = _join([f"{n} day{'s' if n != 1 else ''} at {name(s)}" for s, n in counted])
    top, most = counted[0]
    if sum(1 for _, n in counted if n == most) > 1:
        return Suggestion(
            None, days, f"No suggestion: the pupil was registered for {told} in {may}.", stays
        )
    return Suggestion(
        top,
        days,
        f"{name(top)} should report this pupil: registered for {told} in {may}.",
        stays,
    )


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
