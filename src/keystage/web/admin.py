"""The LA administrator's tools: schools, accounts and collection windows (Django admin).

A new account takes a role and, for a school's people, a school
(keystage.web.accounts.account_forms); it is emailed an invitation to choose its password, or
given one there and then.
"""

from __future__ import annotations

from typing import Any

import allauth.mfa.admin  # registers allauth's page first, so that ours replaces it below
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.http import HttpRequest

from keystage.web.accounts import invitations, receipts
from keystage.web.accounts.access import signed_in
from keystage.web.accounts.account_forms import AccountForm, NewAccountForm
from keystage.web.common import audit
from keystage.web.models import (
    Appeal,
    Collection,
    ModeratedSchool,
    School,
    Submission,
    User,
)
from keystage.web.schools import expected


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin[School]):
    list_display = ("laestab", "urn", "name", "status", "phase", "main_email", "head_email")
    search_fields = ("laestab", "urn", "name")
    list_filter = ("status", "phase", "district")


@admin.register(User)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
    form = AccountForm
    add_form = NewAccountForm
    add_form_template = "admin/portal/user/add_form.html"
    list_display = ("username", "email", "role", "school", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "email", "school__name", "school__urn")
    # Keystage's roles say who may do what: Django's groups and permissions are not used.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Who", {"fields": ("first_name", "last_name", "email")}),
        ("Keystage", {"fields": ("role", "school", "can_upload", "can_sign",
                                 "can_see_pupil_reports"),
                      "description": "A head teacher may always do all three."}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser"),
                    "description": "Staff status lets an LA administrator use this admin."}),
        ("Dates", {"fields": ("last_login", "date_joined", "invited_at")}),
    )  # fmt: skip
    filter_horizontal = ()
    add_fieldsets = (
        ("Whose account", {"fields": ("role", "school", "first_name", "last_name", "email",
                                      "username", "can_upload", "can_sign",
                                      "can_see_pupil_reports")}),
        ("Password", {"fields": ("usable_password", "password1", "password2")}),
    )  # fmt: skip
    actions = ("send_invitation",)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and isinstance(form, NewAccountForm) and form.invites:
            self._invite(request, obj)
        if change and "email" in form.changed_data:  # the school's receipt, the old address too
            receipts.email_changed(obj, form.initial.get("email") or "",
                                   how="the LA's administrator")  # fmt: skip

    @admin.action(description="Email an invitation to set their password")
    def send_invitation(self, request: HttpRequest, queryset: models.QuerySet[User]) -> None:
        """Sends the invitation again (it may have expired); each to the account's own address."""
        for account in queryset:
            if account.is_active and account.email:
                self._invite(request, account)
            else:
                self.message_user(request, f"{account}: no invitation, as the account is "
                                  "off or has no email address", messages.WARNING)  # fmt: skip

    def _invite(self, request: HttpRequest, account: User) -> None:
        if invitations.send(account, invited_by=signed_in(request)):
            self.message_user(request, f"We have emailed {account.email} an invitation to set "
                              f"the password of {account}. Its link works for "
                              f"{invitations.lasts()}.", messages.SUCCESS)  # fmt: skip
        else:
            self.message_user(request, f"We could not email the invitation to {account.email}. "
                              "Send it again later: choose the account in the list, then "
                              "“Email an invitation”.", messages.WARNING)  # fmt: skip


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin[Collection]):
    list_display = ("kind", "academic_year", "opens", "deadline", "closes", "retain_until",
                    "purged_at")  # fmt: skip
    readonly_fields = ("purged_at",)

    def save_model(self, request: HttpRequest, obj: Collection, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:  # a new collection gets its expected schools from the register
            expected.propose_if_registered(obj)


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
