"""The people who sign in: a head (username = URN), staff, the LA's team. Their schools are
in models.schools (School is imported from here too)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from keystage.web.models.schools import School as School  # other models import it from here


class Role(models.TextChoices):
    HEAD = "head", "Head teacher"
    STAFF = "staff", "School staff"
    LA_DATA = "la_data", "LA data team"
    LA_ADMIN = "la_admin", "LA administrator"


SCHOOL_ROLES = (Role.HEAD, Role.STAFF)
LA_ROLES = (Role.LA_DATA, Role.LA_ADMIN)


class Users(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        """`manage createsuperuser` makes an LA administrator: a superuser with no school (a
        school role needs one) and the two-factor sign-in every LA role has."""
        extra.setdefault("role", Role.LA_ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    objects = Users()  # type: ignore[misc]
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # What a member of staff may do, as their head decides (a head may always do all three).
    can_upload = models.BooleanField(
        default=True, help_text="Staff only: the head lets this person upload the school's files."
    )
    can_sign = models.BooleanField(
        default=False, help_text="Staff only: the head has allowed this person to sign."
    )
    can_see_pupil_reports = models.BooleanField(
        default=False,
        help_text="Staff only: the head lets this person download the pupil-level reports.",
    )
    invited_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last invitation to set a password was sent."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="school_users_have_a_school",
                condition=models.Q(role__in=["la_data", "la_admin"])
                | models.Q(school__isnull=False),
            )
        ]

    @property
    def is_school_user(self) -> bool:
        return self.role in SCHOOL_ROLES

    @property
    def is_la(self) -> bool:
        return self.role in LA_ROLES

    @property
    def is_la_admin(self) -> bool:
        return self.role == Role.LA_ADMIN

    @property
    def may_upload(self) -> bool:
        return self.role == Role.HEAD or (self.role == Role.STAFF and self.can_upload)

    @property
    def may_sign(self) -> bool:
        return self.role == Role.HEAD or (self.role == Role.STAFF and self.can_sign)

    @property
    def may_see_pupil_reports(self) -> bool:
        return self.role == Role.HEAD or (self.role == Role.STAFF and self.can_see_pupil_reports)
