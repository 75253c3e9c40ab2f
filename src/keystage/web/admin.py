"""The LA administrator's tools: schools, accounts and collection windows (Django admin)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models

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


@admin.register(User)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
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
