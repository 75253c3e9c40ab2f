"""The LA's schools page: the register as the portal holds it; for LA administrators, loading a
new extract (with its links and the LA's email addresses), the plan of what would change, and
applying it. The data team may read the page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.accounts.heads import schools_without_account
from keystage.web.common.clock import today
from keystage.web.models import RegisterLoad, School
from keystage.web.models.schools import SCHOOL
from keystage.web.schools.forms import RegisterFilesForm
from keystage.web.schools.register import (
    RegisterError,
    apply_load,
    keep_load,
    plan_load,
    plan_texts,
)
from keystage.web.schools.views.loads import admin_loading, pending

FILES = ("extract", "links", "emails")


@la_user_required
@require_safe
def schools(request: HttpRequest) -> HttpResponse:
    return _page(request, RegisterFilesForm(), pending(signed_in(request), SCHOOL))


def _page(
    request: HttpRequest, form: RegisterFilesForm, pending: RegisterLoad | None, status: int = 200
) -> HttpResponse:
    plan, problem = None, ""
    if pending is not None:
        try:
            plan = plan_load(pending)
        except RegisterError as error:  # the register changed under the files since upload
            problem = str(error)
    held = School.objects.filter(kind=SCHOOL).prefetch_related("predecessor_links__predecessor")
    held = held.order_by("name")
    opened = [s for s in held if s.is_open_on(today())]
    return render(request, "la/schools.html", {
        "form": form, "pending": pending, "plan": plan, "problem": problem,
        "schools": opened, "closed_schools": len(held) - len(opened),
        "last_load": RegisterLoad.objects.filter(applied_at__isnull=False, kind=SCHOOL).first(),
        "is_admin": signed_in(request).is_la_admin,
        "without_account": len(schools_without_account()),
    }, status=status)  # fmt: skip


@la_user_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Keeps the files and shows what they would change; nothing changes yet."""
    user = admin_loading(request, "the register")
    form = RegisterFilesForm(request.POST, request.FILES)
    if form.is_valid():
        texts = {n: form.cleaned_data[n] or "" for n in FILES}
        try:
            plan_texts(texts["extract"] or None, links=texts["links"] or None,
                       emails=texts["emails"] or None)  # fmt: skip
        except RegisterError as problem:
            form.add_error("extract", str(problem))
        else:
            keep_load(texts, {n: form.file_name(n) for n in FILES}, by=user)
            return redirect("portal:la_schools")
    return _page(request, form, None, status=400)


@la_user_required
@require_POST
def apply_plan(request: HttpRequest) -> HttpResponse:
    """Applies the plan shown, if it is still the plan these files make."""
    load = pending(admin_loading(request, "the register"), SCHOOL)
    if load is None:
        return redirect("portal:la_schools")
    try:
        plan = apply_load(load, shown=request.POST.get("fingerprint", ""), request=request)
    except RegisterError as problem:
        messages.error(request, str(problem))
        return redirect("portal:la_schools")
    said = ", ".join(f"{n} {kind}" for kind, n in plan.counts().items() if n) or "no change"
    messages.success(request, f"The register is loaded: {said}.")
    return redirect("portal:la_schools")


@la_user_required
@require_POST
def discard(request: HttpRequest) -> HttpResponse:
    load = pending(admin_loading(request, "the register"), SCHOOL)
    if load is not None:
        load.delete()
        messages.success(request, "The files were discarded. Nothing changed.")
    return redirect("portal:la_schools")
