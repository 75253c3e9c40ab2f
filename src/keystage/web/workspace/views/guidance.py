"""The data team's page for a collection's guidance to schools: write it, and see it as schools
will."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.forms import GuidanceForm
from keystage.web.models import Collection
from keystage.web.workspace import guidance


@la_user_required
def guidance_page(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    written = guidance.guidance_of(collection)
    form = GuidanceForm(request.POST if request.method == "POST" else None, instance=written)
    if request.method == "POST" and form.is_valid():
        guidance.save(form.save(commit=False), by=signed_in(request))
        messages.success(request, f"The guidance is saved. Schools see it on their "
                         f"{collection.short_name} page now.")  # fmt: skip
        return redirect("portal:la_guidance", collection_id=collection.pk)
    return render(
        request,
        "la/guidance.html",
        # What schools see now: the saved guidance, not what a refused form holds.
        {"collection": collection, "form": form, "saved": guidance.guidance_of(collection)},
        status=400 if form.errors else 200,
    )


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/guidance/", guidance_page, name="la_guidance"),
]
