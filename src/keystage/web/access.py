"""Who may do what: closed sign-up, two-factor for the LA, and every school object scoped.

Views reach school-owned objects only through the functions here, so a school user asking
for another school's object gets the same 404 as for one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse

from keystage.web.models import Role, School, Submission, User


class AccountAdapter(DefaultAccountAdapter):
    # The sign-in page's errors in the words a school office would use.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": "The URN or password is not right. Check them and try "
        "again, or reset your password",
        "email_password_mismatch": "The email address or password is not right. Check them and "
        "try again, or reset your password",
        "too_many_login_attempts": "You have tried to sign in too many times. Wait 5 minutes, "
        "then try again, or reset your password",
        "account_inactive": "This account has been turned off. Ask your head teacher or the "
        "data team to turn it back on",
        "incorrect_code": "The code is not right. Enter the 6-digit code your authenticator "
        "app shows now",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # the LA creates schools' and its own accounts


def school_user_required[View: Callable[..., HttpResponseBase]](view: View) -> View:
    """Pages for a school's own people: an LA user has no school to act for here."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or not user.is_school_user or user.school is None:
            raise Http404("This page is for school users.")
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


def la_user_required[View: Callable[..., HttpResponseBase]](view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or not user.is_la:
            raise Http404("This page is for the LA's data team.")
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


def school_of(request: HttpRequest) -> School:
    user = request.user
    assert isinstance(user, User) and user.school is not None
    return user.school


def own_submission(request: HttpRequest, submission_id: int) -> Submission:
    return get_object_or_404(
        Submission.objects.select_related("school", "collection"),
        pk=submission_id,
        school=school_of(request),
    )


def own_staff(request: HttpRequest, user_id: int) -> User:
    return get_object_or_404(User, pk=user_id, school=school_of(request), role=Role.STAFF)


class RequireTwoFactorForLA:
    """LA accounts reach every school's pupils, and admin (staff) accounts reach everything:
    they must set up an authenticator app first."""

    allowed_prefixes = ("/accounts/", "/static/", "/health")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and (user.is_la or user.is_superuser or user.is_staff)  # the admin too
            and not request.path.startswith(self.allowed_prefixes)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
