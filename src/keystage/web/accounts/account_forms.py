"""The admin's forms for accounts: a new account's role, school, sign-in name, address and
first password; a change that keeps role and school in step.

A head teacher's and school staff's accounts belong to one school; the LA's to none (the
database refuses a school role without a school: these forms say so first, in words). A head
signs in with the school's URN and a member of staff with their email address, so those are
their sign-in names. A new account is either emailed an invitation to choose its password
(keystage.web.accounts.invitations) or given one now.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError

from keystage.web.common import addresses
from keystage.web.models import Role, School, User
from keystage.web.models.accounts import LA_ROLES

INVITE, SET_NOW = "false", "true"  # Django's usable_password values: no password yet, or one


def school_problem(role: str | None, school: School | None) -> str | None:
    """Why this role and school do not go together; None when they do."""
    if role == Role.HEAD and school is None:
        return "Choose the school: a head teacher's account belongs to one school"
    if role == Role.STAFF and school is None:
        return "Choose the school: a member of staff's account belongs to one school"
    if role in LA_ROLES and school is not None:
        return "Leave the school empty: the LA's accounts belong to no school"
    return None


def _check_school_and_address(form: forms.ModelForm[User], cleaned: dict[str, Any]) -> None:
    role, school, email = cleaned.get("role"), cleaned.get("school"), cleaned.get("email")
    if role and (problem := school_problem(role, school)) is not None:
        form.add_error("school", problem)
    if email and role:
        account = form.instance
        account.role = role
        if (refused := addresses.refusal(email, account)) is not None:
            form.add_error("email", ValidationError(f"{refused}. {addresses.SHARING}"))


class AccountForm(UserChangeForm):  # type: ignore[type-arg]
    """An account changed: a school for a school role and none for the LA's; an address is one
    account's, though the LA may give one to several heads (a federation)."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _check_school_and_address(self, cleaned)
        return cleaned


class NewAccountForm(AdminUserCreationForm):  # type: ignore[type-arg]
    """A new account: its role and school first, then who it is and how its first password is
    chosen."""

    usable_password = forms.ChoiceField(
        label="Their first password",
        choices={
            INVITE: "Email them an invitation to choose it themselves (recommended)",
            SET_NOW: "Set it now, and tell them it yourself",
        },
        initial=INVITE,
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
        help_text="The invitation says who set the account up, for which school, and how to "
        "sign in. Its link works once.",
    )

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "role", "school", "can_sign")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["role"] = forms.ChoiceField(
            label="Role",
            choices=[("", "Choose a role"), *Role.choices],
            help_text="A head teacher's and school staff's accounts belong to a school; the "
            "LA's accounts (data team, administrators) to none.",
            error_messages={"required": "Choose the account's role"},
        )
        fields["school"].help_text = "For a head teacher or school staff; none for the LA's."
        fields["username"].required = False
        fields["username"].label = "Sign-in name"
        fields["username"].help_text = (
            "Leave it empty for a head teacher (they sign in with the school's URN) and for "
            "school staff (with their email address). For the LA's accounts, the name they "
            "sign in with, like data.officer."
        )
        fields["email"].required = True
        fields["email"].help_text = "The invitation, and any password reset link, go to it."
        fields["email"].error_messages["required"] = "Enter their email address"
        fields["can_sign"].label = "May sign the confirmation form (school staff only)"

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _check_school_and_address(self, cleaned)
        if "school" not in self.errors and "email" not in self.errors:
            self._name_the_account(cleaned)
        return cleaned

    def _name_the_account(self, cleaned: dict[str, Any]) -> None:
        """A head's sign-in name is the URN, a member of staff's their address; the LA's are
        typed."""
        role, school = cleaned.get("role"), cleaned.get("school")
        typed, email = (cleaned.get("username") or "").strip(), cleaned.get("email") or ""
        if role == Role.HEAD and school is not None:
            self._name_the_head(cleaned, school, typed)
            return
        if role == Role.STAFF:
            if typed and typed.lower() != email.lower():
                self.add_error("username", "Leave it empty: a member of staff signs in with "
                               "their email address")  # fmt: skip
            cleaned["username"] = email.lower()
            return
        if role in LA_ROLES and not typed:
            self.add_error("username", "Enter the name they will sign in with, like data.officer")
        elif role in LA_ROLES and typed.isdigit():
            self.add_error("username", "Choose a name with letters in it: schools' URNs are digits")

    def _name_the_head(self, cleaned: dict[str, Any], school: School, typed: str) -> None:
        if typed and typed != school.urn:
            self.add_error("username", f"Leave it empty: a head teacher signs in with the "
                           f"school's URN, {school.urn}")  # fmt: skip
        elif User.objects.filter(username__iexact=school.urn).exists():
            self.add_error("school", f"{school.name} has a head teacher's account already "
                           f"({school.urn}): change that account instead")  # fmt: skip
        else:
            cleaned["username"] = school.urn

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        return email

    def clean_username(self) -> str:
        """Empty is allowed here: clean() names heads' and staff's accounts."""
        typed: str = self.cleaned_data.get("username") or ""
        if typed and User.objects.filter(username__iexact=typed).exists():
            raise ValidationError("Another account has this sign-in name. Choose another")
        return typed

    @property
    def invites(self) -> bool:
        """The account gets an invitation, not a password set here."""
        return not self.cleaned_data.get("set_usable_password", False)
