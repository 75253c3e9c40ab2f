"""A school's page for one collection's list: whether the LA expects its data and why; for an
optional collection (KS1) before the window opens, the head says whether the school will send
it. Only the school's own record is ever read here."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from keystage.web.accounts.access import school_of, school_user_required, signed_in
from keystage.web.common.audit import Action, record
from keystage.web.models import Collection, ExpectedSchool, Role, User
from keystage.web.schools import expected
from keystage.web.schools.forms import TakingPartForm

CHOICES = (ExpectedSchool.Why.OPTED_IN, ExpectedSchool.Why.OPTED_OUT)  # the school's own words


@school_user_required
def taking_part(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    school = school_of(request)
    user = signed_in(request)
    may_choose = expected.may_choose(collection, school) and user.role == Role.HEAD
    row = ExpectedSchool.objects.filter(collection=collection, school=school).first()
    said = _own_choice(row)
    form = TakingPartForm(initial={"taking_part": said} if said else None)
    if request.method == "POST":
        if not may_choose:
            messages.error(request, _why_not(collection, user))
            return redirect("portal:taking_part", collection_id=collection.pk)
        form = TakingPartForm(request.POST)
        if form.is_valid():
            _choose(request, collection, form.cleaned_data["taking_part"] == "yes")
            return redirect("portal:taking_part", collection_id=collection.pk)
    return render(request, "portal/taking_part.html", {
        "collection": collection, "school": school, "row": row, "chosen": said is not None,
        "is_expected": expected.is_expected(collection, school), "form": form,
        "may_choose": may_choose, "optional": collection.kind in expected.OPTIONAL,
        "year_group": expected.year_group(collection),
        "opens_on": f"{collection.opens:%-d %B %Y}",
        "has_year_group": expected.has_year_group(school, collection.kind),
    }, status=400 if form.errors else 200)  # fmt: skip


def _own_choice(row: ExpectedSchool | None) -> str | None:
    """ "yes" or "no" if the school said so on this page; None if not (or the LA decided)."""
    if row is None or row.why not in CHOICES:
        return None
    return "yes" if row.expected else "no"


def _choose(request: HttpRequest, collection: Collection, taking_part: bool) -> None:
    user = signed_in(request)
    school = school_of(request)
    expected.choose(collection, school, taking_part=taking_part, by=user)
    said = "will send" if taking_part else "will not send"
    record(Action.EXPECTED, f"told the LA the school {said} {collection}",
           request=request, school=school, collection=collection)  # fmt: skip
    messages.success(request, f"Thank you. The LA knows your school {said} "
                     f"{collection.short_name}. You can change this before "
                     f"{collection.opens:%-d %B %Y}, when the window opens.")  # fmt: skip


def _why_not(collection: Collection, user: User) -> str:
    if collection.kind not in expected.OPTIONAL:
        return f"Every school with the year group sends {collection.short_name}."
    if user.role != Role.HEAD:
        return "Only the head teacher can say whether the school takes part."
    group = expected.year_group(collection)
    return (f"{collection.short_name} has opened (or your school has no {group}): ask the "
            "LA's data team to change it.")  # fmt: skip
