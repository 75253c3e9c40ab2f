"""The data team's import of the KS2 results from the STA's NCA Portal: the imports of a
collection with a form for the next, and one import with what it changed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.page_views import viewed
from keystage.web.models import Collection, NcaImport
from keystage.web.submissions.nca import NcaRefusedError, import_download
from keystage.web.submissions.nca_changes import changes_in
from keystage.web.submissions.sources import NCA_FIRST_YEAR, from_nca
from keystage.web.submissions.uploads import UploadNotSavedError, not_saved_page


class NcaImportForm(forms.Form):
    file = forms.FileField(
        label="Import the NCA Portal's KS2 download",
        help_text="The CTF (combined for the LA, or for one school; its name ends in .xml) or "
        "the CSV of all results with TA (its name ends in .csv).",
        error_messages={
            "required": "Select the file you downloaded from the NCA Portal",
            "empty": "The file is empty. Download it from the NCA Portal again.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # the cap as configured, not as when first imported
        largest = filesizeformat(settings.MAX_IMPORT_BYTES)
        self.fields["file"].help_text = f"{self.fields['file'].help_text[:-1]}, up to {largest}."


@la_user_required
def imports(request: HttpRequest, collection_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    form = NcaImportForm(request.POST, request.FILES) if request.method == "POST" else None
    refused: list[str] = []
    if form is not None and form.is_valid():
        try:
            made = import_download(
                window, form.cleaned_data["file"], user=signed_in(request), request=request
            )
        except NcaRefusedError as problem:
            form.add_error("file", str(problem))
            refused = problem.lines
        except UploadNotSavedError:
            return not_saved_page(request, back=request.path)
        else:
            messages.success(request, f"Imported “{made.original_name}” as import {made.number}: "
                             f"{made.versions.count()} schools. Each school's results are being "
                             "checked now.")  # fmt: skip
            return redirect("portal:la_nca_import", collection_id=window.pk, import_id=made.pk)
    context = {
        "window": window, "form": form or NcaImportForm(), "refused": refused,
        "takes_nca": from_nca(window), "first_year": NCA_FIRST_YEAR,
        "imports": window.nca_imports.select_related("imported_by"),
    }  # fmt: skip
    return render(request, "la/nca_imports.html", context, status=400 if refused or (
        form is not None and form.errors) else 200)  # fmt: skip


@la_user_required
def one_import(request: HttpRequest, collection_id: int, import_id: int) -> HttpResponse:
    made = get_object_or_404(
        NcaImport.objects.select_related("collection", "imported_by"),
        pk=import_id, collection_id=collection_id,
    )  # fmt: skip
    found = changes_in(made)
    shown = {upn for school in found for upn in school.upns}
    viewed(request, f"NCA Portal import {made.number}'s differences", upns=shown,
           collection=made.collection, import_id=made.pk)  # fmt: skip
    context = {
        "window": made.collection, "made": made, "schools": found,
        "checking": any(s.version.in_progress for s in found),
        "changed": [s for s in found if s.any],
    }  # fmt: skip
    return render(request, "la/nca_import.html", context)


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/nca/", imports, name="la_nca"),
    path(
        "la/collections/<int:collection_id>/nca/<int:import_id>/",
        one_import,
        name="la_nca_import",
    ),
]
