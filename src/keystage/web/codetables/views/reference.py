"""The year's code reference tables, straight from the codesets data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from keystage import codesets
from keystage.checks import COLLECTION_NAMES
from keystage.codesets import CodesetError
from keystage.web.common.clock import today


def codes(request: HttpRequest, year: str | None = None) -> HttpResponse:
    years = codesets.available_years()
    if year is None:
        this_year = codesets.year_for(today())
        year = this_year if this_year in years else years[-1]
    if year not in years:
        raise Http404("There is no code table for that year.")
    try:
        table = codesets.load(year)
    except CodesetError as broken:  # pragma: no cover - the data files are tested
        raise Http404(str(broken)) from broken
    sections = [
        (kind, COLLECTION_NAMES[kind], table.for_collection(kind)) for kind in COLLECTION_NAMES
    ]
    return render(
        request,
        "portal/codes.html",
        {"year": year, "years": years, "table": table, "sections": sections},
    )
