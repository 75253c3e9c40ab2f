"""Your email address (/accounts/email/, in place of allauth's page, which let anyone add any
address and make it the one they sign in with before it was ever confirmed).

Heads and the LA see the address the LA set and who to ask to change it. Staff give a new one;
it is kept aside until they open the link we send to it (keystage.web.common.addresses). Each
change is its own address, and asks for the password again first, as a session left open must
not hand over the account (allauth keeps the change and makes it once the password is given).
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from keystage.web.accounts.access import signed_in
from keystage.web.common import addresses
from keystage.web.common.forms import ChangeEmailForm
from keystage.web.models import User

# allauth's decorator (untyped): a change asks for the password again; looking does not.
_password_again: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]] = (
    reauthentication_required(allow_get=True)
)


@login_required
@require_safe
@_password_again
def email_address(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    return _page(request, user, ChangeEmailForm(user=user))


@login_required
@require_POST
@_password_again
def change_email(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = ChangeEmailForm(request.POST, user=user)
    if not addresses.may_change_own(user):
        return _page(request, user, form, status=403)
    if not form.is_valid():
        return _page(request, user, form, status=400)
    new = addresses.start_change(request, user, form.cleaned_data["email"])
    messages.success(
        request,
        f"We have emailed a link to {new.email}. Open it to confirm your new address. "
        f"Until then, you keep signing in with {user.email}.",
    )
    return redirect("account_email")


@login_required
@require_POST
@_password_again
def send_link_again(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not addresses.may_change_own(user):
        return _page(request, user, ChangeEmailForm(user=user), status=403)
    waiting = addresses.pending(user)
    if waiting is not None and addresses.send_link(request, waiting):
        messages.success(request, f"We have emailed the link to {waiting.email} again.")
    elif waiting is not None:
        messages.info(request, "We sent the link a moment ago. Wait 3 minutes to ask again.")
    return redirect("account_email")


@login_required
@require_POST
@_password_again
def keep_address(request: HttpRequest) -> HttpResponse:
    """The change is called off: the address waiting for its link is dropped."""
    user = signed_in(request)
    if not addresses.may_change_own(user):
        return _page(request, user, ChangeEmailForm(user=user), status=403)
    waiting = addresses.pending(user)
    if waiting is not None:
        waiting.delete()
        messages.success(request, f"Your address stays {user.email}.")
    return redirect("account_email")


def _page(
    request: HttpRequest, user: User, form: ChangeEmailForm, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "may_change": addresses.may_change_own(user),
        "waiting": addresses.pending(user),
    }
    return render(request, "account/email.html", context, status=status)
