"""The LA's hold on any account: finding it, turning it off and on, and removing two-factor
sign-in from someone who lost their phone. Each change is audited.

An account turned off cannot sign in, and any browser signed in to it is signed out at its next
page (Django's sign-in refuses an inactive account, and so does each request's). Removing the
authenticators leaves the password: the owner signs in with it, and sets up a new app then if
their role requires one (accounts.access.AccountSetUpFirst), or when they choose.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from keystage.web.common import audit
from keystage.web.models import User

FOUND_AT_MOST = 50


class RefusedError(Exception):
    """Why the change cannot be made, in words for the page."""


def find(text: str) -> QuerySet[User]:
    """Accounts whose sign-in name (a head's is the URN), name, email address or school matches
    `text` ("Shah", "123456", "oak primary", "head@"), heads first."""
    words = text.split()
    found = User.objects.select_related("school")
    for word in words:
        found = found.filter(
            Q(username__icontains=word) | Q(first_name__icontains=word)
            | Q(last_name__icontains=word) | Q(email__icontains=word)
            | Q(school__name__icontains=word) | Q(school__urn=word) | Q(school__laestab=word)
        )  # fmt: skip
    return found.order_by("school__name", "role", "last_name", "username")


def set_active(request: HttpRequest, account: User, *, active: bool, by: User) -> None:
    if account.pk == by.pk:
        raise RefusedError("You cannot turn your own account off.")
    if account.is_active == active:
        return
    account.is_active = active
    account.save(update_fields=["is_active"])
    said = "turned on" if active else "turned off"
    audit.record(audit.Action.ACCOUNT, f"{said} the account {account.username}", request=request,
                 school=account.school, account=account.pk, active=active)  # fmt: skip


def reset_two_factor(request: HttpRequest, account: User, *, by: User) -> int:
    """Removes the account's authenticator app and recovery codes; how many were removed."""
    if account.pk == by.pk:
        raise RefusedError("You cannot remove your own two-factor sign-in here: use Your account.")
    removed, _ = Authenticator.objects.filter(user=account).delete()
    if removed:
        audit.two_factor_reset_by(request, account)
    return int(removed)


def has_two_factor(account: User) -> bool:
    return Authenticator.objects.filter(user=account).exists()
