"""The LA's pages for head teachers' accounts: making them for the open schools that have none
(and inviting each head), and giving a school's account to its new head. Anyone in the LA may
look; only LA administrators make or hand on an account."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from keystage.web.accounts import heads, invitations, tasks
from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.accounts.la_forms import HeadForm
from keystage.web.models import School


@la_user_required
def head_accounts(request: HttpRequest) -> HttpResponse:
    missing = heads.schools_without_account()
    if request.method == "POST":
        _admin_only(request)
        made = heads.make_accounts(request, missing)
        queued = tasks.queue(made, invited_by=signed_in(request))
        messages.success(request, _made(len(made), queued))
        return redirect("portal:la_head_accounts")
    return render(request, "la/head_accounts.html", {
        "ready": [s for s in missing if s.head_email],
        "no_address": [s for s in missing if not s.head_email],
        "is_admin": signed_in(request).is_la_admin, "lasts": invitations.lasts(),
    })  # fmt: skip


@la_user_required
def school_head(request: HttpRequest, school_id: int) -> HttpResponse:
    school = get_object_or_404(School, pk=school_id)
    account = heads.account_of(school)
    named = heads.Head.of(school)
    initial = {"title": named.title, "first_name": named.first_name,
               "last_name": named.last_name, "email": named.email}  # fmt: skip
    form = HeadForm(request.POST or None, school=school, initial=initial)
    if request.method == "POST":
        _admin_only(request)
        if form.is_valid():
            return _hand_on(request, school, form.head())
    return render(request, "la/school_head.html", {
        "school": school, "account": account, "form": form, "named": named,
        "differs": account is not None and heads.differs_from_register(account, school),
        "is_admin": signed_in(request).is_la_admin, "lasts": invitations.lasts(),
    }, status=400 if form.errors else 200)  # fmt: skip


def _made(made: int, queued: int) -> str:
    if not made:
        return "No account was made: every open school with a head's address has one."
    accounts = "1 head teacher's account" if made == 1 else f"{made} head teachers' accounts"
    return (
        f"Made {accounts}. We are emailing {queued} invitation{'s' if queued != 1 else ''} "
        f"now: each link works for {invitations.lasts()}."
    )


def _hand_on(request: HttpRequest, school: School, head: heads.Head) -> HttpResponse:
    account = heads.hand_on(request, school, head)
    if invitations.send(account, invited_by=signed_in(request)):
        messages.success(request, f"The account {account.username} is now "
                         f"{account.get_full_name()}'s. We have emailed {account.email} an "
                         f"invitation to set a password: its link works for "
                         f"{invitations.lasts()}.")  # fmt: skip
    else:
        messages.warning(request, f"The account {account.username} is now "
                         f"{account.get_full_name()}'s, but we could not email the invitation "
                         f"to {account.email}. Send it again from this page.")  # fmt: skip
    return redirect("portal:la_account", user_id=account.pk)


def _admin_only(request: HttpRequest) -> None:
    if not signed_in(request).is_la_admin:
        raise Http404("Head teachers' accounts are made and handed on by LA administrators.")
