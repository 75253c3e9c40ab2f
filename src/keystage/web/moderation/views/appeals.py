"""The school's KS2 moderation page: the visit, and once the data team has told the school, the
outcome, the changed judgements, the letter and the head's appeal (within the LA's window)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from keystage.codesets import codeset_for
from keystage.web.accounts.access import school_of, school_user_required
from keystage.web.common.clock import today
from keystage.web.common.page_views import viewed
from keystage.web.models import AppealEvidence, ModeratedSchool, Role, User
from keystage.web.moderation import records
from keystage.web.moderation.evidence import MAX_FILES, EvidenceRefusedError, accept_all, max_bytes
from keystage.web.moderation.records import ModerationError
from keystage.web.moderation.roles import moderated_roles
from keystage.web.moderation.views.la import evidence_response, letter_response


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """One or more files from one file input."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(EvidenceField, self).clean(f, initial) for f in files]


class AppealForm(forms.Form):
    name = forms.CharField(
        label="Your full name", max_length=200, error_messages={"required": "Enter your full name"}
    )
    reasons = forms.CharField(
        label="Why you disagree with the moderation",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        help_text="Say which judgements you disagree with and why, and what your evidence shows.",
        error_messages={"required": "Enter why you disagree with the moderation"},
    )
    evidence = EvidenceField(
        label="Your evidence",
        help_text=f"Up to {MAX_FILES} files: PDFs, pictures (JPEG or PNG) or Office documents, "
        "each up to {size}.",
        error_messages={
            "required": "Choose at least one file of evidence",
            "empty": "One of the files is empty. Choose it again.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["evidence"]
        field.help_text = str(field.help_text).replace("{size}", f"{max_bytes() // 2**20} MB")


def _moderated(request: HttpRequest, moderation_id: int) -> ModeratedSchool:
    # Scoped to the user's school: another school's moderation is a 404, as a missing one is.
    return get_object_or_404(
        ModeratedSchool.objects.select_related("school", "round__collection"),
        pk=moderation_id,
        school=school_of(request),
    )


@school_user_required
def moderation_page(request: HttpRequest, moderation_id: int) -> HttpResponse:
    m = _moderated(request, moderation_id)
    user = request.user
    assert isinstance(user, User)
    is_head = user.role == Role.HEAD
    refused = records.may_appeal(m, today())
    form = AppealForm()
    if request.method == "POST":
        form = AppealForm(request.POST, request.FILES)
        if not is_head:
            form.add_error(None, "Only your head teacher can appeal. Ask them to sign in.")
        elif refused:
            form.add_error(None, refused)
        elif form.is_valid():
            try:
                files = accept_all(form.cleaned_data["evidence"])
                records.submit_appeal(
                    m, by=user, name=form.cleaned_data["name"],
                    reasons=form.cleaned_data["reasons"], files=files, today=today(),
                    request=request,
                )  # fmt: skip
            except EvidenceRefusedError as problem:
                form.add_error("evidence", str(problem))
            except ModerationError as problem:
                form.add_error(None, str(problem))
            else:
                messages.success(request, "Your appeal is sent. We have emailed you a receipt; "
                                 "the data team will tell you its decision.")  # fmt: skip
                return redirect("portal:moderation", moderation_id=m.pk)
    told = m.notified_at is not None
    codeset = codeset_for(m.round.collection.academic_year)
    roles = {r: a.label for r, a in moderated_roles(codeset).items()}
    appeal = getattr(m, "appeal", None)
    changes = list(m.changes.all()) if told else []
    viewed(request, "your school's KS2 moderation", upns=[c.upn for c in changes],
           school=m.school, collection=m.round.collection, moderation=m.pk)  # fmt: skip
    return render(
        request,
        "portal/appeal.html",
        {"m": m, "school": m.school, "collection": m.round.collection, "told": told,
         "changes": [(c, roles.get(c.role, c.role)) for c in changes],
         "sampled": m.sample.count() if told else 0, "appeal": appeal,
         "evidence": list(appeal.evidence.all()) if appeal else [], "form": form,
         "refused": refused, "is_head": is_head},
        status=400 if form.errors else 200,
    )  # fmt: skip


@school_user_required
def letter(request: HttpRequest, moderation_id: int) -> HttpResponseBase:
    m = _moderated(request, moderation_id)
    return letter_response(request, m)


@school_user_required
def evidence(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    item = get_object_or_404(
        AppealEvidence.objects.select_related(
            "appeal__moderated__school", "appeal__moderated__round__collection"
        ),
        pk=evidence_id,
        appeal__moderated__school=school_of(request),
    )
    return evidence_response(request, item)


urls: list[URLPattern] = [
    path("moderation/<int:moderation_id>/", moderation_page, name="moderation"),
    path("moderation/<int:moderation_id>/letter/", letter, name="moderation_letter"),
    path("appeals/evidence/<int:evidence_id>/", evidence, name="appeal_evidence"),
]
