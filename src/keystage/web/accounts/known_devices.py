"""Browsers an account has signed in on: a long-lived cookie per account, set when a sign-in
succeeds, that signin.py reads to let the account's owner past the limits a stranger can
trigger (many failures from a shared council address, or against the account from everywhere).

The cookie holds an HMAC (under SECRET_KEY) of the account's id and its password hash, so
nobody can make one without the server's key, and it dies when the password changes: a copy
taken from a shared computer stops working once its owner sets a new password. It is signed
with its time as well, and refused after KNOWN_FOR even if the browser kept it longer. It is
sent only to the sign-in page (its path), never read by JavaScript (HttpOnly), and secure
wherever the session cookie is.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from keystage.web.models import User

KNOWN_FOR = dt.timedelta(days=365)  # a whole year of collections, then a password again
_SALT = "keystage.web.accounts.known_devices"


def cookie_name(user: User) -> str:
    return f"keystage_known_{user.pk}"


def _token(user: User) -> str:
    return salted_hmac(_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()


def remember(response: HttpResponseBase, user: User) -> None:
    """This browser has just signed in to the account."""
    response.set_signed_cookie(
        cookie_name(user), _token(user), salt=_SALT, max_age=int(KNOWN_FOR.total_seconds()),
        path=reverse("account_login"), secure=settings.SESSION_COOKIE_SECURE, httponly=True,
        samesite="Lax",
    )  # fmt: skip


def recognises(request: HttpRequest | None, user: User) -> bool:
    """Whether the request comes from a browser that signed in to the account, with its
    password as it is now, within KNOWN_FOR."""
    if request is None:
        return False
    try:
        token = request.get_signed_cookie(cookie_name(user), salt=_SALT, max_age=KNOWN_FOR)
    except (KeyError, signing.BadSignature):
        return False
    return token is not None and constant_time_compare(token, _token(user))
