"""How long each collection is kept: the LA's list, and the date an LA administrator sets."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.clock import today
from keystage.web.models import Collection
from keystage.web.privacy import retention_dates


class RetentionForm(forms.Form):
    retain_until = forms.DateField(
        label="Keep pupils' names, dates of birth and files until",
        help_text="For example, 31/8/2033. Leave it empty to keep them.",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"],
        error_messages={"invalid": "Enter a real date, for example 31/8/2033"},
    )

    def __init__(self, *args: object, collection: Collection, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.collection = collection

    def clean_retain_until(self) -> dt.date | None:
        chosen: dt.date | None = self.cleaned_data["retain_until"]
        if chosen is None:
            return None
        if chosen <= self.collection.closes:
            raise forms.ValidationError(
                f"Enter a date after the collection closes ({self.collection.closes:%-d %B %Y})"
            )
        if chosen < today():
            raise forms.ValidationError("Enter today's date or a date in the future")
        return chosen


@la_user_required
@require_safe
def la_retention(request: HttpRequest) -> HttpResponse:
    now = today()
    rows = [
        (c, retention_dates.state(c, now))
        for c in Collection.objects.order_by("-academic_year", "kind")
    ]
    return render(
        request, "la/retention.html", {"rows": rows, "may_change": signed_in(request).is_la_admin}
    )


@la_user_required
def la_retention_edit(request: HttpRequest, collection_id: int) -> HttpResponse:
    if not signed_in(request).is_la_admin:
        raise Http404("Setting how long data are kept is for LA administrators.")
    collection = get_object_or_404(Collection, pk=collection_id)
    if collection.purged_at is not None:
        messages.info(request, f"{collection.short_name} was purged: there is nothing to keep.")
        return redirect("portal:la_retention")
    form = RetentionForm(initial={"retain_until": collection.retain_until}, collection=collection)
    if request.method == "POST":
        form = RetentionForm(request.POST, collection=collection)
        if form.is_valid():
            chosen = form.cleaned_data["retain_until"]
            said = retention_dates.keep_until(collection, chosen, request)
            messages.success(request, f"{collection.short_name}: kept until {said}.")
            return redirect("portal:la_retention")
    return render(
        request,
        "la/retention_edit.html",
        {"collection": collection, "form": form},
        status=400 if form.errors else 200,
    )


urls: list[URLPattern] = [
    path("la/retention/", la_retention, name="la_retention"),
    path("la/retention/<int:collection_id>/", la_retention_edit, name="la_retention_edit"),
]
