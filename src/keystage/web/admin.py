"""The LA administrator's tools: schools, accounts and collection windows (Django admin)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from keystage.web.models import Collection, School, Submission, User


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
    list_display = ("kind", "academic_year", "opens", "deadline", "closes")


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
