"""Recording what people do, for the audit trail (models.AuditEvent)."""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
from typing import Any

from allauth.account.signals import user_logged_in, user_logged_out
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest

from keystage.web.common import clock
from keystage.web.models import AuditEvent, Collection, School, User

Action = AuditEvent.Action
log = logging.getLogger(__name__)


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from: REMOTE_ADDR, or behind our proxy
    (KEYSTAGE_BEHIND_PROXY) the address it added last to X-Forwarded-For, the one it saw; any
    earlier ones were sent by the browser and prove nothing. Some proxies add the browser's
    port too ("1.2.3.4:5678", "[2001:db8::1]:443"): the address is the part before it."""
    if request is None:
        return None
    if settings.KEYSTAGE_BEHIND_PROXY:
        added = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        forwarded = _without_port(added)
        if forwarded is not None:
            return forwarded
        # Every browser would then share the proxy's address, and one count of failed sign-ins.
        _report_unreadable_proxy_address(added)
    address = request.META.get("REMOTE_ADDR") or ""
    return address if _is_ip(address) else None


_BRACKETED = re.compile(r"\[(?P<address>[^\]]+)\](:\d{1,5})?")
_IPV4_AND_PORT = re.compile(r"(?P<address>[\d.]+):\d{1,5}")


def _without_port(text: str) -> str | None:
    """The IP address written, with or without a port; None if it is none."""
    if _is_ip(text):
        return text
    written = _BRACKETED.fullmatch(text) or _IPV4_AND_PORT.fullmatch(text)
    if written and _is_ip(written["address"]):
        return written["address"]
    return None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# Set once the error below is logged: once a process is enough to be seen.
unreadable_proxy_address_reported = threading.Event()


def _report_unreadable_proxy_address(added: str) -> None:
    if unreadable_proxy_address_reported.is_set():
        return
    unreadable_proxy_address_reported.set()
    log.error(
        "KEYSTAGE_BEHIND_PROXY is set, but the proxy's last X-Forwarded-For entry is not an IP "
        "address (%r): the proxy's own address is used instead, so every browser shares one "
        "count of failed sign-ins. Make the proxy add the browser's address to "
        "X-Forwarded-For, last.",
        added[:100],
    )


def collection_label(collection: Collection) -> str:
    """How an event names its collection ("KS1 2025-26"): the audit page filters by it."""
    return f"{collection.kind} {collection.academic_year}"


def record(
    action: str,
    what: str,
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
    school: School | None = None,
    collection: Collection | None = None,
    **detail: Any,
) -> AuditEvent:
    if actor is None and request is not None and isinstance(request.user, User):
        actor = request.user
    return AuditEvent.objects.create(
        at=clock.now(),
        action=action,
        actor_id=actor.pk if actor else None,
        actor=actor.username if actor else "",
        role=actor.role if actor else "",
        # The provider's DfE number: a school's LAESTAB, a setting's early years URN.
        school=school.number if school else (actor.school.number if actor and actor.school else ""),
        collection=collection_label(collection) if collection else "",
        what=what,
        ip=client_ip(request),
        detail=detail,
    )


@receiver(user_logged_in)
def _signed_in(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(Action.SIGN_IN, f"{user.username} signed in", request=request, actor=user)


@receiver(user_logged_out)
def _signed_out(sender: object, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if isinstance(user, User):
        record(Action.SIGN_OUT, f"{user.username} signed out", request=request, actor=user)


def throttled(request: HttpRequest | None, account: User | None, tried: str, **detail: Any) -> None:
    """A sign-in refused, right password or not, after too many wrong ones (or wrong codes)."""
    record(Action.THROTTLED, f"a sign-in as {tried!r} was refused: too many failed attempts",
           request=request, school=account.school if account else None,
           account=account.pk if account else None, tried=tried, **detail)  # fmt: skip


# Wrong passwords and wrong two-factor codes are recorded by keystage.web.accounts.signin and
# keystage.web.accounts.two_factor, which count them.


CHANGES = {
    (mfa_signals.authenticator_added, Authenticator.Type.TOTP): "set up an authenticator app",
    (mfa_signals.authenticator_added, Authenticator.Type.RECOVERY_CODES): "got recovery codes",
    (mfa_signals.authenticator_removed, Authenticator.Type.TOTP): "turned off their "
    "authenticator app",
    (mfa_signals.authenticator_removed, Authenticator.Type.RECOVERY_CODES): "lost their "
    "recovery codes with it",
    (mfa_signals.authenticator_reset, Authenticator.Type.RECOVERY_CODES): "made new recovery codes",
}


@receiver(mfa_signals.authenticator_added)
@receiver(mfa_signals.authenticator_removed)
@receiver(mfa_signals.authenticator_reset)
def _two_factor_changed(sender: object, signal: object, request: HttpRequest | None, user: User,
                        authenticator: Authenticator, **kwargs: Any) -> None:  # fmt: skip
    change = CHANGES.get((signal, authenticator.type), f"changed their {authenticator.type}")
    record(Action.MFA_CHANGED, f"{user.username} {change}", request=request, actor=user,
           kind=authenticator.type)  # fmt: skip


def two_factor_reset_by(request: HttpRequest, user: User) -> None:
    """The LA (in the admin) removed an account's two-factor sign-in: a lost phone."""
    record(Action.MFA_CHANGED, f"two-factor sign-in removed from {user.username} by the LA",
           request=request, school=user.school, account=user.pk)  # fmt: skip
