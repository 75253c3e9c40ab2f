"""Every school's progress in a collection, as the data team's collection page, its CSV and its
XLSX show it: filtered by name, state, district and phase, sorted by any column, and totalled.

A fixed number of queries however many schools the LA has: the schools in one query, their
standings through `standings_for`, and nothing per row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Q, QuerySet

from keystage.web.common.clock import today
from keystage.web.common.sorting import Column, by_key, sort_asked, sort_rows
from keystage.web.models import Collection, Confirmation, Lock, School, Submission
from keystage.web.submissions.state import Standing, State, standings_for

# -- One row of the progress table -----------------------------------------------------------


@dataclass
class Row:
    school: School
    standing: Standing

    @property
    def state(self) -> State:
        return self.standing.state

    @property
    def latest(self) -> Submission | None:
        return self.standing.latest

    @property
    def current(self) -> Submission | None:
        return self.standing.current

    @property
    def pupils(self) -> int | None:
        return self.current.pupils if self.current else None

    @property
    def errors(self) -> int | None:
        return self.current.errors if self.current else None

    @property
    def confirmation(self) -> Confirmation | None:
        return self.standing.confirmation


STATE_ORDER = {state: i for i, state in enumerate(State)}

# sort= value -> its column: every one can be asked for; the page shows COLUMNS.
SORTS: dict[str, Column[Row]] = by_key(
    Column("name", "School", lambda r: r.school.name.casefold()),
    Column("laestab", "LAESTAB", lambda r: r.school.laestab),
    Column("urn", "URN", lambda r: r.school.urn),
    Column("district", "District", lambda r: r.school.district.casefold() or None),
    Column("phase", "Phase", lambda r: r.school.phase.casefold() or None),
    Column("state", "State", lambda r: STATE_ORDER[r.state]),
    Column("uploaded", "Latest upload", lambda r: r.latest.uploaded_at if r.latest else None),
    Column("version", "Version", lambda r: r.latest.version if r.latest else None, True),
    Column("status", "Status",
           lambda r: r.latest.get_status_display() if r.latest else None),
    Column("pupils", "Pupils", lambda r: r.pupils, True),
    Column("errors", "Errors", lambda r: r.errors, True),
    Column("queries", "Unanswered queries", lambda r: r.standing.unanswered, True),
    Column("team_queries", "Data-team queries", lambda r: r.standing.team_open, True),
    Column("confirmed_by", "Confirmed by",
           lambda r: r.confirmation.signer_name.casefold() if r.confirmation else None),
    Column("confirmed", "Confirmed",
           lambda r: r.confirmation.signed_at if r.confirmation else None),
)  # fmt: skip
# The columns of the page, in order, each sortable by its heading.
COLUMNS = ("name", "district", "state", "uploaded", "pupils", "errors", "queries",
           "team_queries", "confirmed")  # fmt: skip
STATE_SLUGS = {state.name.lower(): state for state in State}


def by_name(row: Row) -> tuple[str, str]:
    return row.school.name.casefold(), row.school.laestab


# -- The filters -------------------------------------------------------------------------------


class ProgressFilter(forms.Form):
    q = forms.CharField(
        label="School name, URN or LAESTAB", required=False, max_length=100, strip=True
    )
    state = forms.ChoiceField(label="State", required=False)
    district = forms.ChoiceField(label="District", required=False)
    phase = forms.ChoiceField(label="Phase", required=False)

    def __init__(self, data: Any, *, districts: Iterable[str], phases: Iterable[str]) -> None:
        super().__init__(data)
        offered = {
            "state": [("", "Any state")] + [(k, s.value) for k, s in STATE_SLUGS.items()],
            "district": [("", "Any district")] + [(d, d) for d in districts],
            "phase": [("", "Any phase")] + [(p, p) for p in phases],
        }
        for name, choices in offered.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    def value(self, name: str) -> str:
        self.is_valid()
        return str(self.cleaned_data.get(name) or "")


FILTER_NAMES = ("q", "state", "district", "phase")


@dataclass
class Table:
    collection: Collection
    form: ProgressFilter
    rows: list[Row]
    sort: str
    today: dt.date

    def query(self, **changes: str) -> str:
        """The query string of this table's filters and sort, with some changed."""
        values = {name: self.form.value(name) for name in FILTER_NAMES} | {"sort": self.sort}
        values |= changes
        return urlencode(
            {k: v for k, v in values.items() if v and not (k == "sort" and v == "name")}
        )

    @property
    def filtered(self) -> bool:
        return any(self.form.value(name) for name in FILTER_NAMES)


def progress_table(collection: Collection, data: Any) -> Table:
    """The schools as the page, the CSV and the XLSX show them: filtered, then sorted."""
    schools = School.objects.all()
    districts = _distinct(schools, "district")
    phases = _distinct(schools, "phase")
    form = ProgressFilter(data, districts=districts, phases=phases)
    if not form.is_valid():  # a stale link's unknown district: dropped, not an error to fix
        valid = {k: v for k, v in form.cleaned_data.items() if v}
        form = ProgressFilter(valid, districts=districts, phases=phases)
    found = list(_chosen(schools, form))
    now = today()
    standings = standings_for(collection, found, now)
    rows = [Row(school, standings[school.pk]) for school in found]
    if state := STATE_SLUGS.get(form.value("state")):
        rows = [r for r in rows if r.state == state]
    sort = sort_asked(data.get("sort"), SORTS, "name")
    return Table(collection, form, sort_rows(rows, sort, SORTS, by_name), sort, now)


def _chosen(schools: QuerySet[School], form: ProgressFilter) -> QuerySet[School]:
    """The schools the search, the district and the phase let through."""
    if search := form.value("q"):
        found_by = Q(name__icontains=search)
        digits = search.replace("/", "").replace(" ", "")  # LAESTAB written as 330/2001
        if digits.isdigit():
            found_by |= Q(urn__startswith=digits) | Q(laestab__startswith=digits)
        schools = schools.filter(found_by)
    if district := form.value("district"):
        schools = schools.filter(district=district)
    if phase := form.value("phase"):
        schools = schools.filter(phase=phase)
    return schools


def collection_lock(collection: Collection) -> Lock | None:
    """The lock on the whole collection, if any (a school's own locks are in its standing)."""
    return (
        Lock.objects.filter(collection=collection, school__isnull=True, unlocked_at__isnull=True)
        .select_related("locked_by")
        .first()
    )


def _distinct(schools: QuerySet[School], field: str) -> list[str]:
    values = schools.exclude(**{field: ""}).order_by(field).values_list(field, flat=True)
    return list(values.distinct())


# -- Totals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    expected: int
    submitted: int
    submitted_late: int
    late: int
    not_started: int


def totals(rows: Sequence[Row]) -> Totals:
    steps = Counter(r.standing.step for r in rows)
    return Totals(
        expected=len(rows),
        submitted=steps[State.SUBMITTED],
        submitted_late=sum(
            1 for r in rows if r.standing.step == State.SUBMITTED and r.standing.submitted_late
        ),
        late=sum(1 for r in rows if r.state == State.LATE),
        not_started=steps[State.NOT_STARTED],
    )
