"""Signing in: which account a typed URN or address means, and when wrong passwords stop it.

Wrong passwords are counted in the audit trail (SIGN_IN_FAILED events), which every web
process shares through the database, in two ways over the last 15 minutes:

- per account from one address: 5. The account is the one the typed name means, so its URN
  and its email address share one count; and a count per address means that someone guessing
  elsewhere (URNs are public) never locks a head out of their own school's network.
- per address, whatever names are typed: 100. Schools of one LA often reach us through one
  council address, so this is set far above what a whole LA gets wrong on deadline day (some
  600 sign-ins in the busiest hour, one in ten with a slip, about 15 failures in 15 minutes):
  it stops one address trying a password on every URN, not a few mistakes elsewhere.

An attempt is written as failed *before* its password is checked, then taken out again if the
password was right: guesses sent in parallel count each other, and at most the limit of them
are ever checked. A refused attempt is not checked at all (THROTTLED in the trail) and does not
count, so the refusal ends 15 minutes after the last wrong password. A password reset link
signs its owner in (settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET), so nobody throttled by another's
guesses is kept out.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest

from keystage.web import addresses, audit, clock
from keystage.web.models import AuditEvent, User

WINDOW = dt.timedelta(minutes=15)
GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS = 5
GUESSES_FROM_ONE_ADDRESS = 100


class SharedAddressError(Exception):
    """The address is on several head teachers' accounts: only a URN says which."""


class ThrottledError(Exception):
    """Too many wrong passwords: refused without checking this one."""


@dataclass(frozen=True)
class Attempt:
    event_id: int
    account: User | None


def account_for(typed: str) -> User | None:
    """The account a typed sign-in name means: a username (a head's URN, a member of staff's
    address), else an account's own address; None for no account."""
    typed = typed.strip()
    if not typed:
        return None
    if (named := by_name(typed)) is not None:
        return named
    owners = addresses.sign_in_owners(typed)
    if len(owners) > 1:
        raise SharedAddressError(typed)
    return owners[0] if owners else None


def by_name(typed: str) -> User | None:
    """The account whose sign-in name this is, in any case (the exact spelling first)."""
    named = list(User.objects.filter(username__iexact=typed)[:2])
    exact = [user for user in named if user.username == typed]
    return (exact or named)[0] if named else None


def network_of(address: str | None) -> str:
    """The address to count by: an IPv4 address, or an IPv6 address's /64 (one household or
    office has a whole /64 to pick from)."""
    if not address:
        return "unknown"
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def begin(request: HttpRequest | None, typed: str) -> Attempt:
    """Records the attempt as failed and counts; raises ThrottledError (and takes the record out
    again) when it is one too many, SharedAddressError for a federation's address."""
    account = account_for(typed)
    net = network_of(audit.client_ip(request))
    tried = typed.strip()[:150]
    event = audit.record(
        AuditEvent.Action.SIGN_IN_FAILED, f"a sign-in as {tried!r} failed", request=request,
        school=account.school if account else None, tried=tried,
        account=account.pk if account else None, net=net,
    )  # fmt: skip
    if _too_many(account, net):
        event.delete()
        audit.throttled(request, account, tried, net=net, step="password")
        raise ThrottledError(tried)
    return Attempt(event_id=event.pk, account=account)


def succeeded(attempt: Attempt) -> None:
    """The password was right: the attempt was no failure."""
    AuditEvent.objects.filter(pk=attempt.event_id).delete()


def _too_many(account: User | None, net: str) -> bool:
    recent = AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGN_IN_FAILED, at__gt=clock.now() - WINDOW, detail__net=net
    )
    if recent.count() > GUESSES_FROM_ONE_ADDRESS:
        return True
    if account is None:
        return False
    return recent.filter(detail__account=account.pk).count() > GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS


class ResetPasswordForm(AllauthResetPasswordForm):
    """A reset link for the account a URN (a head's sign-in name) or an email address means,
    sent to that account's own address only: never to one still waiting for its link, which
    could be anyone's. By a URN, only that school's head is sent one, also when heads of a
    federation share their address. The page that follows is the same whether or not any
    account was found."""

    email = forms.CharField(
        max_length=254,
        error_messages={"required": "Enter your school's URN or your email address"},
    )

    def clean_email(self) -> str:
        typed = self.cleaned_data["email"].strip()
        if "@" in typed:
            try:
                validate_email(typed)
            except ValidationError:
                raise ValidationError(
                    "Enter an email address in the right form, like name@school.sch.uk, or "
                    "your school's 6-digit URN"
                ) from None
            self.users = [user for user in addresses.sign_in_owners(typed) if user.is_active]
            self.by_name = False
            return typed.lower()
        account = by_name(typed)
        self.users = [account] if account and account.is_active and account.email else []
        self.by_name = True
        # The address the link goes to (and allauth's limit of links to one address counts by).
        return self.users[0].email if self.users else typed

    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        if self.by_name and not self.users:
            return str(self.cleaned_data["email"])  # no account, no address: nothing to send
        return str(super().save(request, **kwargs))
