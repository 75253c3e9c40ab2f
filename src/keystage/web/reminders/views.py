"""The reminders of one collection (data team): the calendar, every email sent, the switch."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from keystage import reminders
from keystage.web.accounts.access import la_user_required
from keystage.web.common.audit import record
from keystage.web.models import AuditEvent, Collection, Reminder, Role, School, User

PAGE_SIZE = 100
REMINDERS_ACTION = AuditEvent.Action.REMINDERS


class SwitchForm(forms.Form):
    reminders = forms.ChoiceField(choices=[("on", "On"), ("off", "Off")])


@la_user_required
def la_reminders(request: HttpRequest, collection_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    if request.method == "POST":
        form = SwitchForm(request.POST)
        if form.is_valid():
            _switch(request, window, form.cleaned_data["reminders"] == "on")
            return redirect("portal:la_reminders", collection_id=window.pk)
        messages.error(request, "Choose whether reminders are on or off.")
    sent = Reminder.objects.filter(collection=window).select_related("school")
    page = Paginator(sent.order_by("-day", "school__name", "reason"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "la/reminders.html", {
        "collection": window,
        "calendar": _calendar(window),
        "page": page,
        "unreachable": _unreachable_schools(),
    })  # fmt: skip


def _switch(request: HttpRequest, window: Collection, on: bool) -> None:
    if window.reminders_on == on:
        return  # a second press, or two people at once: nothing changes, nothing to record
    window.reminders_on = on
    window.save(update_fields=["reminders_on"])
    state = "on" if on else "off"
    record(REMINDERS_ACTION, f"turned reminders {state} for {window.short_name}",
           request=request, collection=window, reminders_on=on)  # fmt: skip
    messages.success(request, f"Reminders are {state} for {window.short_name}.")


def _calendar(window: Collection) -> dict[str, list[dt.date]]:
    """The days schools are emailed, by reason, for the summary at the top of the page."""
    days = reminders.calendar(opens=window.opens, deadline=window.deadline, closes=window.closes)
    by_reason: dict[str, list[dt.date]] = {reason.value: [] for reason in reminders.Reason}
    for day, reason in days:
        by_reason[reason.value].append(day)
    return by_reason


def _unreachable_schools() -> list[School]:
    """Schools with no main address and no head with an address: reminders cannot reach them."""
    heads = User.objects.filter(school=OuterRef("pk"), role=Role.HEAD, is_active=True).exclude(
        email=""
    )
    return list(School.objects.filter(main_email="").exclude(Exists(heads)).order_by("name"))


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/reminders/", la_reminders, name="la_reminders"),
]
