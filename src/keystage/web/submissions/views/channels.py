"""Files from other channels (data team): uploading on a school's behalf, and the files that
could not be attributed to a school, with a way to attribute them by hand.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.audit import Action, record
from keystage.web.models import Collection, School, Submission, UnattributedFile
from keystage.web.submissions import downloads, refusals
from keystage.web.submissions.attribution import Attribution, header_said, read_again
from keystage.web.submissions.channels import import_file
from keystage.web.submissions.locks import active_lock
from keystage.web.submissions.unattributed import attribute_by_hand
from keystage.web.submissions.uploads import (
    FileRefusedError,
    UploadNotSavedError,
    UploadRefusedError,
    not_saved_page,
    receive,
)


class LAUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the school's CTF",
        help_text="The XML file the school's MIS exported for this collection, up to 50 MB. "
        "Its header must name this school.",
        error_messages={
            "required": "Select the CTF file to upload",
            "empty": "The file is empty. Ask the school to export the CTF again.",
        },
    )


class _ManyFiles(forms.FileInput):
    allow_multiple_selected = True


class ManyFilesField(forms.FileField):
    """Several files at once; an empty one is kept too (as unattributed), never refused here."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=_ManyFiles, allow_empty_file=True, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data]
        return [one(data, initial)]


class ImportForm(forms.Form):
    ctf_files = ManyFilesField(
        label="Import files",
        help_text="CTF files that came by secure transfer: select one or several. Each is "
        "attributed to its school by its header and checked like an upload.",
        error_messages={"required": "Select the files to import"},
    )


class AttributeForm(forms.Form):
    school = forms.ModelChoiceField(
        School.objects.order_by("name"),
        label="School",
        empty_label="Choose the school",
        error_messages={"required": "Choose the school whose file this is"},
    )
    collection = forms.ModelChoiceField(
        Collection.objects.all(),
        label="Collection",
        empty_label="Choose the collection",
        error_messages={"required": "Choose the collection the file is for"},
    )


# How each file's outcome is shown: a refused file as an error (it is the school's to fix).
_LEVELS = {"received": messages.SUCCESS, "refused": messages.ERROR}


@la_user_required
def la_upload(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    """The data team uploads a file on a school's behalf; it is checked like the school's own."""
    window = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    form = LAUploadForm(request.POST, request.FILES) if request.method == "POST" else LAUploadForm()
    if request.method == "POST" and _locked(form, window, school):
        return _upload_page(request, school, window, form)
    if request.method != "POST" or not form.is_valid():
        return _upload_page(request, school, window, form)
    try:
        stored = receive(
            school=school, collection=window, upload=form.cleaned_data["file"],
            user=signed_in(request), channel=Submission.Channel.LA, request=request,
        )  # fmt: skip
    except FileRefusedError as refused:  # kept apart: the current version is unchanged
        form.add_error("file", refusals.told_la(refused.kept))
    except UploadRefusedError as refused:
        form.add_error("file", str(refused))
    except UploadNotSavedError:
        return not_saved_page(request, back=request.path)
    else:
        messages.success(request, f"We have “{stored.original_name}” for {school.name} (version "
                         f"{stored.version}). It is being checked now.")  # fmt: skip
        return redirect("portal:la_school", collection_id=window.pk, school_id=school.pk)
    return _upload_page(request, school, window, form)


def _locked(form: LAUploadForm, window: Collection, school: School) -> bool:
    """True, with the form saying so, when the collection is locked for the school."""
    held = active_lock(window, school)
    if held is None:
        return False
    whom = "every school" if held.school_id is None else school.name
    form.add_error(None, f"{window.short_name} is locked for {whom}. Unlock it first if this "
                   "file should replace the school's current version.")  # fmt: skip
    return True


def _upload_page(
    request: HttpRequest, school: School, window: Collection, form: LAUploadForm
) -> HttpResponse:
    return render(
        request,
        "la/upload.html",
        {"school": school, "window": window, "form": form},
        status=400 if form.errors else 200,
    )


@la_user_required
def unattributed(request: HttpRequest) -> HttpResponse:
    """The files no school could be found for, and a form to import files by hand."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        for upload in form.cleaned_data["ctf_files"]:
            _import(request, upload)
        return redirect("portal:la_unattributed")
    files = list(
        UnattributedFile.objects.select_related(
            "received_by", "resolved_as__school", "resolved_as__collection"
        )
    )
    return render(
        request,
        "la/unattributed.html",
        {
            "form": form,
            "waiting": [f for f in files if f.resolved_as_id is None],
            "resolved": [f for f in files if f.resolved_as_id is not None][:50],
        },
        status=400 if form.errors else 200,
    )


def _import(request: HttpRequest, upload: UploadedFile[bytes]) -> None:
    """Imports one file and says how it went; a file not saved leaves the others standing."""
    try:
        outcome = import_file(
            upload, channel=Submission.Channel.LA, user=signed_in(request), request=request
        )
    except UploadNotSavedError as failed:
        messages.error(request, f"“{upload.name}” was not saved. {failed}")
        return
    messages.add_message(request, _LEVELS.get(outcome.result, messages.INFO), outcome.line())


@la_user_required
def unattributed_file(request: HttpRequest, file_id: int) -> HttpResponse:
    """One file: what its header says, a download, and attributing it by hand."""
    kept = get_object_or_404(
        UnattributedFile.objects.select_related(
            "received_by", "resolved_as__school", "resolved_as__collection"
        ),
        pk=file_id,
    )
    found = read_again(kept)
    if request.method != "POST" or kept.resolved_as_id is not None:
        return _file_page(request, kept, found, _where_it_points(kept, found))
    form = AttributeForm(request.POST)
    if not form.is_valid():
        return _file_page(request, kept, found, form)
    school, window = form.cleaned_data["school"], form.cleaned_data["collection"]
    try:
        stored = attribute_by_hand(
            kept, school=school, collection=window, user=signed_in(request), request=request
        )
    except UploadRefusedError as refused:
        form.add_error(None, str(refused))
        return _file_page(request, kept, found, form)
    except UploadNotSavedError:
        return not_saved_page(request, back=request.path)
    messages.success(request, f"“{kept.original_name}” is now version {stored.version} of "
                     f"{window.short_name} for {school.name}.")  # fmt: skip
    return redirect("portal:la_unattributed_file", file_id=kept.pk)


def _where_it_points(kept: UnattributedFile, found: Attribution | None) -> AttributeForm:
    """Where the header points, as far as it does: a starting point for the data team."""
    if kept.resolved_as_id is None and found is not None:
        return AttributeForm(initial={"school": found.school, "collection": found.collection})
    return AttributeForm()


def _file_page(
    request: HttpRequest, kept: UnattributedFile, found: Attribution | None, form: AttributeForm
) -> HttpResponse:
    return render(
        request,
        "la/unattributed.html",
        {"file": kept, "form": form, "header": header_said(found)},
        status=400 if form.errors else 200,
    )


@la_user_required
def unattributed_download(request: HttpRequest, file_id: int) -> HttpResponseBase:
    kept = get_object_or_404(
        UnattributedFile.objects.select_related("resolved_as__collection"), pk=file_id
    )
    purged_with = kept.resolved_as.collection if kept.resolved_as else None
    what = f"the file {kept.original_name}"
    if gone := downloads.unavailable(request, kept.file, purged_with, what):
        return gone
    record(
        Action.DOWNLOAD, f"downloaded the unattributed file {kept.original_name}",
        request=request, unattributed=kept.pk, sha256=kept.sha256,
    )  # fmt: skip
    # As a plain download, whatever it holds: it may not be XML at all.
    return FileResponse(
        kept.file.open("rb"),
        as_attachment=True,
        filename=kept.original_name or f"file-{kept.pk}",
        content_type="application/octet-stream",
    )


urls: list[URLPattern] = [
    path(
        "la/collections/<int:collection_id>/schools/<int:school_id>/upload/",
        la_upload,
        name="la_upload",
    ),
    path("la/unattributed/", unattributed, name="la_unattributed"),
    path("la/unattributed/<int:file_id>/", unattributed_file, name="la_unattributed_file"),
    path(
        "la/unattributed/<int:file_id>/download/",
        unattributed_download,
        name="la_unattributed_download",
    ),
]
