"""The audit trail for LA administrators, with filters.

Page views of pupil-level data are most of the trail once schools are busy: "Everything but
page views" leaves them out, and "Viewed pupil-level data" shows only them; the collection
filter narrows either to one collection.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.audit import collection_label
from keystage.web.common.page_views import viewed
from keystage.web.common.pupil_ids import upns_in
from keystage.web.models import AuditEvent, Collection

PAGE = 100
BUT_VIEWS = "not_view"  # the "What" choice: every action but page views
FILTERS = ("action", "actor", "school", "collection", "since")


@la_user_required
def audit(request: HttpRequest) -> HttpResponse:
    if not signed_in(request).is_la_admin:
        raise Http404("The audit trail is for LA administrators.")
    chosen = {k: request.GET.get(k, "").strip() for k in FILTERS}
    events = _filtered(AuditEvent.objects.all(), chosen)
    page = Paginator(events, PAGE).get_page(request.GET.get("page"))
    # The trail itself names pupils by UPN (decisions, moderation): seeing them is a view too.
    viewed(request, "the audit trail", upns=upns_in(" ".join(e.what for e in page)))
    return render(
        request,
        "la/audit.html",
        {
            "page": page,
            "chosen": chosen,
            "actions": AuditEvent.Action.choices,
            "but_views": BUT_VIEWS,
            "collections": [collection_label(c) for c in Collection.objects.all()],
        },
    )


def _filtered(events: QuerySet[AuditEvent], chosen: dict[str, str]) -> QuerySet[AuditEvent]:
    if chosen["action"] == BUT_VIEWS:
        events = events.exclude(action=AuditEvent.Action.VIEW)
    elif chosen["action"]:
        events = events.filter(action=chosen["action"])
    if chosen["actor"]:
        events = events.filter(actor__icontains=chosen["actor"])
    if chosen["school"]:
        events = events.filter(school=chosen["school"])
    if chosen["collection"]:
        events = events.filter(collection=chosen["collection"])
    if chosen["since"]:
        try:
            events = events.filter(at__date__gte=dt.date.fromisoformat(chosen["since"]))
        except ValueError:
            chosen["since_error"] = "Enter a date like 2026-06-26"
    return events


urls: list[URLPattern] = [path("la/audit/", audit, name="la_audit")]
