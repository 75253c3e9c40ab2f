"""The code reference page every school reads (what each assessment accepts and what each code
means), and the table in force as a file for `keystage validate --codes`. Public: no pupil
data, and a school's MIS supplier may need it too."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from keystage import codesets
from keystage.checks import COLLECTION_NAMES
from keystage.codesets import AssessmentType, Codeset, CodesetError
from keystage.web.codetables import published
from keystage.web.common.clock import today


@dataclass(frozen=True)
class ResultsMeaning:
    """One result set as a collection uses it: which assessments, and each result's meaning."""

    assessments: str  # "Reading, Writing, Mathematics"; "" when every one of the collection
    marks: tuple[int, int] | None
    meanings: tuple[tuple[str, str], ...]


@require_safe
def codes(request: HttpRequest, year: str | None = None) -> HttpResponse:
    years = published.years()
    if year is None:
        this_year = codesets.year_for(today())
        year = this_year if this_year in years else years[-1]
    if year not in years:
        raise Http404("There is no code table for that year.")
    try:
        table = codesets.codeset_for(year)
    except CodesetError as broken:  # pragma: no cover - tables are checked when loaded
        raise Http404(str(broken)) from broken
    sections = [
        (kind, COLLECTION_NAMES[kind], table.for_collection(kind), _meanings(table, kind))
        for kind in COLLECTION_NAMES
    ]
    context = {"year": year, "years": years, "table": table, "sections": sections,
               "in_force": published.in_force(year)}  # fmt: skip
    return render(request, "portal/codes.html", context)


def _meanings(table: Codeset, kind: str) -> list[ResultsMeaning]:
    """Each result set the collection's assessments use, in the order they first use it."""
    users: dict[str, list[AssessmentType]] = {}
    for assessment in table.for_collection(kind):
        users.setdefault(assessment.result_set, []).append(assessment)
    return [
        ResultsMeaning(
            assessments="" if len(users) == 1 else ", ".join(a.label for a in assessments),
            marks=assessments[0].results.marks,
            meanings=table.meanings_of(assessments[0]),
        )
        for assessments in users.values()
    ]


@require_safe
def download(request: HttpRequest, year: str) -> HttpResponse:
    """The table in force, byte for byte what the checks read, for the offline check."""
    try:
        text = published.text_in_force(year)
    except CodesetError:
        raise Http404("There is no code table for that year.") from None
    response = HttpResponse(text, content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="keystage-codes-{year}.toml"'
    return response
