"""Who may do what: closed sign-up, sign-in by one account's name, two-factor where it is
required, and every school object scoped.

Views reach school-owned objects only through the functions here, so a school user asking
for another school's object gets the same 404 as for one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from keystage.web.accounts import known_devices, passwords, receipts, signin
from keystage.web.accounts.two_factor import has_authenticator_app, must_use_two_factor
from keystage.web.common import addresses
from keystage.web.common.context import names
from keystage.web.models import Role, School, Submission, User

THROTTLED_MESSAGES = {
    signin.Limit.ACCOUNT_FROM_ADDRESS: "too_many_login_attempts",
    signin.Limit.NETWORK: "too_many_from_network",
    signin.Limit.ACCOUNT: "too_many_for_account",
}


class AccountAdapter(DefaultAccountAdapter):
    # The sign-in page's errors in the words a school office would use.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": "The URN or password is not right. Check them and try "
        "again, or reset your password",
        "email_password_mismatch": "The email address or password is not right. Check them and "
        "try again, or reset your password",
        "too_many_login_attempts": "You have tried to sign in too many times. Wait 15 minutes, "
        "then try again, or reset your password: the link we email you signs you in",
        "too_many_from_network": "Many failed sign-ins have come from your network (your "
        "school's or council's internet connection) in the last 15 minutes, so for now we "
        "cannot sign you in from it with a password. It is not because of anything you did. "
        "Select 'I have forgotten my password' to get a link by email: it always works, and "
        "signs you in",
        "too_many_for_account": "Many wrong passwords have been tried for this account in the "
        "last hour. To keep it safe, for now you can sign in to it with a password only on a "
        "computer you have signed in on before. Select 'I have forgotten my password' to get a "
        "link by email: it always works, and signs you in. If you did not try those passwords, "
        "tell the LA's data team",
        "shared_address": "This email address belongs to more than one school's account. "
        "Sign in with your school's 6-digit URN instead",
        "account_inactive": "This account has been turned off. If you are a member of staff, "
        "ask your head teacher to turn it back on; if you are a head teacher, ask the LA's "
        "assessment data team",
        "incorrect_code": "The code is not right. Enter the 6-digit code your authenticator "
        "app shows now",
    }

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails are drawn without the request's context: give them the names and
        the contacts our own emails and pages have (templates/account/email/base_message.txt
        ends them with the same footer)."""
        super().send_mail(template_prefix, email, {**names(), **context})

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # the LA creates schools' and its own accounts

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """In place of allauth's count by the typed name: keystage.web.accounts.signin counts by
        account and by address."""
        typed = str(credentials.get("username") or credentials.get("email") or "")
        try:
            self._attempt = signin.begin(request, typed)
        except signin.SharedAddressError:
            raise self.validation_error("shared_address") from None
        except signin.ThrottledError as refused:
            raise self.validation_error(THROTTLED_MESSAGES[refused.limit]) from None

    def authenticate(self, request: HttpRequest, **credentials: Any) -> User | None:
        """Signs in only the account the typed name means (never another account that added
        the same address, nor one of several that share it)."""
        user = super().authenticate(request, **credentials)
        attempt: signin.Attempt = self._attempt
        if user is None or attempt.account is None or user.pk != attempt.account.pk:
            return None
        signin.succeeded(attempt)
        passwords.note_if_weak(request, str(credentials.get("password") or ""), user)
        return user

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        """Signs in (after the second factor, if any); the school gets a receipt for its
        people's first sign-in (Django notes last_login as it signs them in)."""
        first = isinstance(user, User) and user.last_login is None
        super().login(request, user)
        if first:
            assert isinstance(user, User)
            receipts.first_sign_in(user)

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> Any:
        """Signed in (after the second factor, if any, and by a reset link too): the browser
        is now one the account has signed in on."""
        response = super().post_login(request, user, **kwargs)
        if isinstance(user, User) and response is not None:
            known_devices.remember(response, user)
        return response

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        """A member of staff opened the link sent to their new address: it becomes theirs,
        unless meanwhile another account has it (or the account may not change it)."""
        user = email_address.user
        problem = addresses.refusal(email_address.email, user)
        if problem is None and not addresses.may_change_own(user):
            problem = "The LA sets this account's email address. Ask the data team to change it"
        if problem is not None:
            messages.error(request, problem)
            return False
        old_email = user.email
        confirmed = bool(super().confirm_email(request, email_address))
        if confirmed:
            addresses.follow_address(user, old_email)
            receipts.email_changed(user, old_email, how=f"{user.get_full_name() or 'its owner'}, "
                                   "who opened the link we sent to the new address")  # fmt: skip
        return confirmed


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


def la_admin_required[View: Callable[..., HttpResponseBase]](view: View) -> View:
    """The LA administrator's actions (accounts, the register): 404 for everyone else, the
    data team too."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not signed_in(request).is_la_admin:
            raise Http404("This is for LA administrators.")
        return view(request, *args, **kwargs)

    return la_user_required(wrapped)  # type: ignore[return-value]


def head_required[View: Callable[..., HttpResponseBase]](view: View) -> View:
    """Pages for the head teacher alone (the school's staff accounts): 404 for anyone else."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if signed_in(request).role != Role.HEAD:
            raise Http404("Only the head teacher's account manages staff accounts.")
        return view(request, *args, **kwargs)

    return school_user_required(wrapped)  # type: ignore[return-value]


def signed_in(request: HttpRequest) -> User:
    """The account a page behind one of the decorators above acts for."""
    user = request.user
    assert isinstance(user, User), "a page that acts for an account must require sign-in"
    return user


def without_right(request: HttpRequest, doing: str, back: str = "") -> HttpResponse:
    """The page for a member of staff whose head has not given them a right ("upload the
    school's files"): what they cannot do, and who gives it (keystage.web.accounts.staff)."""
    context = {"doing": doing, "back": back}
    return render(request, "portal/no_right.html", context, status=403)


def school_of(request: HttpRequest) -> School:
    user = request.user
    assert isinstance(user, User) and user.school is not None
    return user.school


def own_submission(request: HttpRequest, submission_id: int) -> Submission:
    """One of the school's own versions; never the NCA Portal's results, which are the LA's."""
    return get_object_or_404(
        Submission.objects.select_related("school", "collection").schools_own(),
        pk=submission_id,
        school=school_of(request),
    )


def own_staff(request: HttpRequest, user_id: int) -> User:
    return get_object_or_404(User, pk=user_id, school=school_of(request), role=Role.STAFF)


class AccountSetUpFirst:
    """Before any other page: an authenticator app, for accounts that must use two-factor
    sign-in (two_factor.must_use_two_factor: the LA, the admin, and heads when the LA says so);
    and a new password, for one signed in with a password that breaks the rules
    (passwords.note_if_weak)."""

    allowed_prefixes = ("/accounts/", "/static/", "/health")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or request.path.startswith(self.allowed_prefixes):
            return self.get_response(request)
        if must_use_two_factor(user) and not has_authenticator_app(user):
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        if passwords.must_change(request):
            messages.warning(
                request,
                "Your password does not meet the service's rules any more. Choose a new one "
                "before you go on.",
            )
            return HttpResponseRedirect(reverse("account_change_password"))
        return self.get_response(request)
