"""The data team's collection page (every school's progress, its CSV and XLSX exports) and its
page for one school (every version, its findings, the confirmation, the queries, the lock).

The collection page runs a fixed number of queries however many schools the LA has: the
schools in one query, their standings through `standings_for`, and nothing per row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape as escape_html
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from keystage.exports import write_csv
from keystage.web.accounts.access import la_user_required
from keystage.web.common.audit import Action, record
from keystage.web.common.clock import today
from keystage.web.common.page_views import viewed
from keystage.web.common.sorting import Column, Heading, by_key, headings, sort_asked, sort_rows
from keystage.web.common.xlsx import CONTENT_TYPE, workbook
from keystage.web.models import (
    Collection,
    Confirmation,
    Lock,
    PupilMatch,
    QueryMessage,
    RefusedUpload,
    School,
    Submission,
    TeamQuery,
)
from keystage.web.submissions import downloads
from keystage.web.submissions.findings import findings_of
from keystage.web.submissions.locks import active_lock
from keystage.web.submissions.state import Standing, State, standing, standings_for
from keystage.web.workspace.held import matches

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


def progress_table(collection: Collection, data: Any) -> Table:
    """The schools as the page, the CSV and the XLSX show them: filtered, then sorted."""
    schools = School.objects.all()
    districts = _distinct(schools, "district")
    phases = _distinct(schools, "phase")
    form = ProgressFilter(data, districts=districts, phases=phases)
    if not form.is_valid():  # a stale link's unknown district: dropped, not an error to fix
        valid = {k: v for k, v in form.cleaned_data.items() if v}
        form = ProgressFilter(valid, districts=districts, phases=phases)
    chosen = schools
    if search := form.value("q"):
        found_by = Q(name__icontains=search)
        digits = search.replace("/", "").replace(" ", "")  # LAESTAB written as 330/2001
        if digits.isdigit():
            found_by |= Q(urn__startswith=digits) | Q(laestab__startswith=digits)
        chosen = chosen.filter(found_by)
    if district := form.value("district"):
        chosen = chosen.filter(district=district)
    if phase := form.value("phase"):
        chosen = chosen.filter(phase=phase)
    found = list(chosen)
    now = today()
    standings = standings_for(collection, found, now)
    rows = [Row(school, standings[school.pk]) for school in found]
    if state := STATE_SLUGS.get(form.value("state")):
        rows = [r for r in rows if r.state == state]
    sort = sort_asked(data.get("sort"), SORTS, "name")
    return Table(collection, form, sort_rows(rows, sort, SORTS, by_name), sort, now)


def _distinct(schools: QuerySet[School], field: str) -> list[str]:
    values = schools.exclude(**{field: ""}).order_by(field).values_list(field, flat=True)
    return list(values.distinct())


# -- Totals and the chart -------------------------------------------------------------------


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


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    """Schools submitted by each day since the window opened, drawn as SVG on the server."""

    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    points: str  # the polyline
    deadline_x: float
    deadline_anchor: str  # the deadline's label sits beside its line, inside the chart
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    days: list[tuple[dt.date, int, int]]  # each day a school submitted: new that day, so far
    submitted: int
    expected: int
    last_day: dt.date


def submissions_chart(collection: Collection, rows: Sequence[Row], now: dt.date) -> Chart:
    """Counts a school on the day its standing confirmation was signed, if it has submitted."""
    width, height, left, right, top, bottom = 640, 270, 56, 620, 16, 240
    start = collection.opens
    signed = Counter(
        max(timezone.localdate(r.confirmation.signed_at), start)
        for r in rows
        if r.confirmation is not None and r.standing.step == State.SUBMITTED
    )
    last_day = max([min(now, collection.closes), start, *signed])
    end = max(collection.deadline, last_day)
    span = max((end - start).days, 1)
    expected = len(rows)
    top_value = max(expected, 1)

    def x(day: dt.date) -> float:
        return round(left + (day - start).days / span * (right - left), 1)

    def y(count: int) -> float:
        return round(bottom - count / top_value * (bottom - top), 1)

    so_far, points, days = 0, [], []
    day = start
    while day <= last_day:
        if new := signed.get(day, 0):
            so_far += new
            days.append((day, new, so_far))
        points.append(f"{x(day)},{y(so_far)}")
        day += dt.timedelta(days=1)
    y_ticks = [Tick(y(v), str(v)) for v in sorted({0, expected // 2, expected})]
    x_ticks = [Tick(x(start), f"opened {start:%-d %b}")]
    if end != collection.deadline:
        x_ticks.append(Tick(x(end), f"{end:%-d %b}"))
    deadline_x = x(collection.deadline)
    return Chart(
        width, height, left, top, right, bottom, " ".join(points),
        deadline_x, "end" if deadline_x > (left + right) / 2 else "start",
        x_ticks, y_ticks, days, so_far, expected, last_day,
    )  # fmt: skip


# -- The table's rows as HTML ----------------------------------------------------------------
# Built here rather than in the template: 300 rows of nine cells through the template engine
# cost over 100 ms a request; str.format with html.escape on every value costs a few.

_ROW = (
    '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
    '<a class="govuk-link" href="{href}">{name}</a><br>'
    '<span class="govuk-body-s">{laestab}, URN {urn}{locked}</span></th>'
    '<td class="govuk-table__cell">{district}</td>'
    '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{colour}">{state}</strong>'
    "{state_note}</td>"
    '<td class="govuk-table__cell">{upload}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{pupils}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{errors}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{unanswered}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{team_queries}{replied}</td>'
    '<td class="govuk-table__cell">{confirmed}</td></tr>'
)
_NOTE = ' <span class="govuk-body-s">{}</span>'
_TWO_LINES = '{}<br><span class="govuk-body-s">{}</span>'
_NEWER_REFUSED = '<br><span class="govuk-body-s">then refused upload {}, {} ({})</span>'


def rows_html(rows: Iterable[Row], collection: Collection) -> SafeString:
    # The school page's address, without a reverse() per row: both routes are in this file.
    schools = reverse("portal:la_collection", args=[collection.pk]) + "schools/"
    markup = "".join(row_html(r, f"{schools}{r.school.pk}/") for r in rows)
    # Safe: row_html escapes every value it puts in.
    return mark_safe(markup)  # noqa: S308  # nosec B308 B703


def row_html(row: Row, href: str) -> str:
    """One row of the table as HTML, every value in it escaped."""
    s, signed, e = row.standing, row.confirmation, escape_html
    note = s.step if s.state == State.LATE else "after the deadline" if s.submitted_late else ""
    return _ROW.format(
        href=e(href),
        name=e(row.school.name),
        laestab=e(row.school.laestab),
        urn=e(row.school.urn),
        locked=", locked" if s.locked else "",
        district=e(row.school.district),
        colour=e(s.tag_colour),
        state=e(s.state),
        state_note=_NOTE.format(e(note)) if note else "",
        upload=_upload_cell(s),
        pupils=_count(row.pupils),
        errors=_count(row.errors),
        unanswered=s.unanswered,
        team_queries=s.team_open,
        replied=_NOTE.format(f"{s.team_replied} replied") if s.team_replied else "",
        confirmed=_TWO_LINES.format(e(signed.signer_name), _short(signed.signed_at))
        if signed else "Not yet",
    )  # fmt: skip


def _upload_cell(s: Standing) -> str:
    """The newest version, and a file refused since (apart: it is not a version)."""
    latest, kept, e = s.latest, s.refused_since, escape_html
    said = _TWO_LINES.format(
        _short(latest.uploaded_at),
        e(f"version {latest.version}, {latest.get_status_display().lower()}"),
    ) if latest else "None"  # fmt: skip
    if kept is not None:
        said += _NEWER_REFUSED.format(kept.number, _short(kept.uploaded_at), e(kept.code))
    return said


def _short(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b, %H:%M}"


def _count(value: int | None) -> str:
    return "\N{EN DASH}" if value is None else str(value)


# -- The collection page and its exports ------------------------------------------------------


@la_user_required
@require_safe
def collection_page(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    table = progress_table(collection, request.GET)
    lock = (
        Lock.objects.filter(collection=collection, school__isnull=True, unlocked_at__isnull=True)
        .select_related("locked_by")
        .first()
    )
    exports = table.query()
    return render(
        request,
        "la/progress.html",
        {
            "collection": collection,
            "table": table,
            "form": table.form,
            "rows": table.rows,
            "rows_html": rows_html(table.rows, collection),
            "totals": totals(table.rows),
            "chart": submissions_chart(collection, table.rows, table.today),
            "headings": _headings(table),
            "lock": lock,
            "exports": f"?{exports}" if exports else "",
            "filtered": any(table.form.value(name) for name in FILTER_NAMES),
        },
    )


def _headings(table: Table) -> list[Heading]:
    return headings([SORTS[key] for key in COLUMNS], table.sort,
                    lambda sort: f"?{table.query(sort=sort)}")  # fmt: skip


EXPORT_HEADINGS = [
    "LAESTAB", "URN", "School", "District", "Phase", "State", "Step", "Latest version",
    "Latest upload", "Latest status", "Current version", "Pupils", "Errors",
    "Unanswered queries", "Open data-team queries", "Confirmed by", "Role", "Confirmed at",
    "Locked", "Refused uploads", "Latest refused upload",
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
        ])  # fmt: skip
    return out


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _export_name(collection: Collection, extension: str) -> str:
    return f"{collection.kind}-{collection.academic_year}-progress-{today():%Y-%m-%d}.{extension}"


@la_user_required
@require_safe
def collection_csv(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    table = progress_table(collection, request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(collection, "csv")}"'
    write_csv(response, [EXPORT_HEADINGS, *export_rows(table.rows)])
    return response


@la_user_required
@require_safe
def collection_xlsx(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    table = progress_table(collection, request.GET)
    body = workbook({collection.short_name: [EXPORT_HEADINGS, *export_rows(table.rows)]})
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(collection, "xlsx")}"'
    return response


# -- One school's page ----------------------------------------------------------------------------


@la_user_required
@require_safe
def school_page(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    now = standing(school, collection, today())
    versions = list(
        Submission.objects.filter(school=school, collection=collection).select_related(
            "uploaded_by"
        )
    )
    shown = _version_asked(request, versions) or now.current or now.latest
    confirmations = Confirmation.objects.filter(
        submission__school=school, submission__collection=collection
    ).select_related("submission", "signed_by", "voided_by")
    threads = list(
        TeamQuery.objects.filter(school=school, collection=collection)
        .select_related("raised_by")
        .prefetch_related(
            Prefetch("messages", QueryMessage.objects.select_related("author"), to_attr="thread")
        )
    )
    findings = findings_of(shown) if shown and shown.status == "checked" else None
    held_matches = matches(shown) if shown and shown.status == "held" else []
    trail = list(
        PupilMatch.objects.filter(version__school=school, version__collection=collection)
        .select_related("version", "other_version__school")
        .order_by("-version__version", "upn")
    )
    pupils = (
        (findings.upns if findings else set())
        | {q.upn for q in threads}
        | {m.record.upn for m in held_matches}
        | {m.upn for m in trail}
    )
    which = {"submission": shown.pk} if shown else {}
    viewed(request, f"{school.name}'s page", upns=pupils, school=school, collection=collection,
           **which)  # fmt: skip
    return render(
        request,
        "la/school.html",
        {
            "collection": collection,
            "school": school,
            "standing": now,
            "versions": versions,
            "refused_uploads": list(
                RefusedUpload.objects.filter(school=school, collection=collection).select_related(
                    "uploaded_by"
                )
            ),
            "shown": shown,
            "findings": findings,
            "held_matches": held_matches,
            "trail": trail,
            "confirmations": confirmations,
            "threads": threads,
            "lock": active_lock(collection, school),
        },
    )


def _version_asked(request: HttpRequest, versions: list[Submission]) -> Submission | None:
    """?version=<n>: that version, 404 when the school has none by that number."""
    asked = request.GET.get("version", "")
    if not asked:
        return None
    found = next((v for v in versions if str(v.version) == asked.strip()), None)
    if found is None:
        raise Http404("This school has no version by that number.")
    return found


# -- Pupil-level downloads from the school page: each one is in the audit trail --------------


def _school_version(request: HttpRequest, collection_id: int, school_id: int) -> Submission:
    version = get_object_or_404(
        Submission.objects.select_related("school", "collection"),
        collection_id=collection_id,
        school_id=school_id,
        version=_version_number(request),
    )
    return version


def _version_number(request: HttpRequest) -> int:
    asked = request.GET.get("version", "")
    if not asked.strip().isdigit():
        raise Http404("Say which version: ?version=<number>.")
    return int(asked)


def _downloaded(request: HttpRequest, version: Submission, what: str) -> None:
    record(
        Action.DOWNLOAD, f"downloaded {what} of {version.school.name}'s version {version.version}",
        request=request, school=version.school, collection=version.collection,
        submission=version.pk,
    )  # fmt: skip


@la_user_required
@require_safe
def findings_csv(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    version = _school_version(request, collection_id, school_id)
    _downloaded(request, version, "the findings (CSV)")
    return downloads.findings_csv(version)


@la_user_required
@require_safe
def school_file(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponseBase:
    """The file exactly as the school (or whoever sent it for the school) sent it."""
    version = _school_version(request, collection_id, school_id)
    what = f"version {version.version} of {version.school.name}'s file"
    if gone := downloads.unavailable(request, version.file, version.collection, what):
        return gone
    _downloaded(request, version, "the file as sent")
    return downloads.stored_file(version)


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/", collection_page, name="la_collection"),
    path("la/collections/<int:collection_id>/export.csv", collection_csv,
         name="la_collection_csv"),
    path("la/collections/<int:collection_id>/export.xlsx", collection_xlsx,
         name="la_collection_xlsx"),
    path("la/collections/<int:collection_id>/schools/<int:school_id>/", school_page,
         name="la_school"),
    path("la/collections/<int:collection_id>/schools/<int:school_id>/findings.csv",
         findings_csv, name="la_school_findings_csv"),
    path("la/collections/<int:collection_id>/schools/<int:school_id>/file/", school_file,
         name="la_school_file"),
]  # fmt: skip
