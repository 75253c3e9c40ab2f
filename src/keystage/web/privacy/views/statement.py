"""The data-sharing statement: "How your data are used" for everyone, and the LA's page to
write it (LA administrators preview and publish; the data team may read it)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST, require_safe

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.models import DataSharingStatement
from keystage.web.privacy import statement as privacy

# -- The public page ----------------------------------------------------------------------------


@require_safe
def statement(request: HttpRequest) -> HttpResponse:
    """Public: a parent can read it without an account."""
    return render(
        request,
        "portal/privacy.html",
        {
            "blocks": privacy.blocks(privacy.current_text()),
            "statement": privacy.current(),
            "collections": privacy.collections_listed(),
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


def _admin_only(request: HttpRequest) -> None:
    if not signed_in(request).is_la_admin:
        raise Http404("Changing the statement is for LA administrators.")


@la_user_required
@require_safe
def la_statement(request: HttpRequest) -> HttpResponse:
    """The statement in force; for administrators a form to change it, with a preview."""
    return _page(request, StatementForm(initial={"text": privacy.current_text()}))


@la_user_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The page again, with the text as it would be shown: nothing is published."""
    _admin_only(request)
    form = StatementForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    return _page(request, form, preview=privacy.blocks(form.cleaned_data["text"]))


@la_user_required
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = StatementForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    privacy.publish(form.cleaned_data["text"], signed_in(request), request)
    messages.success(request, "The new statement is published: everyone sees it now.")
    return redirect("portal:la_privacy")


def _page(
    request: HttpRequest, form: StatementForm, preview: list[privacy.Block] | None = None
) -> HttpResponse:
    found = privacy.current()
    return render(
        request,
        "la/privacy.html",
        {
            "statement": found,
            "blocks": privacy.blocks(privacy.current_text()),
            "form": form if signed_in(request).is_la_admin else None,
            "preview": preview,
            "versions": DataSharingStatement.objects.count(),
        },
        status=400 if form.errors else 200,
    )


@la_user_required
@require_safe
def la_statement_history(request: HttpRequest) -> HttpResponse:
    """Every version, newest first: what schools were told, and when."""
    versions = [(version, privacy.blocks(version.text)) for version in privacy.every_version()]
    return render(request, "la/privacy_history.html", {"versions": versions})


urls: list[URLPattern] = [
    path("privacy/", statement, name="privacy"),
    path("la/privacy/", la_statement, name="la_privacy"),
    path("la/privacy/preview/", preview, name="la_privacy_preview"),
    path("la/privacy/publish/", publish, name="la_privacy_publish"),
    path("la/privacy/history/", la_statement_history, name="la_privacy_history"),
]
