"""The audit trail for LA administrators, with filters."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from keystage.web.access import la_user_required
from keystage.web.models import AuditEvent, Role, User

PAGE = 100


@la_user_required
def audit(request: HttpRequest) -> HttpResponse:
    if not isinstance(request.user, User) or request.user.role != Role.LA_ADMIN:
        raise Http404("The audit trail is for LA administrators.")
    events = AuditEvent.objects.all()
    chosen = {k: request.GET.get(k, "").strip() for k in ("action", "actor", "school", "since")}
    if chosen["action"]:
        events = events.filter(action=chosen["action"])
    if chosen["actor"]:
        events = events.filter(actor__icontains=chosen["actor"])
    if chosen["school"]:
        events = events.filter(school=chosen["school"])
    if chosen["since"]:
        try:
            events = events.filter(at__date__gte=dt.date.fromisoformat(chosen["since"]))
        except ValueError:
            chosen["since_error"] = "Enter a date like 2026-06-26"
    page = Paginator(events, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "la/audit.html",
        {"page": page, "chosen": chosen, "actions": AuditEvent.Action.choices},
    )


urls: list[URLPattern] = [path("la/audit/", audit, name="la_audit")]
