"""Data protection pages: "How your data are used" for everyone, the LA's page to write it
(LA administrators; the data team may read it), and how long each collection is kept.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from keystage.web.accounts.access import la_user_required
from keystage.web.common.audit import Action, record
from keystage.web.common.clock import today
from keystage.web.models import Collection, DataSharingStatement, Role, User
from keystage.web.privacy import statement as privacy

# -- The public page ----------------------------------------------------------------------------


@require_safe
def statement(request: HttpRequest) -> HttpResponse:
    """Public: a parent can read it without an account."""
    found = privacy.current()
    return render(
        request,
        "portal/privacy.html",
        {
            "blocks": privacy.blocks(found.text if found else privacy.default_text()),
            "statement": found,
            "collections": Collection.objects.order_by("-academic_year", "kind"),
        },
    )


# -- Writing it (LA administrators) -------------------------------------------------------------


class StatementForm(forms.Form):
    text = forms.CharField(
        label="The statement",
        help_text="Plain text. Leave a blank line between paragraphs. Start each item of a list "
        "with “- ” and a heading with “## ”. Links and formatting are not shown.",
        widget=forms.Textarea(attrs={"rows": 30}),
        max_length=privacy.MAX_CHARACTERS,
        error_messages={
            "required": "Enter the statement",
            "max_length": f"The statement must be {privacy.MAX_CHARACTERS:,} characters or fewer",
        },
    )


def _is_admin(request: HttpRequest) -> bool:
    return isinstance(request.user, User) and request.user.role == Role.LA_ADMIN


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@la_user_required
def la_statement(request: HttpRequest) -> HttpResponse:
    """The statement in force; for administrators a form to change it, with a preview."""
    found = privacy.current()
    form = StatementForm(initial={"text": found.text if found else privacy.default_text()})
    preview = None
    if request.method == "POST":
        if not _is_admin(request):
            raise Http404("Changing the statement is for LA administrators.")
        form = StatementForm(request.POST)
        if form.is_valid():
            text = privacy.clean(form.cleaned_data["text"])
            if "publish" in request.POST:
                return _publish(request, text)
            preview = privacy.blocks(text)
    return render(
        request,
        "la/privacy.html",
        {
            "statement": found,
            "blocks": privacy.blocks(found.text if found else privacy.default_text()),
            "form": form if _is_admin(request) else None,
            "preview": preview,
            "versions": DataSharingStatement.objects.count(),
        },
        status=400 if form.errors else 200,
    )


def _publish(request: HttpRequest, text: str) -> HttpResponse:
    made = privacy.publish(text, _user(request))
    record(
        Action.STATEMENT, "published a new version of the data-sharing statement",
        request=request, statement=made.pk, characters=len(made.text),
    )  # fmt: skip
    messages.success(request, "The new statement is published: everyone sees it now.")
    return redirect("portal:la_privacy")


@la_user_required
@require_safe
def la_statement_history(request: HttpRequest) -> HttpResponse:
    """Every version, newest first: what schools were told, and when."""
    versions = [
        (version, privacy.blocks(version.text))
        for version in DataSharingStatement.objects.order_by("-published_at", "-id")
    ]
    return render(request, "la/privacy_history.html", {"versions": versions})


# -- How long each collection is kept ----------------------------------------------------------


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
        (c, _retention_state(c, now)) for c in Collection.objects.order_by("-academic_year", "kind")
    ]
    return render(request, "la/retention.html", {"rows": rows, "may_change": _is_admin(request)})


def _retention_state(collection: Collection, now: dt.date) -> str:
    if collection.purged_at is not None:
        return f"Removed on {collection.purged_at:%-d %B %Y}"
    if collection.retain_until is None:
        return "Kept: no date set"
    if collection.retain_until < now:
        return "Due: removed at the next purge"
    return "Kept"


@la_user_required
def la_retention_edit(request: HttpRequest, collection_id: int) -> HttpResponse:
    if not _is_admin(request):
        raise Http404("Setting how long data are kept is for LA administrators.")
    collection = get_object_or_404(Collection, pk=collection_id)
    if collection.purged_at is not None:
        messages.info(request, f"{collection.short_name} was purged: there is nothing to keep.")
        return redirect("portal:la_retention")
    form = RetentionForm(initial={"retain_until": collection.retain_until}, collection=collection)
    if request.method == "POST":
        form = RetentionForm(request.POST, collection=collection)
        if form.is_valid():
            _set_retention(request, collection, form.cleaned_data["retain_until"])
            return redirect("portal:la_retention")
    return render(
        request,
        "la/retention_edit.html",
        {"collection": collection, "form": form},
        status=400 if form.errors else 200,
    )


def _set_retention(request: HttpRequest, collection: Collection, chosen: dt.date | None) -> None:
    before = collection.retain_until
    collection.retain_until = chosen
    collection.save(update_fields=["retain_until"])
    said = f"{chosen:%-d %B %Y}" if chosen else "no date (kept)"
    record(
        Action.RETENTION, f"set {collection.short_name} to be kept until {said}",
        request=request, collection=collection,
        retain_until=chosen.isoformat() if chosen else None,
        before=before.isoformat() if before else None,
    )  # fmt: skip
    messages.success(request, f"{collection.short_name}: kept until {said}.")


urls: list[URLPattern] = [
    path("privacy/", statement, name="privacy"),
    path("la/privacy/", la_statement, name="la_privacy"),
    path("la/privacy/history/", la_statement_history, name="la_privacy_history"),
    path("la/retention/", la_retention, name="la_retention"),
    path("la/retention/<int:collection_id>/", la_retention_edit, name="la_retention_edit"),
]
