"""The data team's results pages: the comparison figures held (and importing them), a
collection's LA figures against national, every school's headline figures and their spread,
and the school- and pupil-level exports.

The results page runs a fixed number of queries however many schools the LA has: every
current record is loaded once and grouped by school in Python, and the pure core computes each
school's figures. Anything about one school that other schools' eyes can reach is suppressed
(`c` for a group of 5 pupils or fewer, or the group hidden with it so that it cannot be
worked out from the others); the pupil-level exports are audited downloads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from keystage.checks.run import Lookup
from keystage.codesets import codeset_for
from keystage.ctf.model import Pupil, pupil_from_dict
from keystage.exports import csv_text
from keystage.measures import AVERAGE, SPECS, Measure, compute, suppress
from keystage.measures.compute import scorer_for
from keystage.measures.groups import groups_of
from keystage.measures.labels import GROUPS, LABELS, group_label, label
from keystage.measures.results import by_role
from keystage.web.accounts.access import la_user_required
from keystage.web.common.audit import Action, record
from keystage.web.common.clock import today
from keystage.web.common.pupil_ids import pseudonym
from keystage.web.common.sorting import Column, by_key, headings, sort_asked, sort_rows
from keystage.web.common.xlsx import CONTENT_TYPE, workbook
from keystage.web.models import Collection, ComparisonFigure, PupilRecord, Role, School, User
from keystage.web.results.comparisons import ComparisonImportError, import_figures
from keystage.web.results.pupils import current_records, la_pupils

# -- Words for people ---------------------------------------------------------------------------

# The figures each school's row shows; the first is the headline the spread is drawn for.
HEADLINES = {
    "EYFSP": ("eyfsp_gld", "eyfsp_all_elgs_expected", "eyfsp_avg_elgs_expected"),
    "PHON": ("phon_y1_met", "phon_recheck_met"),
    "KS1": ("ks1_reading_exs_plus", "ks1_writing_exs_plus", "ks1_maths_exs_plus",
            "ks1_rwm_exs_plus"),
    "KS2": ("ks2_rwm_exs_plus", "ks2_reading_exs_plus", "ks2_writing_exs_plus",
            "ks2_maths_exs_plus"),
}  # fmt: skip
NO_DATA = "\N{EN DASH}"


def shown(m: Measure | None) -> str:
    """A figure as a page shows it: 62.7%, 13.4, c (suppressed) or a dash (no pupils)."""
    if m is None:
        return NO_DATA
    if m.suppressed:
        return "c"
    figure = m.value if m.kind == AVERAGE else m.percent
    if figure is None:
        return NO_DATA
    return f"{figure:.1f}" if m.kind == AVERAGE else f"{figure:.1f}%"


def figure_of(m: Measure | None) -> float | None:
    if m is None or m.suppressed:
        return None
    return m.value if m.kind == AVERAGE else m.percent


# -- Computing: every current record once, grouped by school -----------------------------------


@dataclass
class Cohort:
    collection: Collection
    by_school: dict[int, list[PupilRecord]]

    @property
    def records(self) -> Iterable[PupilRecord]:
        return (r for rows in self.by_school.values() for r in rows)


def cohort_of(collection: Collection) -> Cohort:
    by_school: dict[int, list[PupilRecord]] = defaultdict(list)
    for row in current_records(collection):
        by_school[row.submission.school_id].append(row)
    return Cohort(collection, dict(by_school))


def figures(collection: Collection, pupils: Iterable[Pupil]) -> list[Measure]:
    return compute(pupils, collection.kind, codeset_for(collection.academic_year))


def _pupils(rows: Iterable[PupilRecord]) -> list[Pupil]:
    return [pupil_from_dict(r.data) for r in rows]


@dataclass
class SchoolRow:
    school: School
    pupils: int
    figures: dict[str, Measure]  # measure -> its "all" figure, as other schools may see it

    def cells(self, measures: Sequence[str]) -> list[str]:
        return [shown(self.figures.get(m)) for m in measures]


def school_rows(cohort: Cohort, schools: Iterable[School], *, suppressed: bool) -> list[SchoolRow]:
    """Each school's figures for "all", suppressed (beyond the school) or as they are."""
    rows = []
    for school in schools:
        records = cohort.by_school.get(school.pk, [])
        found = figures(cohort.collection, _pupils(records)) if records else []
        if suppressed:
            found = suppress(found)
        rows.append(
            SchoolRow(school, len(records), {m.measure: m for m in found if m.group == "all"})
        )
    return rows


def columns(measures: Sequence[str]) -> dict[str, Column[SchoolRow]]:
    """The schools' table's columns: a blank (no data, or `c`) sorts last either way."""
    return by_key(
        Column("name", "School", lambda r: r.school.name.casefold()),
        Column("district", "District", lambda r: r.school.district.casefold() or None),
        Column("pupils", "Pupils", lambda r: r.pupils or None, numeric=True),
        *(Column(m, label(m), _by_figure(m), numeric=True) for m in measures),
    )


def _by_figure(measure: str) -> Callable[[SchoolRow], float | None]:
    return lambda row: figure_of(row.figures.get(measure))


def by_name(row: SchoolRow) -> tuple[str, str]:
    return row.school.name.casefold(), row.school.laestab


# -- National figures --------------------------------------------------------------------------


def national_figures(collection: Collection) -> dict[tuple[str, str], ComparisonFigure]:
    """(measure, group) -> England's figure for the collection's year, or the latest before it
    (the page says which year and where it is from)."""
    names = [s.name for s in SPECS[collection.kind]]
    found: dict[tuple[str, str], ComparisonFigure] = {}
    rows = ComparisonFigure.objects.filter(
        measure__in=names,
        level=ComparisonFigure.Level.NATIONAL,
        academic_year__lte=collection.academic_year,
    ).order_by("-academic_year", "-imported_at")
    for row in rows:
        found.setdefault((row.measure, row.group), row)
    return found


@dataclass(frozen=True)
class Comparison:
    measure: str
    group: str
    ours: Measure
    national: ComparisonFigure | None

    @property
    def label(self) -> str:
        return label(self.measure)

    @property
    def group_label(self) -> str:
        return group_label(self.group)

    @property
    def ours_text(self) -> str:
        return shown(self.ours)

    @property
    def counts(self) -> str:
        m = self.ours
        if m.suppressed or not m.denominator:
            return ""
        if m.kind == AVERAGE:
            return f"over {m.denominator} pupils"
        return f"{m.numerator} of {m.denominator}"

    @property
    def national_text(self) -> str:
        n = self.national
        if n is None or n.value is None:
            return "Not held"
        return f"{n.value:.1f}" if self.ours.kind == AVERAGE else f"{n.value:.1f}%"


# -- Charts, drawn on the server as SVG ---------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    text: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class BarRow:
    label: str
    label_y: float
    ours: Bar | None
    national: Bar | None


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: int
    rows: list[BarRow]
    ticks: list[tuple[float, str]]


def comparison_chart(comparisons: Sequence[Comparison]) -> BarChart:
    """Horizontal bars, 0-100%: the LA's figure and England's for each percentage measure."""
    width, left, right, top, step = 680, 280, 600, 36, 48
    scale = (right - left) / 100
    rows = []
    percents = [c for c in comparisons if c.ours.kind != AVERAGE]
    for n, c in enumerate(percents):
        y = top + n * step
        national = c.national.value if c.national else None
        rows.append(BarRow(c.label, y + 20, _bar(figure_of(c.ours), left, y, scale),
                           _bar(national, left, y + 19, scale)))  # fmt: skip
    ticks = [(left + v * scale, f"{v}%") for v in (0, 25, 50, 75, 100)]
    return BarChart(width, top + len(percents) * step + 8, left, right, rows, ticks)


def _bar(value: float | None, left: int, y: float, scale: float) -> Bar | None:
    if value is None:
        return None
    width = round(value * scale, 1)
    return Bar(left, y, width, 16, f"{value:.1f}%", left + width + 4, y + 13)


@dataclass(frozen=True)
class Band:
    label: str
    schools: int
    bar: Bar


@dataclass(frozen=True)
class Histogram:
    width: int
    height: int
    bottom: int
    left: int
    right: int
    bands: list[Band]
    shown: int  # schools with a figure that may be shown


def histogram(rows: Sequence[SchoolRow], measure: str) -> Histogram:
    """Schools by their headline percentage in 10-point bands (100% in the last)."""
    counts = [0] * 10
    for row in rows:
        value = figure_of(row.figures.get(measure))
        if value is not None:
            counts[min(int(value // 10), 9)] += 1
    width, left, right, top, bottom = 640, 40, 620, 24, 220
    slot = (right - left) / 10
    tallest = max(max(counts), 1)
    bands = []
    for n, schools in enumerate(counts):
        height = round(schools / tallest * (bottom - top), 1)
        x = round(left + n * slot + 3, 1)
        text = f"{n * 10}\N{EN DASH}{n * 10 + 9 if n < 9 else 100}%"
        bar = Bar(x, bottom - height, round(slot - 6, 1), height, str(schools),
                  round(x + (slot - 6) / 2, 1), bottom - height - 6)  # fmt: skip
        bands.append(Band(text, schools, bar))
    return Histogram(width, bottom + 40, bottom, left, right, bands, sum(counts))


# -- The results page ---------------------------------------------------------------------------


@la_user_required
@require_safe
def results_page(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    cohort = cohort_of(collection)
    schools = list(School.objects.all())
    headline = HEADLINES[collection.kind]
    rows = school_rows(cohort, schools, suppressed=True)
    la_pupils_now, provisional = la_pupils(collection)
    ours = suppress(figures(collection, la_pupils_now))
    national = national_figures(collection)
    overall = [
        Comparison(m.measure, m.group, m, national.get((m.measure, m.group)))
        for m in ours
        if m.group == "all" and m.measure != "eyfsp_not_assessed"
    ]
    breakdown = [
        Comparison(m.measure, m.group, m, national.get((m.measure, m.group)))
        for m in ours
        if m.measure == headline[0]
    ]
    table = columns(headline)
    sort = sort_asked(request.GET.get("sort"), table, "name")
    ordered = sort_rows(rows, sort, table, by_name)
    return render(
        request,
        "la/results.html",
        {
            "collection": collection,
            "la_name": settings.LA_NAME,
            "provisional": provisional,
            "overall": overall,
            "breakdown": breakdown,
            "headline": headline[0],
            "headline_label": label(headline[0]),
            "chart": comparison_chart(overall),
            "table_rows": [(r, r.cells(headline)) for r in ordered],
            "headings": headings(list(table.values()), sort, _sorted_by),
            "histogram": histogram(rows, headline[0]),
            "pupils": sum(r.pupils for r in rows),
            "with_data": sum(1 for r in rows if r.pupils),
        },
    )


def _sorted_by(sort: str) -> str:
    return "?" + urlencode({"sort": sort}) + "#schools"


# -- Exports --------------------------------------------------------------------------------------


def _attachment(body: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _flag(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name, "") in ("1", "yes", "true")


def school_table(collection: Collection, *, publication: bool) -> list[list[object]]:
    """Every school with every measure's "all" figure; for publication, small groups are `c`."""
    specs = [s for s in SPECS[collection.kind] if s.name != "eyfsp_not_assessed"]
    head: list[object] = ["LAESTAB", "URN", "School", "District", "Pupils"]
    for s in specs:
        parts = ("denominator", "value") if s.kind == AVERAGE else (
            "numerator", "denominator", "percent")  # fmt: skip
        head += [f"{s.name}_{p}" for p in parts]
    rows = school_rows(cohort_of(collection), School.objects.all(), suppressed=publication)
    table = [head]
    for row in sorted(rows, key=lambda r: r.school.laestab):
        line: list[object] = [row.school.laestab, row.school.urn, row.school.name,
                              row.school.district, row.pupils]  # fmt: skip
        for s in specs:
            line += _export_cells(row.figures.get(s.name), s.kind == AVERAGE)
        table.append(line)
    return table


def _export_cells(m: Measure | None, average: bool) -> list[object]:
    width = 2 if average else 3
    if m is None:
        return [None] * width
    if m.suppressed:
        return ["c"] * width
    if average:
        return [m.denominator, m.value]
    return [m.numerator, m.denominator, m.percent]


def _export_name(collection: Collection, what: str, extension: str) -> str:
    return f"{collection.kind}-{collection.academic_year}-{what}-{today():%Y-%m-%d}.{extension}"


@la_user_required
@require_safe
def results_csv(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    publication = _flag(request, "publication")
    what = "school-results-publication" if publication else "school-results"
    return _attachment(
        csv_text(school_table(collection, publication=publication)),
        "text/csv; charset=utf-8",
        _export_name(collection, what, "csv"),
    )


@la_user_required
@require_safe
def results_xlsx(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    publication = _flag(request, "publication")
    what = "school-results-publication" if publication else "school-results"
    body = workbook({collection.short_name: school_table(collection, publication=publication)})
    return _attachment(body, CONTENT_TYPE, _export_name(collection, what, "xlsx"))


# Pupil level. Minimised (?minimised=1): no names, no date of birth, no UPN. The UPN is a
# national identifier that follows a child through school, so a pupil ID stands in for it
# (keystage.web.common.pupil_ids): the same across downloads of one collection, so files can be
# joined. Term of birth stands in for the date of birth.

FULL_PUPIL = ["LAESTAB", "School", "UPN", "Surname", "Forename", "Date of birth"]
MINIMISED_PUPIL = ["LAESTAB", "Pupil ID"]
PUPIL_FLAGS = ["Sex", "NC year", "Term of birth", "Disadvantaged", "SEN", "EAL", "Ethnic group"]


def pupil_table(collection: Collection, *, minimised: bool) -> list[list[object]]:
    """Every current pupil with their groups and, per measure, 1 met / 0 not (a score for an
    average; blank where the pupil is not counted)."""
    codeset = codeset_for(collection.academic_year)
    scorer, lookup = scorer_for(collection.kind, codeset), Lookup(codeset)
    names = [s.name for s in SPECS[collection.kind]]
    schools = {s.pk: s for s in School.objects.all()}
    head: list[object] = [*(MINIMISED_PUPIL if minimised else FULL_PUPIL), *PUPIL_FLAGS, *names]
    lines: list[tuple[tuple[str, ...], list[object]]] = []
    for row in current_records(collection):
        school = schools[row.submission.school_id]
        pupil = pupil_from_dict(row.data)
        flags = [g.split("=", 1)[1] for g in groups_of(pupil, codeset)[1:]]
        scores = dict(scorer.score(pupil, by_role(pupil, lookup, collection.kind)))
        if minimised:
            ident = pseudonym(collection, row.upn or f"record {row.pk}")
            who: list[object] = [school.laestab, ident]
            order: tuple[str, ...] = (school.laestab, ident)
        else:
            who = [school.laestab, school.name, row.upn, row.surname, row.forename, row.dob]
            order = (school.laestab, row.surname.casefold(), row.forename.casefold(), row.upn)
        outcomes = [scores.get(n) for n in names]
        lines.append((order, [*who, flags[0], row.nc_year, flags[4], *flags[1:4], flags[5],
                              *outcomes]))  # fmt: skip
    return [head, *(line for _, line in sorted(lines, key=lambda item: item[0]))]


def _pupil_download(request: HttpRequest, collection_id: int, extension: str) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    minimised = _flag(request, "minimised")
    table = pupil_table(collection, minimised=minimised)
    kind = "minimised, no names, dates of birth or UPNs" if minimised else "with names"
    record(
        Action.DOWNLOAD,
        f"downloaded the pupil-level results of every school ({extension.upper()}, {kind})",
        request=request, collection=collection, minimised=minimised, pupils=len(table) - 1,
        format=extension,
    )  # fmt: skip
    what = "pupils-minimised" if minimised else "pupils"
    name = _export_name(collection, what, extension)
    if extension == "csv":
        return _attachment(csv_text(table), "text/csv; charset=utf-8", name)
    return _attachment(workbook({collection.short_name: table}), CONTENT_TYPE, name)


@la_user_required
@require_safe
def pupils_csv(request: HttpRequest, collection_id: int) -> HttpResponse:
    return _pupil_download(request, collection_id, "csv")


@la_user_required
@require_safe
def pupils_xlsx(request: HttpRequest, collection_id: int) -> HttpResponse:
    return _pupil_download(request, collection_id, "xlsx")


# -- The comparison figures held, and importing them (LA administrators) ------------------------


class ComparisonUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV of figures",
        help_text="A DfE statistics table (for example the EYFSP headline measures file), or "
        "the simple layout: measure, group, level, area, academic_year, value, numerator, "
        "denominator.",
        error_messages={"required": "Select the CSV file to import"},
    )
    source = forms.CharField(
        label="Where the figures come from",
        help_text="Shown beside every figure: the publication, its date and the file, for "
        "example “DfE, EYFSP results 2021/22, 1_eyfsp_headline_measures_2022.csv”.",
        max_length=300,
        error_messages={"required": "Enter where the figures come from"},
    )


class FigureFilter(forms.Form):
    measure = forms.ChoiceField(label="Measure", required=False)
    level = forms.ChoiceField(label="Level", required=False)
    year = forms.ChoiceField(label="Academic year", required=False)
    group = forms.ChoiceField(label="Group", required=False)

    def __init__(self, data: Any, *, years: Iterable[str]) -> None:
        super().__init__(data)
        offered = {
            "measure": [("", "Any measure")] + [(k, f"{v} ({k})") for k, v in LABELS.items()],
            "level": [("", "Any level"), *ComparisonFigure.Level.choices],
            "year": [("", "Any year")] + [(y, y) for y in years],
            "group": [("", "Any group"), *GROUPS.items()],
        }
        for name, choices in offered.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    def value(self, name: str) -> str:
        self.is_valid()
        return str(self.cleaned_data.get(name) or "")


def _is_admin(request: HttpRequest) -> bool:
    return isinstance(request.user, User) and request.user.role == Role.LA_ADMIN


@la_user_required
def comparisons_page(request: HttpRequest) -> HttpResponse:
    upload = ComparisonUploadForm()
    if request.method == "POST":
        if not _is_admin(request):
            raise Http404("Importing comparison figures is for LA administrators.")
        upload = ComparisonUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                summary = import_figures(
                    upload.cleaned_data["file"], source=upload.cleaned_data["source"],
                    user=request.user if isinstance(request.user, User) else None,
                )  # fmt: skip
            except ComparisonImportError as problem:
                upload.add_error("file", str(problem))
            else:
                name = upload.cleaned_data["file"].name
                record(
                    Action.IMPORT, f"imported comparison figures from {name}",
                    request=request, created=summary.created, updated=summary.updated,
                    source=upload.cleaned_data["source"],
                )  # fmt: skip
                messages.success(request, " ".join(summary.lines()))
                return redirect("portal:la_comparisons")
    held = ComparisonFigure.objects.all()
    years = held.order_by("-academic_year").values_list("academic_year", flat=True).distinct()
    chosen = FigureFilter(request.GET, years=list(years))
    for name, column in (("measure", "measure"), ("level", "level"),
                         ("year", "academic_year"), ("group", "group")):  # fmt: skip
        if value := chosen.value(name):
            held = held.filter(**{column: value})
    page = Paginator(held, 200).get_page(request.GET.get("page"))
    filters = {k: chosen.value(k) for k in ("measure", "level", "year", "group")}
    return render(
        request,
        "la/comparisons.html",
        {
            "page": page,
            "form": chosen,
            "upload": upload if _is_admin(request) else None,
            "filtered": any(filters.values()),
            "query": urlencode({k: v for k, v in filters.items() if v}),
        },
    )


urls: list[URLPattern] = [
    path("la/comparisons/", comparisons_page, name="la_comparisons"),
    path("la/collections/<int:collection_id>/results/", results_page, name="la_results"),
    path("la/collections/<int:collection_id>/results.csv", results_csv, name="la_results_csv"),
    path("la/collections/<int:collection_id>/results.xlsx", results_xlsx,
         name="la_results_xlsx"),
    path("la/collections/<int:collection_id>/pupils.csv", pupils_csv, name="la_pupils_csv"),
    path("la/collections/<int:collection_id>/pupils.xlsx", pupils_xlsx, name="la_pupils_xlsx"),
]  # fmt: skip
