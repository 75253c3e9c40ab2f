"""Signing in: which account a typed URN or address means, and when wrong passwords stop it.

Wrong passwords are counted in the audit trail (SIGN_IN_FAILED events), which every web
process shares through the database, in three ways:

- per account from one address, in 15 minutes: 5. The account is the one the typed name
  means, so its URN and its email address share one count; and a count per address means that
  someone guessing elsewhere (URNs are public) never locks a head out of their own school's
  network. It holds for every browser.
- per network, whatever names are typed, in 15 minutes: 100 (an IPv6 network is its /48, the
  most one site is given). It stops one address trying a password on every URN. Schools of one
  LA often reach us through one council address, so this is set far above what a whole LA gets
  wrong on deadline day (some 600 sign-ins in the busiest hour, one in ten with a slip, about 15
  failures in 15 minutes); and it never refuses a browser the account has signed in on before
  (known_devices), so one person guessing at the council cannot keep every head out. Everyone
  else is told to use the emailed reset link.
- per account from everywhere, in an hour: 50. Five an address would let someone with many
  addresses guess on; beyond this only the emailed reset link, or a browser the account has
  signed in on before, gets in. A known browser counts only its own failures here (those that
  came with the account's cookie), so a stranger's guesses never reach it.

An attempt is written as failed *before* its password is checked, then taken out again if the
password was right: guesses sent in parallel count each other, and at most the limit of them
are ever checked. A refused attempt is not checked at all (THROTTLED in the trail) and does not
count, so a refusal ends when its window has passed since the last wrong password. A password
reset link signs its owner in (settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET), so nobody throttled by
another's guesses is kept out.
"""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
from dataclasses import dataclass
from typing import Any

from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from keystage.web.accounts import known_devices
from keystage.web.common import addresses, audit, clock, faultpoints
from keystage.web.models import AuditEvent, User

WINDOW = dt.timedelta(minutes=15)
GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS = 5
GUESSES_FROM_ONE_NETWORK = 100
ACCOUNT_WINDOW = dt.timedelta(hours=1)
GUESSES_PER_ACCOUNT = 50


class Limit(enum.StrEnum):
    """Which count refused a sign-in: each has its own message (access.AccountAdapter)."""

    ACCOUNT_FROM_ADDRESS = "account from address"
    NETWORK = "network"
    ACCOUNT = "account"


class SharedAddressError(Exception):
    """The address is on several head teachers' accounts: only a URN says which."""


class ThrottledError(Exception):
    """Too many wrong passwords: refused without checking this one."""

    def __init__(self, tried: str, limit: Limit) -> None:
        super().__init__(tried, limit)
        self.limit = limit


@dataclass(frozen=True)
class Attempt:
    event_id: int
    account: User | None


@dataclass(frozen=True)
class Origin:
    """Where an attempt comes from, as the limits count it."""

    address: str  # per account: an IPv4 address, an IPv6 /64 (one household or office)
    network: str  # for everyone: an IPv4 address, an IPv6 /48 (one site)
    known: bool  # a browser the account has signed in on before


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


def network_of(address: str | None, ipv6_prefix: int = 64) -> str:
    """The address to count by: an IPv4 address (also when written as IPv6, ::ffff:a.b.c.d),
    or the IPv6 network of the prefix given."""
    if not address:
        return "unknown"
    parsed = ipaddress.ip_address(address)
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{ipv6_prefix}", strict=False))
    return str(parsed)


def origin_of(request: HttpRequest | None, account: User | None) -> Origin:
    ip = audit.client_ip(request)
    known = account is not None and known_devices.recognises(request, account)
    return Origin(network_of(ip, 64), network_of(ip, 48), known)


def begin(request: HttpRequest | None, typed: str) -> Attempt:
    """Records the attempt as failed and counts; raises ThrottledError (and takes the record out
    again) when it is one too many, SharedAddressError for a federation's address."""
    account = account_for(typed)
    origin = origin_of(request, account)
    tried = typed.strip()[:150]
    where: dict[str, Any] = {
        "net": origin.address, "network": origin.network, "known": origin.known
    }  # fmt: skip
    with transaction.atomic(durable=True):  # seen by every other process before counting
        event = audit.record(
            AuditEvent.Action.SIGN_IN_FAILED, f"a sign-in as {tried!r} failed", request=request,
            school=account.school if account else None, tried=tried,
            account=account.pk if account else None, **where,
        )  # fmt: skip
    faultpoints.reached("password-written")
    limit = limit_reached(account, origin)
    if limit is not None:
        event.delete()
        audit.throttled(request, account, tried, step="password", limit=str(limit), **where)
        raise ThrottledError(tried, limit)
    return Attempt(event_id=event.pk, account=account)


def succeeded(attempt: Attempt) -> None:
    """The password was right: the attempt was no failure."""
    AuditEvent.objects.filter(pk=attempt.event_id).delete()


def limit_reached(account: User | None, origin: Origin) -> Limit | None:
    """The first limit the failures so far (this attempt's among them) are over, if any."""
    recent = _failures(WINDOW)
    if account is not None:
        mine = recent.filter(detail__account=account.pk, detail__net=origin.address)
        if mine.count() > GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS:
            return Limit.ACCOUNT_FROM_ADDRESS
        everywhere = _failures(ACCOUNT_WINDOW).filter(detail__account=account.pk)
        if origin.known:
            everywhere = everywhere.filter(detail__known=True)
        if everywhere.count() > GUESSES_PER_ACCOUNT:
            return Limit.ACCOUNT
    if origin.known:
        return None
    if recent.filter(detail__network=origin.network).count() > GUESSES_FROM_ONE_NETWORK:
        return Limit.NETWORK
    return None


def _failures(within: dt.timedelta) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGN_IN_FAILED, at__gt=clock.now() - within
    )


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
