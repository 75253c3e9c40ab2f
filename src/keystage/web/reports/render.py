"""A school's two PDF reports: the school-level summary and the pupil-level results.

The figures are the measures' own (keystage.measures): the school's, the LA's (every school's
pupils pooled, computed once per data state and shared by the workers through the cache) and
England's (ComparisonFigure). Rendering is WeasyPrint's, tagged (PDF/UA-1), with the fonts
shipped in ./fonts and nothing fetched from anywhere else (fetcher.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.template.loader import render_to_string
from django.utils import timezone

from keystage.checks.run import Lookup
from keystage.codesets import Codeset, codeset_for
from keystage.codesets.model import AssessmentType, as_mark
from keystage.ctf.model import Pupil, pupil_from_dict
from keystage.measures import AVERAGE, Measure, compute, mark_small
from keystage.measures.compute import scorer_for
from keystage.measures.groups import dimension_of
from keystage.measures.labels import DIMENSIONS, group_label, label
from keystage.measures.results import by_role, latest
from keystage.web.common.pdf import pdf_of
from keystage.web.models import Collection, ComparisonFigure, School, Submission
from keystage.web.moderation import records as moderation
from keystage.web.reports import charts
from keystage.web.results.pupils import current_records, la_pupils, la_schools, measures_for, pupils
from keystage.web.workspace.shared_pupils import excluded_records

# The measures broken down by pupil group (a table column each) and charted.
MAIN = {
    "EYFSP": ("eyfsp_gld", "eyfsp_all_elgs_expected"),
    "PHON": ("phon_y1_met", "phon_recheck_met"),
    "KS1": ("ks1_rwm_exs_plus", "ks1_reading_exs_plus", "ks1_writing_exs_plus",
            "ks1_maths_exs_plus"),
    "KS2": ("ks2_rwm_exs_plus", "ks2_reading_exs_plus", "ks2_writing_exs_plus",
            "ks2_maths_exs_plus"),
}  # fmt: skip

# Short names for table headings and chart labels (the full labels are in the headline table).
SHORT = {
    "eyfsp_gld": "GLD", "eyfsp_all_elgs_expected": "All 17 goals",
    "phon_y1_met": "Year 1 met", "phon_recheck_met": "Re-check met",
    "ks1_rwm_exs_plus": "RWM EXS+", "ks1_reading_exs_plus": "Reading EXS+",
    "ks1_writing_exs_plus": "Writing EXS+", "ks1_maths_exs_plus": "Maths EXS+",
    "ks2_rwm_exs_plus": "RWM expected", "ks2_reading_exs_plus": "Reading expected",
    "ks2_writing_exs_plus": "Writing expected", "ks2_maths_exs_plus": "Maths expected",
}  # fmt: skip

# The pupil-level report's derived flags: (measure, column heading).
FLAGS = {
    "EYFSP": (("eyfsp_gld", "GLD"), ("eyfsp_all_elgs_expected", "All goals")),
    "PHON": (("phon_y1_met", "Met (Year 1)"), ("phon_recheck_met", "Met (re-check)")),
    "KS1": (("ks1_reading_exs_plus", "Reading EXS+"), ("ks1_writing_exs_plus", "Writing EXS+"),
            ("ks1_maths_exs_plus", "Maths EXS+"), ("ks1_science_exs", "Science EXS"),
            ("ks1_rwm_exs_plus", "RWM EXS+")),
    "KS2": (("ks2_reading_exs_plus", "Reading EXS"), ("ks2_writing_exs_plus", "Writing EXS"),
            ("ks2_maths_exs_plus", "Maths EXS"), ("ks2_gps_exs_plus", "GPS EXS"),
            ("ks2_rwm_exs_plus", "RWM EXS"), ("ks2_rwm_high", "RWM higher")),
}  # fmt: skip

NOT_AVAILABLE = "not available"
LA_CACHE_SECONDS = 6 * 60 * 60


# -- Figures -----------------------------------------------------------------------------------


def figure(m: Measure | None) -> str:
    """A figure as the reports print it: "31 of 40 (77.5%)", or a mean and its pupils."""
    if m is None or m.denominator is None:
        return NOT_AVAILABLE
    if m.kind == AVERAGE:
        return "no pupils" if m.value is None else f"{m.value:.1f} ({m.denominator} pupils)"
    if m.percent is None:
        return "no pupils"
    return f"{m.numerator} of {m.denominator} ({m.percent:.1f}%)"


def share(m: Measure | None) -> str:
    """Just the percentage or mean (the LA's and trend columns)."""
    if m is None:
        return NOT_AVAILABLE
    number = m.value if m.kind == AVERAGE else m.percent
    if number is None:
        return "no pupils"
    return f"{number:.1f}" if m.kind == AVERAGE else f"{number:.1f}%"


def la_measures(collection: Collection) -> dict[tuple[str, str], Measure]:
    """The LA's figures (every school pooled), computed once per state of the data: the key
    changes whenever any school's current version or the data team's decisions change."""
    digest = hashlib.sha256()
    current = Submission.objects.filter(collection=collection, is_current=True)
    for pk in current.order_by("pk").values_list("pk", flat=True):
        digest.update(f"{pk};".encode())
    for school_id, upn in sorted(excluded_records(collection)):
        digest.update(f"{school_id}:{upn};".encode())
    locked, provisional = la_schools(collection)
    digest.update(f"{sorted(locked or ())}:{provisional}".encode())
    digest.update(moderation.state(collection).encode())  # KS2 judgements after moderation
    key = f"reports:la:{collection.pk}:{digest.hexdigest()}"
    found: list[Measure] | None = shared_cache.get(key)
    if found is None:
        found = compute(la_pupils(collection)[0], collection.kind,
                        codeset_for(collection.academic_year))  # fmt: skip
        shared_cache.set(key, found, LA_CACHE_SECONDS)
    return {(m.measure, m.group): m for m in found}


@dataclass(frozen=True)
class National:
    value: float | None
    kind: str
    area: str
    academic_year: str
    source: str

    @property
    def shown(self) -> str:
        if self.value is None:
            return "c"  # suppressed at source
        return f"{self.value:.1f}" if self.kind == AVERAGE else f"{self.value:.1f}%"


def national(collection: Collection, names: Iterable[str]) -> dict[tuple[str, str], National]:
    """England's figure for each measure and group: the latest year up to the collection's."""
    kinds = {spec_name: AVERAGE if "_avg_" in spec_name else "percent" for spec_name in names}
    rows = ComparisonFigure.objects.filter(
        level=ComparisonFigure.Level.NATIONAL,
        measure__in=list(kinds),
        academic_year__lte=collection.academic_year,
    ).order_by("measure", "group", "-academic_year")
    found: dict[tuple[str, str], National] = {}
    for row in rows:
        found.setdefault(
            (row.measure, row.group),
            National(row.value, kinds[row.measure], row.area, row.academic_year, row.source),
        )
    return found


# -- The school-level report -------------------------------------------------------------------


@dataclass
class HeadlineRow:
    label: str
    school: str
    small: bool
    la: str
    england: str  # its source and year: _england_sources


@dataclass
class BreakdownRow:
    label: str
    pupils: int
    cells: list[str]  # a main measure each: "the school's (the LA's)"
    small: bool  # a figure of the row is over 5 pupils or fewer


@dataclass
class Breakdown:
    title: str
    rows: list[BreakdownRow] = field(default_factory=list)


def school_context(school: School, collection: Collection) -> dict[str, Any]:
    codeset = codeset_for(collection.academic_year)
    found = pupils(collection, school)  # loaded once: the measures', the subjects' and trend's
    measures = compute(found, collection.kind, codeset)
    mine = mark_small(measures)
    own = {(m.measure, m.group): m for m in mine}
    la = la_measures(collection)
    names = [m.measure for m in mine if m.group == "all"]
    england = national(collection, names)
    main = [name for name in MAIN.get(collection.kind, ()) if name in names]
    subjects = _subjects(found, collection.kind, codeset)
    return {
        **_front(school, collection, "School-level results"),
        "headline": [_headline(name, own, la, england) for name in names],
        "england_sources": _england_sources(names, england),
        "chart": _chart(main, own, la, england),
        "subjects": subjects,
        "spread": charts.spread([charts.Spread(s.label, s.chart) for s in subjects], STANDARDS),
        "main": [(SHORT.get(name, name), label(name)) for name in main],
        "breakdowns": _breakdowns(mine, main, own, la),
        "trend": _trend(school, collection, measures, main),
        "note": next((m.note for m in mine if m.note and m.group == "all"), None),
        "la_provisional": la_schools(collection)[1],
    }


def _front(school: School, collection: Collection, title: str) -> dict[str, Any]:
    version = (
        Submission.objects.filter(school=school, collection=collection, is_current=True)
        .only("version", "checked_at", "uploaded_at")
        .first()
    )
    return {
        "title": f"{title}: {school.name}, {collection}",
        "heading": title,
        "school": school,
        "collection": collection,
        "version": version,
        "la_name": settings.LA_NAME,
        "made_at": timezone.localtime(),
    }


def _headline(
    name: str,
    own: dict[tuple[str, str], Measure],
    la: dict[tuple[str, str], Measure],
    england: dict[tuple[str, str], National],
) -> HeadlineRow:
    mine = own.get((name, "all"))
    found = england.get((name, "all"))
    return HeadlineRow(
        label=label(name),
        school=figure(mine),
        small=bool(mine and mine.small),
        la=share(la.get((name, "all"))),
        england=found.shown if found else NOT_AVAILABLE,
    )


def _england_sources(
    names: Sequence[str], england: dict[tuple[str, str], National]
) -> list[tuple[str, list[str]]]:
    """Where England's figures come from: each source and year, with the measures it gives
    (no list when one source gives every figure shown)."""
    found: dict[str, list[str]] = {}
    for name in names:
        figure = england.get((name, "all"))
        if figure:
            found.setdefault(f"{figure.source}, {figure.academic_year}", []).append(label(name))
    if len(found) == 1:
        return [(source, []) for source in found]
    return list(found.items())


def _chart(
    main: Sequence[str],
    own: dict[tuple[str, str], Measure],
    la: dict[tuple[str, str], Measure],
    england: dict[tuple[str, str], National],
) -> str:
    rows = []
    for name in main:
        here, pooled, far = (
            own.get((name, "all")),
            la.get((name, "all")),
            england.get((name, "all")),
        )
        rows.append(
            charts.Row(
                SHORT.get(name, name),
                [here.percent if here else None, pooled.percent if pooled else None,
                 far.value if far else None],
            )
        )  # fmt: skip
    return charts.bars(("School", "LA", "England"), rows)


# The spread chart's shades, by _standard's first number (and one for no result).
STANDARDS = (
    "Greater depth", "Expected standard", "Scores or marks", "Working towards or not met",
    "Pre-key stage", "Other (absent and the like)", "No result",
)  # fmt: skip


@dataclass
class Subject:
    label: str
    results: list[tuple[str, int]]  # from the highest standard down
    missing: int
    chart: list[tuple[str, int, int]]  # (result, pupils, shade): the spread chart's


def _standard(result: str, codeset: Codeset) -> tuple[int, float, str]:
    """Sorts a subject's results from the highest standard down: greater depth, the expected
    standard, marks (highest first), other codes (working towards, has not met), pre-key
    stage (highest first), then one-letter codes (absent, left and the like)."""
    if result in codeset.code_set("greater_depth"):
        return 0, 0, result
    if result in codeset.code_set("expected_or_above"):
        return 1, 0, result
    mark = as_mark(result)
    if mark is not None:
        return 2, -mark, result
    if result in codeset.code_set("pre_key_stage"):
        level = as_mark(result[2:]) if result.startswith("PK") else None
        return 4, -(level or 0), result  # the engagement model (no level) last
    return (3 if len(result) > 1 else 5), 0, result


def _subjects(found: list[Pupil], kind: str, codeset: Codeset) -> list[Subject]:
    """Each subject (assessment) of the collection: how many pupils had each result."""
    lookup = Lookup(codeset)
    kinds = codeset.for_collection(kind)
    counts: dict[str, dict[str, int]] = {a.role: {} for a in kinds}
    missing = dict.fromkeys(counts, 0)
    for pupil in found:
        results = by_role(pupil, lookup, kind)
        for a in kinds:
            result = latest(results, a.role)
            if result is None:
                missing[a.role] += 1
            else:
                counts[a.role][result] = counts[a.role].get(result, 0) + 1
    subjects = []
    for a in kinds:
        ranked = sorted((_standard(r, codeset), r, n) for r, n in counts[a.role].items())
        chart = [(r, n, rank[0]) for rank, r, n in ranked]
        chart.append(("No result", missing[a.role], len(STANDARDS) - 1))
        subjects.append(Subject(a.label, [(r, n) for _, r, n in ranked], missing[a.role], chart))
    return [s for s in subjects if s.results]


def _breakdowns(
    mine: list[Measure],
    main: Sequence[str],
    own: dict[tuple[str, str], Measure],
    la: dict[tuple[str, str], Measure],
) -> list[Breakdown]:
    if not main:
        return []
    tables: dict[str, Breakdown] = {}
    for m in mine:
        dim = dimension_of(m.group)
        if m.measure != main[0] or dim is None or not m.denominator:
            continue
        table = tables.setdefault(dim, Breakdown(DIMENSIONS.get(dim, dim)))
        cells, small = [], False
        for name in main:
            here = own.get((name, m.group))
            cells.append(f"{share(here)} ({share(la.get((name, m.group)))})")
            small = small or bool(here and here.small)
        table.rows.append(BreakdownRow(group_label(m.group), m.denominator, cells, small))
    return [tables[dim] for dim in DIMENSIONS if dim in tables]


@dataclass
class TrendRow:
    label: str
    figures: list[str]  # a year each, oldest first
    change: str  # from the year before to this year


@dataclass
class Trend:
    years: list[str]
    rows: list[TrendRow]
    chart: str


def _change(before: Measure | None, now: Measure | None) -> str:
    """The change from last year: percentage points, or the mean's own units."""
    if before is None or now is None:
        return NOT_AVAILABLE
    was, is_now = (
        (before.value, now.value) if now.kind == AVERAGE else (before.percent, now.percent)
    )
    if was is None or is_now is None:
        return NOT_AVAILABLE
    points = " points" if now.kind != AVERAGE else ""
    return f"{is_now - was:+.1f}{points}"


def _trend(
    school: School, collection: Collection, measures: list[Measure], main: Sequence[str]
) -> Trend | None:
    """The school's "all" figures in earlier years of the same collection, if it has any
    (`measures`: this year's, already computed)."""
    earlier = Collection.objects.filter(
        kind=collection.kind,
        academic_year__lt=collection.academic_year,
        submissions__school=school,
        submissions__is_current=True,
    ).order_by("academic_year")
    years = [*earlier.distinct(), collection]
    if len(years) < 2:
        return None
    by_year = [_headline_measures(measures_for(c, school)) for c in years[:-1]]
    by_year.append(_headline_measures(measures))
    names = list(by_year[-1])
    rows = [
        TrendRow(
            label(name),
            [share(found.get(name)) for found in by_year],
            _change(by_year[-2].get(name), by_year[-1].get(name)),
        )
        for name in names
    ]
    bars = [
        charts.Row(SHORT.get(name, name), [_percent(found.get(name)) for found in by_year])
        for name in main
    ]
    labels = [c.academic_year for c in years]
    return Trend(labels, rows, charts.bars(labels, bars))


def _headline_measures(measures: list[Measure]) -> dict[str, Measure]:
    return {m.measure: m for m in measures if m.group == "all"}


def _percent(m: Measure | None) -> float | None:
    return m.percent if m else None


# -- The pupil-level report --------------------------------------------------------------------


# A collection of more assessments than this (the EYFSP's 17 goals) heads its columns with
# their codes in the code table (ELG01), named in a key on the report's first page: so many
# names as column heads make the table wider than a landscape page, and the last are cut off.
KEYED_AFTER = 10


# The longest word of a name that always fits the name column (report.css: its least width
# holds twelve of the widest capitals). A name with a longer word may break within it, where
# the table would otherwise grow past the page; only such names may, because letting every
# name break anywhere costs a tenth of the report's time.
LONGEST_WORD = 12
WORD_BREAKS = re.compile(r"[\s-]+")  # a name wraps at a space or after a hyphen


@dataclass(frozen=True)
class Column:
    head: str  # the column's heading: the assessment's label, or its code when keyed
    label: str  # the assessment's label in the code table


@dataclass
class PupilRow:
    name: str
    upn: str
    dob: str
    sex: str
    results: list[str]
    flags: list[str]

    @property
    def unbroken(self) -> bool:
        """Whether a word of the name is too long for its column (it may break within it)."""
        return any(len(word) > LONGEST_WORD for word in WORD_BREAKS.split(self.name))


def pupil_context(school: School, collection: Collection) -> dict[str, Any]:
    codeset = codeset_for(collection.academic_year)
    kinds = codeset.for_collection(collection.kind)
    flags = FLAGS.get(collection.kind, ())
    scorer = scorer_for(collection.kind, codeset)
    lookup = Lookup(codeset)
    columns = _columns(kinds)
    rows = []
    records = sorted(
        current_records(collection, school),
        key=lambda r: (r.surname.casefold(), r.forename.casefold(), r.upn),
    )
    for record in records:
        pupil = pupil_from_dict(record.data)
        results = by_role(pupil, lookup, collection.kind)
        # The measures' own per-pupil rules: a measure a pupil is left out of is not scored.
        scores = dict(scorer.score(pupil, results))
        rows.append(
            PupilRow(
                name=pupil.display_name,
                upn=record.upn,
                dob=record.dob.strftime("%d/%m/%Y") if record.dob else "",
                sex=record.sex,
                results=[latest(results, a.role) or "" for a in kinds],
                flags=[_flag(scores.get(name)) for name, _ in flags],
            )
        )
    return {
        **_front(school, collection, "Pupil-level results"),
        "columns": columns,
        "keyed": any(c.head != c.label for c in columns),
        "flag_names": [heading for _, heading in flags],
        "pupils": rows,
        "count": len(rows),
        # The report's opening and its closing note; a part of it has one or neither.
        "first": True,
        "last": True,
    }


def _columns(kinds: Sequence[AssessmentType]) -> list[Column]:
    codes = [a.key.component for a in kinds]
    keyed = len(kinds) > KEYED_AFTER and len(set(codes)) == len(codes)
    return [Column(a.key.component if keyed else a.label, a.label) for a in kinds]


def _flag(score: int | None) -> str:
    return "left out" if score is None else ("Yes" if score else "No")


def render_school_report(school: School, collection: Collection) -> bytes:
    return pdf_of(render_to_string("reports/school.html", school_context(school, collection)))[0]
