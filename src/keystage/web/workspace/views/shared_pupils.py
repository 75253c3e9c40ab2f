"""Pupils moving schools: the data team sees every UPN two schools sent, compares the records
with the May-days suggestion, and decides which school reports the pupil.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.page_views import viewed
from keystage.web.common.pupil_ids import display_name
from keystage.web.common.sorting import Column, by_key, headings, sort_asked, sort_rows
from keystage.web.models import Collection, PupilRecord, School
from keystage.web.workspace import held, match_trail, shared_pupils
from keystage.web.workspace.side_by_side import side_by_side

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
            (str(s.pk), f"{s.reference}{', suggested' if s == move.suggested_school else ''}")
            for s in move.schools
        ] + [(DIFFERENT, "None: these are different children, and every school keeps its record")]
        suggested = move.suggested_school
        field.help_text = (  # shown as HTML: the school's name comes from the register
            format_html("The May-days rule suggests {}.", suggested.name)
            if suggested
            else "The files do not suggest a school: ask the schools when the pupil moved."
        )


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
    if match_trail.close_stale(window, school, upn, by=signed_in(request), request=request):
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
    # Not `request.POST or None`: a POST with no school chosen is empty, and must be an error.
    data = request.POST if request.method == "POST" else None
    form = MoveDecisionForm(data, move=found, initial=_decided_before(found))
    if request.method == "POST" and form.is_valid():
        record = found.record_of(form.cleaned_data["school"])
        school = record.submission.school if record is not None else None
        shared_pupils.decide(
            found, school, by=signed_in(request), note=form.cleaned_data["note"], request=request
        )
        messages.success(request, _decided(found, record))
        return redirect("portal:la_moves", collection_id=window.pk)
    viewed(request, "one pupil in two schools' files", upns=[found.upn], collection=window)
    return render(
        request,
        "la/move.html",
        {"window": window, "move": found, "rows": side_by_side(found), "form": form},
        status=400 if form.errors else 200,
    )


def _decided_before(move: shared_pupils.Move) -> dict[str, Any]:
    """The decision already made, as the form's starting values."""
    decided = move.decision
    if decided is None:
        return {}
    return {"school": str(decided.school_id or DIFFERENT), "note": decided.note}


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


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/moves/", moves_list, name="la_moves"),
    path("la/collections/<int:collection_id>/moves/<str:upn>/", move, name="la_move"),
    path(
        "la/collections/<int:collection_id>/moves/<str:upn>/close/<int:school_id>/",
        close_query,
        name="la_close_pupil_query",
    ),
]
