"""The LA's early years settings page: the PVI settings (nurseries, childminders) the portal
holds; for LA administrators, loading the LA's early years provider list, the plan of what would
change, and applying it, as the schools page does for the register. The data team may read it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.accounts.heads import schools_without_account
from keystage.web.common.clock import today
from keystage.web.models import RegisterLoad, School
from keystage.web.models.schools import SETTING
from keystage.web.schools.forms import SettingsListForm
from keystage.web.schools.register import RegisterError, apply_load, keep_load, plan_load
from keystage.web.schools.views.loads import admin_loading, pending


@la_user_required
@require_safe
def settings_page(request: HttpRequest) -> HttpResponse:
    return _page(request, SettingsListForm(), pending(signed_in(request), SETTING))


def _page(
    request: HttpRequest, form: SettingsListForm, pending: RegisterLoad | None, status: int = 200
) -> HttpResponse:
    plan, problem = None, ""
    if pending is not None:
        try:
            plan = plan_load(pending)
        except RegisterError as error:
            problem = str(error)
    held = list(School.objects.filter(kind=SETTING).order_by("name"))
    opened = [s for s in held if s.is_open_on(today())]
    without = [s for s in schools_without_account() if s.is_setting]
    return render(request, "la/settings.html", {
        "form": form, "pending": pending, "plan": plan, "problem": problem,
        "settings_held": opened, "closed_settings": len(held) - len(opened),
        "last_load": RegisterLoad.objects.filter(applied_at__isnull=False, kind=SETTING).first(),
        "is_admin": signed_in(request).is_la_admin, "without_account": len(without),
    }, status=status)  # fmt: skip


@la_user_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Keeps the list and shows what it would change; nothing changes yet."""
    user = admin_loading(request, "the provider list")
    form = SettingsListForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, None, status=400)
    keep_load({"extract": form.cleaned_data["providers"]}, {"extract": form.file_name()},
              by=user, kind=SETTING)  # fmt: skip
    return redirect("portal:la_settings")


@la_user_required
@require_POST
def apply_plan(request: HttpRequest) -> HttpResponse:
    load = pending(admin_loading(request, "the provider list"), SETTING)
    if load is None:
        return redirect("portal:la_settings")
    try:
        plan = apply_load(load, shown=request.POST.get("fingerprint", ""), request=request)
    except RegisterError as problem:
        messages.error(request, str(problem))
        return redirect("portal:la_settings")
    said = ", ".join(f"{n} {kind}" for kind, n in plan.counts().items() if n) or "no change"
    messages.success(request, f"The provider list is loaded: {said}.")
    return redirect("portal:la_settings")


@la_user_required
@require_POST
def discard(request: HttpRequest) -> HttpResponse:
    load = pending(admin_loading(request, "the provider list"), SETTING)
    if load is not None:
        load.delete()
        messages.success(request, "The list was discarded. Nothing changed.")
    return redirect("portal:la_settings")
