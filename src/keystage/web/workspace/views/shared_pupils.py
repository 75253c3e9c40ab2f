"""Pupils moving schools: the data team sees every UPN two schools sent, compares the records
with the May-days suggestion, and decides which school reports the pupil.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from keystage import moves
from keystage.ctf.model import parse_date
from keystage.web.accounts.access import la_user_required
from keystage.web.common.page_views import viewed
from keystage.web.common.pupil_ids import display_name
from keystage.web.common.sorting import Column, by_key, headings, sort_asked, sort_rows
from keystage.web.models import Collection, PupilRecord, School, User
from keystage.web.workspace import held, match_trail, shared_pupils

DIFFERENT = "different"


class MoveDecisionForm(forms.Form):
    school = forms.ChoiceField(
        label="Which school reports this pupil?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the school that reports this pupil",
            "invalid_choice": "Select one of the schools that sent this pupil",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="Why you decided this, for the data team. Schools do not see this note.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, move: shared_pupils.Move, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                str(s.pk),
                f"{s.name} ({s.laestab}){', suggested' if s == move.suggested_school else ''}",
            )
            for s in move.schools
        ] + [(DIFFERENT, "None: these are different children, and every school keeps its record")]
        suggested = move.suggested_school
        field.help_text = (
            f"The May-days rule suggests {suggested.name}."
            if suggested
            else "The files do not suggest a school: ask the schools when the pupil moved."
        )


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side comparison: a label and each school's value."""

    label: str
    values: list[str]
    differs: bool = False


def _match(move: shared_pupils.Move) -> int:
    """The weakest match first: the UPN alone, then names that differ, then the same child."""
    return 0 if not move.same_dob else 1 if move.names_differ else 2


def _suggested(move: shared_pupils.Move) -> str | None:
    school = move.suggested_school
    return school.name.casefold() if school else None


# sort= value -> its column; the weakest matches and the undecided come first when ascending.
MOVE_COLUMNS: dict[str, Column[shared_pupils.Move]] = by_key(
    Column("pupil", "Pupil", lambda m: " / ".join(m.names).casefold()),
    Column("schools", "Schools", lambda m: [s.name.casefold() for s in m.schools]),
    Column("match", "Match", _match),
    Column("suggestion", "Suggestion", _suggested),
    Column("decision", "Decision", lambda m: m.decision is not None),
)


def _by_upn(move: shared_pupils.Move) -> str:
    return move.upn


def _sorted_by(sort: str) -> str:
    return "?" + urlencode({"sort": sort}) + "#moves"


@la_user_required
def moves_list(request: HttpRequest, collection_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    sort = sort_asked(request.GET.get("sort"), MOVE_COLUMNS, "pupil")
    found = sort_rows(shared_pupils.moves_for(window), sort, MOVE_COLUMNS, _by_upn)
    stale = match_trail.stale_queries(window)
    upns = [m.upn for m in found] + [q.upn for q in stale]
    viewed(request, "pupils in two schools' files", upns=upns, collection=window)
    return render(
        request,
        "la/moves.html",
        {
            "window": window,
            "moves": found,
            "headings": headings(list(MOVE_COLUMNS.values()), sort, _sorted_by),
            "decided": sum(1 for m in found if m.decision is not None),
            "held": held.held_in(window),
            "stale": stale,
            "askers": match_trail.askers(window),
        },
    )


@la_user_required
@require_POST
def close_query(request: HttpRequest, collection_id: int, upn: str, school_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    assert isinstance(request.user, User)
    if match_trail.close_stale(window, school, upn, by=request.user, request=request):
        messages.success(request, f"{school.name}'s query on UPN {upn} is closed.")
    else:
        messages.error(request, f"{school.name} has no open query on UPN {upn} to close.")
    return redirect("portal:la_moves", collection_id=window.pk)


@la_user_required
def move(request: HttpRequest, collection_id: int, upn: str) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    found = shared_pupils.move_for(window, upn)
    if found is None:
        raise Http404("No two schools' current files have this UPN in this collection.")
    decided = found.decision
    initial = {"school": str(decided.school_id or DIFFERENT), "note": decided.note} if (
        decided
    ) else {}  # fmt: skip
    # Not `request.POST or None`: a POST with no school chosen is empty, and must be an error.
    data = request.POST if request.method == "POST" else None
    form = MoveDecisionForm(data, move=found, initial=initial)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        chosen = form.cleaned_data["school"]
        record = next((r for r in found.records if str(r.submission.school_id) == chosen), None)
        school = record.submission.school if record is not None else None
        shared_pupils.decide(
            found, school, by=request.user, note=form.cleaned_data["note"], request=request
        )
        messages.success(request, _decided(found, record))
        return redirect("portal:la_moves", collection_id=window.pk)
    viewed(request, "one pupil in two schools' files", upns=[found.upn], collection=window)
    return render(
        request,
        "la/move.html",
        {
            "window": window,
            "move": found,
            "rows": side_by_side(found),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _decided(move: shared_pupils.Move, record: PupilRecord | None) -> str:
    if record is None:
        return (
            f"UPN {move.upn} is a different child in each file: every school keeps its record. "
            "Any school that was asked about the pupil has been emailed."
        )
    return (
        f"{record.submission.school.name} reports {display_name(record)} "
        f"(UPN {move.upn}). The schools have been emailed, and see it on their collection pages."
    )


def side_by_side(move: shared_pupils.Move) -> list[Row]:
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
            [_days(days.get(r.submission.school.laestab)) for r in records],
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


def _stays(move: shared_pupils.Move, record: PupilRecord) -> tuple[moves.Stay, ...]:
    return move.suggestion.stays.get(record.submission.school.laestab, ())


def _source(move: shared_pupils.Move, record: PupilRecord, laestab: str | None) -> str:
    if laestab is None or laestab == record.submission.school.laestab:
        return ""
    other = next((s.name for s in move.schools if s.laestab == laestab), laestab)
    return f" (from the file of {other})"


def _entries(move: shared_pupils.Move, record: PupilRecord) -> str:
    stays = _stays(move, record)
    if not stays:
        return "Not in the school history of any file"
    return "; ".join(
        (_date(s.entry) + _source(move, record, s.entry_from)) if s.entry else "Not given"
        for s in stays
    )


def _leavings(move: shared_pupils.Move, record: PupilRecord) -> str:
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
    entries = shared_pupils.history(record)
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


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/moves/", moves_list, name="la_moves"),
    path("la/collections/<int:collection_id>/moves/<str:upn>/", move, name="la_move"),
    path(
        "la/collections/<int:collection_id>/moves/<str:upn>/close/<int:school_id>/",
        close_query,
        name="la_close_pupil_query",
    ),
]
