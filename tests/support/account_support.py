"""Helpers for the sign-in tests: signing in from an address, codes an authenticator app
would show, setting an app up through the pages, and following emailed links."""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.test import Client
from portal_support import PASSWORD

from keystage.web.models import AuditEvent


def from_address(ip: str) -> Client:
    """A browser at this address (REMOTE_ADDR, as gunicorn gives it without a proxy)."""
    return Client(REMOTE_ADDR=ip)


def sign_in(client: Client, login: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"login": login, "password": password})


def signed_in_as(client: Client) -> str | None:
    """The username of the account the client's session is signed in to, if any."""
    response = client.get("/accounts/2fa/")
    if response.status_code != 200:
        return None
    return str(response.wsgi_request.user.get_username())


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))  # the middle: now


def wrong_code(secret: str) -> str:
    return f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"


def set_up_app(client: Client, password: str = PASSWORD) -> str:
    """Sets up an authenticator app through the pages as a person does (their password again,
    the QR code page, a code); returns the secret the app would hold."""
    client.post("/accounts/reauthenticate/", {"password": password})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, page.status_code
    secret = str(client.session[SECRET_SESSION_KEY])
    done = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert done.status_code == 302, done.content.decode()
    return secret


def emailed_link(to: str, path: str) -> str:
    """The path of the last link starting with `path` emailed to `to`."""
    for message in reversed(mail.outbox):
        if to in message.to:
            found = re.search(rf"http://testserver({re.escape(path)}\S+)", message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no email to {to} with a link to {path}")


def actions(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("at", "id"))


def invitation_link(to: str) -> str:
    """The path of the last invitation's link emailed to `to` (whatever address the service
    gives itself in emails)."""
    for message in reversed(mail.outbox):
        if to in message.to:
            found = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+)", message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no invitation emailed to {to}")
