"""The LA's schools page: the register as the portal holds it; for LA administrators, loading a
new extract (with its links and the LA's email addresses), the plan of what would change, and
applying it. The data team may read the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from keystage.web.accounts.access import la_user_required
from keystage.web.accounts.heads import schools_without_account
from keystage.web.common.audit import Action, record
from keystage.web.common.clock import now, today
from keystage.web.models import RegisterLoad, Role, School, User
from keystage.web.schools.forms import RegisterFilesForm
from keystage.web.schools.plan import Kind, Plan
from keystage.web.schools.register import RegisterError, apply, plan_texts


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _pending(user: User) -> RegisterLoad | None:
    """The files this person uploaded and has not yet applied or discarded."""
    return RegisterLoad.objects.filter(uploaded_by=user, applied_at__isnull=True).first()


def _plan(load: RegisterLoad) -> Plan:
    return plan_texts(load.extract or None, links=load.links or None, emails=load.emails or None)


@la_user_required
def schools(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    pending = _pending(user)
    if request.method == "POST":
        if user.role != Role.LA_ADMIN:
            raise Http404("Loading the register is for LA administrators.")
        action = request.POST.get("action")
        if action == "upload":
            return _upload(request, user)
        if action == "apply" and pending is not None:
            return _apply(request, pending)
        if action == "discard" and pending is not None:
            pending.delete()
            messages.success(request, "The files were discarded. Nothing changed.")
        return redirect("portal:la_schools")
    return _page(request, RegisterFilesForm(), pending)


def _page(
    request: HttpRequest, form: RegisterFilesForm, pending: RegisterLoad | None, status: int = 200
) -> HttpResponse:
    plan, problem = None, ""
    if pending is not None:
        try:
            plan = _plan(pending)
        except RegisterError as error:  # the register changed under the files since upload
            problem = str(error)
    held = School.objects.prefetch_related("predecessor_links__predecessor").order_by("name")
    opened = [s for s in held if s.is_open_on(today())]
    return render(request, "la/schools.html", {
        "form": form, "pending": pending, "plan": plan, "problem": problem,
        "schools": opened, "closed_schools": len(held) - len(opened),
        "last_load": RegisterLoad.objects.filter(applied_at__isnull=False).first(),
        "is_admin": _user(request).role == Role.LA_ADMIN,
        "without_account": len(schools_without_account()),
    }, status=status)  # fmt: skip


def _upload(request: HttpRequest, user: User) -> HttpResponse:
    form = RegisterFilesForm(request.POST, request.FILES)
    if form.is_valid():
        texts = {n: form.cleaned_data[n] or "" for n in ("extract", "links", "emails")}
        try:
            plan_texts(texts["extract"] or None, links=texts["links"] or None,
                       emails=texts["emails"] or None)  # fmt: skip
        except RegisterError as problem:
            form.add_error("extract", str(problem))
        else:
            RegisterLoad.objects.filter(uploaded_by=user, applied_at__isnull=True).delete()
            RegisterLoad.objects.create(
                uploaded_by=user, uploaded_at=now(), **texts,
                **{f"{n}_name": form.file_name(n) for n in texts},
            )  # fmt: skip
            return redirect("portal:la_schools")
    return _page(request, form, None, status=400)


def _apply(request: HttpRequest, load: RegisterLoad) -> HttpResponse:
    try:
        plan = _plan(load)
        if plan.fingerprint() != request.POST.get("fingerprint"):
            messages.error(request, "The schools changed since this plan was made. Check the "
                           "changes below again, then apply them.")  # fmt: skip
            return redirect("portal:la_schools")
        apply(plan)
    except RegisterError as problem:
        messages.error(request, str(problem))
        return redirect("portal:la_schools")
    counts: dict[str, Any] = {kind.value: len(plan.of(kind)) for kind in Kind}
    record(Action.SCHOOLS, f"loaded schools from {', '.join(load.file_names)}", request=request,
           links=len(plan.links), **counts)  # fmt: skip
    # What the files said is in the schools now; the addresses in them are not kept twice.
    load.extract = load.links = load.emails = ""
    load.applied_at = now()
    load.save()
    said = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "no change"
    messages.success(request, f"The register is loaded: {said}.")
    return redirect("portal:la_schools")
