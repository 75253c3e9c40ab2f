"""The LA's pages for any account: finding it, and (LA administrators) turning it off and on,
removing two-factor sign-in for a lost phone, and sending an invitation again (the data team
may do that too: they chase the heads who have not signed in before a window)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from keystage.web.accounts import invitations, managing
from keystage.web.accounts.access import la_admin_required, la_user_required, signed_in
from keystage.web.accounts.la_forms import FindAccountForm
from keystage.web.models import User


@la_user_required
@require_safe
def accounts(request: HttpRequest) -> HttpResponse:
    form = FindAccountForm(request.GET or None)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found = list(managing.find(text)[: managing.FOUND_AT_MOST + 1]) if text else []
    return render(request, "la/accounts.html", {
        "form": form, "text": text, "found": found[: managing.FOUND_AT_MOST],
        "more": len(found) > managing.FOUND_AT_MOST, "most": managing.FOUND_AT_MOST,
    })  # fmt: skip


@la_user_required
@require_safe
def account(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("school"), pk=user_id)
    return render(request, "la/account.html", {
        "person": person, "two_factor": managing.has_two_factor(person),
        "waiting": invitations.waiting(person), "may_invite": invitations.may_send(person),
        "is_admin": signed_in(request).is_la_admin, "is_self": person.pk == request.user.pk,
        "lasts": invitations.lasts(),
    })  # fmt: skip


@la_admin_required
@require_POST
def set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    active = request.POST.get("active") == "on"
    try:
        managing.set_active(request, person, active=active, by=signed_in(request))
    except managing.RefusedError as refused:
        messages.error(request, str(refused))
    else:
        said = "on: they can sign in again" if active else "off: they cannot sign in"
        messages.success(request, f"The account {person.username} is {said}.")
    return redirect("portal:la_account", user_id=person.pk)


@la_admin_required
@require_POST
def reset_two_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    try:
        removed = managing.reset_two_factor(request, person, by=signed_in(request))
    except managing.RefusedError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _two_factor_removed(person) if removed else
                         f"{person.username} had no two-factor sign-in to remove.")  # fmt: skip
    return redirect("portal:la_account", user_id=person.pk)


def _two_factor_removed(person: User) -> str:
    return (
        f"Two-factor sign-in is removed from {person.username}. They sign in with their "
        "password, and set up an authenticator app on their new phone"
        f"{' at once (their role requires it)' if person.is_la else ' if they choose'}."
    )


@la_user_required
@require_POST
def invite(request: HttpRequest, user_id: int) -> HttpResponse:
    """Sends the account an invitation (its link sets a new password) to its own address."""
    person = get_object_or_404(User, pk=user_id)
    if not invitations.may_send(person):
        messages.error(request, f"{person.username} has no email address, or is turned off: "
                       "no invitation was sent.")  # fmt: skip
    elif invitations.send(person, invited_by=signed_in(request)):
        messages.success(request, f"We have emailed {person.email} a new invitation for "
                         f"{person.username}. Its link works for "
                         f"{invitations.lasts()}.")  # fmt: skip
    else:
        messages.warning(request, f"We could not email {person.email}. Try again in a few "
                         "minutes.")  # fmt: skip
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("portal:la_account", user_id=person.pk)
