"""Password rules (settings.AUTH_PASSWORD_VALIDATORS), and passwords set before them.

Django checks a new password against the account's own names; a head teacher's account is
named by the school's URN, and school offices reach for the school's name, so a password is
checked against its school's name, URN and LAESTAB too.

A password set before the rules (`password`, `123456`) still signs in, once: the sign-in
notes that it breaks them, and access.AccountSetUpFirst sends its owner to change it before
anything else.
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset
from django.contrib.auth.password_validation import (
    UserAttributeSimilarityValidator,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpRequest

from keystage.web.models import User

WEAK = "keystage.password_breaks_the_rules"


def note_if_weak(request: HttpRequest | None, password: str, user: User) -> None:
    """At sign-in, the one moment the password itself is known: does it keep the rules?"""
    if request is None or not hasattr(request, "session"):
        return
    try:
        validate_password(password, user)
    except ValidationError:
        request.session[WEAK] = True


def must_change(request: HttpRequest) -> bool:
    return bool(request.session.get(WEAK))


@receiver(password_changed)
@receiver(password_reset)
def _changed(sender: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(WEAK, None)


class AccountSimilarityValidator(UserAttributeSimilarityValidator):
    """Django's check against the account's own names, in a school office's words."""

    def get_error_message(self) -> str:
        return "The password is too like your %(verbose_name)s. Choose another"


class SchoolSimilarityValidator(UserAttributeSimilarityValidator):
    def __init__(self, max_similarity: float = 0.7) -> None:
        super().__init__(user_attributes=("name", "urn", "laestab"), max_similarity=max_similarity)

    def validate(self, password: str, user: object = None) -> None:
        school = user.school if isinstance(user, User) else None
        if school is not None:
            # Django's check reads any model's fields, and their names word its message.
            super().validate(password, school)  # type: ignore[arg-type]

    def get_error_message(self) -> str:
        return "The password is too like your school's %(verbose_name)s. Choose another"

    def get_help_text(self) -> str:
        return "Your password cannot be like your school's name, URN or LAESTAB."
