"""A school asks the data team a question (an enquiry) from its collection page; the thread
itself is the same page as a data-team query's (views.queries)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from keystage.web.accounts.access import school_of, school_user_required, signed_in
from keystage.web.common.forms import EnquiryForm
from keystage.web.common.page_views import viewed
from keystage.web.models import Collection
from keystage.web.workspace import la_queries


@school_user_required
def enquire(request: HttpRequest, collection_id: int) -> HttpResponse:
    school = school_of(request)
    window = get_object_or_404(Collection, pk=collection_id)
    choices = la_queries.pupil_choices(la_queries.current_version(school, window))
    form = EnquiryForm(request.POST if request.method == "POST" else None, pupils=choices)
    if request.method == "POST" and form.is_valid():
        try:
            query = la_queries.open_enquiry(school=school, collection=window,
                                            by=signed_in(request), **form.cleaned_data)  # fmt: skip
        except la_queries.NotThatSchoolsPupilError:  # a new version came in while they wrote
            form.add_error("upn", "Choose a pupil of your current file, or no pupil in "
                           "particular: a newer file of yours has come in since")  # fmt: skip
        else:
            messages.success(request, "Your question is sent to the data team. We will email "
                             "you when they answer.")  # fmt: skip
            return redirect("portal:query", query_id=query.pk)
    viewed(request, f"the pupils to ask the data team about in {window.short_name}",
           upns=[upn for upn, _ in choices], school=school, collection=window)  # fmt: skip
    return render(
        request,
        "portal/enquire.html",
        {"school": school, "window": window, "form": form},
        status=400 if form.errors else 200,
    )


urls: list[URLPattern] = [
    path("collections/<int:collection_id>/ask/", enquire, name="enquire"),
]
