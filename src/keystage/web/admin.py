"""The LA administrator's tools: schools, accounts and collection windows (Django admin)."""

from __future__ import annotations

from typing import Any

import allauth.mfa.admin  # registers allauth's page first, so that ours replaces it below
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from keystage.web import addresses, audit
from keystage.web.models import (
    Appeal,
    Collection,
    ModeratedSchool,
    School,
    Submission,
    User,
)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin[School]):
    list_display = ("laestab", "urn", "name", "phase", "district", "main_email")
    search_fields = ("laestab", "urn", "name")
    list_filter = ("phase", "district")


class AccountForm(UserChangeForm):  # type: ignore[type-arg]
    """An address is one account's; the LA may give one to several heads (a federation)."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        email = cleaned.get("email") or ""
        if email:
            account = self.instance
            account.role = cleaned.get("role", account.role)
            if (problem := addresses.refusal(email, account)) is not None:
                self.add_error("email", ValidationError(f"{problem}. {addresses.SHARING}"))
        return cleaned


@admin.register(User)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
    form = AccountForm
    list_display = ("username", "email", "role", "school", "can_sign", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "email", "school__name", "school__urn")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Keystage", {"fields": ("role", "school", "can_sign")}),
    )


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin[Collection]):
    list_display = ("kind", "academic_year", "opens", "deadline", "closes", "retain_until",
                    "purged_at")  # fmt: skip
    readonly_fields = ("purged_at",)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin[Submission]):
    """Read-only: versions are made by uploads, never edited by hand."""

    list_display = ("school", "collection", "version", "status", "is_current", "uploaded_at")
    list_filter = ("collection", "status", "channel")
    search_fields = ("school__name", "school__laestab")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


class _ViewOnly[M: models.Model](admin.ModelAdmin[M]):
    """Moderation and appeals change only through the data team's pages, which audit them."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ModeratedSchool)
class ModeratedSchoolAdmin(_ViewOnly[ModeratedSchool]):
    list_display = ("school", "round", "moderator", "visit_date", "outcome", "notified_at")
    list_filter = ("round", "outcome")
    search_fields = ("school__name", "school__laestab")


@admin.register(Appeal)
class AppealAdmin(_ViewOnly[Appeal]):
    list_display = ("moderated", "submitter_name", "submitted_at", "decision", "decided_on")
    list_filter = ("decision",)


# allauth's own admin page shows each authenticator's stored data (the secret, the seed of the
# recovery codes): ours shows only what kind it is and when it was used, and lets the LA remove
# a lost phone's, so its owner sets up a new one.
admin.site.unregister(allauth.mfa.admin.Authenticator)


@admin.register(Authenticator)
class TwoFactorAdmin(admin.ModelAdmin[Authenticator]):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__username", "user__email")
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        self._remove(request, [obj])

    def delete_queryset(
        self, request: HttpRequest, queryset: models.QuerySet[Authenticator]
    ) -> None:
        self._remove(request, list(queryset))

    def _remove(self, request: HttpRequest, removed: list[Authenticator]) -> None:
        """Recovery codes go with the app they back up; each owner's change is audited."""
        for owner in {authenticator.user for authenticator in removed}:
            Authenticator.objects.filter(user=owner).delete()
            audit.two_factor_reset_by(request, owner)
