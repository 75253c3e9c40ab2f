"""The LA's list of the schools a collection expects: the register's proposals, the LA's
decisions with their reasons, and the schools' own choices for an optional collection."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.audit import Action, record
from keystage.web.models import Collection, ExpectedSchool, School
from keystage.web.schools import expected
from keystage.web.schools.forms import DecisionForm

SHOWN = {"expected": True, "not-expected": False}  # ?show=... ; anything else: every school


@la_user_required
@require_safe
def expected_schools(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    found, closed = expected.entries(collection)
    show = request.GET.get("show", "")
    listed = [e for e in found if show not in SHOWN or e.expected == SHOWN[show]]
    return render(request, "la/expected.html", {
        "collection": collection, "entries": listed, "show": show, "closed": closed,
        "year_group": expected.year_group(collection),
        "optional": collection.kind in expected.OPTIONAL,
        "counts": _counts(found),
    })  # fmt: skip


@la_user_required
@require_POST
def propose(request: HttpRequest, collection_id: int) -> HttpResponse:
    """Proposes the list again from the register: decisions and choices stay."""
    collection = get_object_or_404(Collection, pk=collection_id)
    written = expected.propose(collection)
    record(Action.EXPECTED, f"proposed the expected schools again for {collection}",
           request=request, collection=collection, written=written)  # fmt: skip
    messages.success(request, f"Proposed again from the register: {written} school"
                     f"{'' if written == 1 else 's'} changed. Decisions and schools' "
                     "choices are as they were.")  # fmt: skip
    return redirect("portal:la_expected", collection_id=collection.pk)


def _counts(found: list[expected.Entry]) -> dict[str, int]:
    whys = [e.row.why for e in found if e.row is not None]
    return {
        "schools": len(found),
        "expected": sum(e.expected for e in found),
        "opted_in": whys.count(ExpectedSchool.Why.OPTED_IN),
        "opted_out": whys.count(ExpectedSchool.Why.OPTED_OUT),
        "la": whys.count(ExpectedSchool.Why.LA),
    }


@la_user_required
def expected_school(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    row = ExpectedSchool.objects.filter(collection=collection, school=school).first()
    now_expected = expected.is_expected(collection, school)
    form = DecisionForm(initial={"expected": "yes" if now_expected else "no"})
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            is_expected = form.cleaned_data["expected"] == "yes"
            reason = form.cleaned_data["reason"].strip()
            expected.decide(collection, school, expected=is_expected, reason=reason,
                            by=signed_in(request))  # fmt: skip
            said = "expected" if is_expected else "not expected"
            record(Action.EXPECTED, f"recorded {school.reference} as {said} in {collection}",
                   request=request, school=school, collection=collection,
                   reason=reason)  # fmt: skip
            messages.success(request, f"{school.name} is {said} in {collection.short_name}.")
            return redirect("portal:la_expected", collection_id=collection.pk)
    return render(request, "la/expected_school.html", {
        "collection": collection, "school": school, "row": row, "form": form,
        "now_expected": now_expected, "proposed": expected.proposal(collection, school)[1],
        "open": school.is_open_on(collection.deadline),
    }, status=400 if form.errors else 200)  # fmt: skip
