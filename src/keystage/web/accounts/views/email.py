"""Your email address (/accounts/email/, in place of allauth's page, which let anyone add any
address and make it the one they sign in with before it was ever confirmed).

Heads and the LA see the address the LA set and who to ask to change it. Staff give a new one;
it is kept aside until they open the link we send to it (keystage.web.common.addresses). Changing it
asks for the password again first, as a session left open must not hand over the account.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from keystage.web.common import addresses
from keystage.web.common.forms import ChangeEmailForm
from keystage.web.models import User

# allauth's decorator (untyped): a change asks for the password again; looking does not.
_password_again: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]] = (
    reauthentication_required(allow_get=True)
)


@login_required
@_password_again
def email_address(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    may_change = addresses.may_change_own(user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = ChangeEmailForm(request.POST if action == "change" else None, user=user)
    if action and not may_change:
        return _page(request, user, form, status=403)
    if action == "change" and form.is_valid():
        new = addresses.start_change(request, user, form.cleaned_data["email"])
        messages.success(
            request,
            f"We have emailed a link to {new.email}. Open it to confirm your new address. "
            f"Until then, you keep signing in with {user.email}.",
        )
        return redirect("account_email")
    if action in ("resend", "cancel") and (waiting := addresses.pending(user)) is not None:
        if action == "resend" and addresses.send_link(request, waiting):
            messages.success(request, f"We have emailed the link to {waiting.email} again.")
        elif action == "resend":
            messages.info(request, "We sent the link a moment ago. Wait 3 minutes to ask again.")
        else:
            waiting.delete()
            messages.success(request, f"Your address stays {user.email}.")
        return redirect("account_email")
    return _page(request, user, form, status=400 if form.errors else 200)


def _page(request: HttpRequest, user: User, form: ChangeEmailForm, status: int) -> HttpResponse:
    context = {
        "form": form,
        "may_change": addresses.may_change_own(user),
        "waiting": addresses.pending(user),
    }
    return render(request, "account/email.html", context, status=status)
