"""Password rules beyond Django's own validators (settings.AUTH_PASSWORD_VALIDATORS).

Django checks a new password against the account's own names; a head teacher's account is
named by the school's URN, and school offices reach for the school's name, so a password is
checked against its school's name, URN and LAESTAB too.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import UserAttributeSimilarityValidator

from keystage.web.models import User


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
