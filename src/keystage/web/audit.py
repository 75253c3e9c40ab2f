"""Recording what people do, for the audit trail (models.AuditEvent)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in, user_logged_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from keystage.web.models import AuditEvent, Collection, School, User

Action = AuditEvent.Action


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from (REMOTE_ADDR: a proxy in front must set it)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
        at=timezone.now(),
        action=action,
        actor_id=actor.pk if actor else None,
        actor=actor.username if actor else "",
        role=actor.role if actor else "",
        school=school.laestab
        if school
        else (actor.school.laestab if actor and actor.school else ""),
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


@receiver(user_login_failed)
def _failed(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None,
            **kwargs: Any) -> None:  # fmt: skip
    login = str(credentials.get("username") or credentials.get("email") or "")[:150]
    record(Action.SIGN_IN_FAILED, f"a sign-in as {login!r} failed", request=request, tried=login)
