"""The schools pages' forms: the register's files, the LA's decision on a school, a school's
choice to take part. Each error says what to do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from keystage.web.schools import gias, providers

MAX_FILE_BYTES = 20 * 1024 * 1024  # an LA's extract is a few hundred KB; England's is 60 MB


class RegisterFilesForm(forms.Form):
    extract = forms.FileField(
        label="The register's extract (GIAS)", required=False,
        help_text="The CSV of your LA's establishments from Get Information about Schools, with "
        "all its columns. Leave it out to load only email addresses.",
    )  # fmt: skip
    links = forms.FileField(
        label="The links file (optional)", required=False,
        help_text="GIAS's links CSV: which establishment replaced which (academy conversions).",
    )  # fmt: skip
    emails = forms.FileField(
        label="Your list of email addresses (optional)", required=False,
        help_text="A CSV with the columns URN, Head email and School email. The register has "
        "no email addresses.",
    )  # fmt: skip

    def _text(self, name: str) -> str | None:
        upload = self.cleaned_data.get(name)
        if not isinstance(upload, UploadedFile):
            return None
        if upload.size and upload.size > MAX_FILE_BYTES:
            raise ValidationError("The file is larger than 20 MB: export only your LA's schools")
        try:
            return gias.decode(upload.read(), upload.name or name)
        except gias.RegisterError as problem:
            raise ValidationError(str(problem)) from None

    def clean_extract(self) -> str | None:
        text = self._text("extract")
        if text is not None:
            self._check(gias.read_establishments, text)
        return text

    def clean_links(self) -> str | None:
        text = self._text("links")
        if text is not None:
            self._check(gias.read_links, text)
        return text

    def clean_emails(self) -> str | None:
        text = self._text("emails")
        if text is not None:
            self._check(gias.read_addresses, text)
        return text

    @staticmethod
    def _check(read: Any, text: str) -> None:
        try:
            read(text)
        except gias.RegisterError as problem:
            raise ValidationError(str(problem)) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not any(cleaned.get(n) for n in ("extract", "links", "emails")):
            self.add_error("extract", "Choose the register's extract, or a file of addresses")
        return cleaned

    def file_name(self, name: str) -> str:
        upload = self.files.get(name)
        return str(getattr(upload, "name", "") or "")[:200]


class SettingsListForm(forms.Form):
    providers = forms.FileField(
        label="Your early years provider list (CSV)",
        help_text="One row a setting, with its early years URN (6 digits starting 5, 6 or 7), "
        "name, type, contact name, email, telephone and postcode or district. Add an LA "
        "column if the settings are not all in your schools' LA.",
        error_messages={"required": "Choose your early years provider list"},
    )  # fmt: skip

    def clean_providers(self) -> str:
        upload = self.cleaned_data["providers"]
        if upload.size and upload.size > MAX_FILE_BYTES:
            raise ValidationError("The file is larger than 20 MB: is it your LA's settings only?")
        try:
            text = gias.decode(upload.read(), upload.name or "The provider list")
            providers.read_settings(text)
        except gias.RegisterError as problem:
            raise ValidationError(str(problem)) from None
        return text

    def file_name(self) -> str:
        return str(getattr(self.files.get("providers"), "name", "") or "")[:200]


YES_NO = [("yes", "Yes"), ("no", "No")]


class DecisionForm(forms.Form):
    expected = forms.ChoiceField(
        label="Is this school expected to send its data?", widget=forms.RadioSelect,
        choices=[("yes", "Yes, expected"), ("no", "No, not expected")],
        error_messages={"required": "Choose whether the school is expected"},
    )  # fmt: skip
    reason = forms.CharField(
        label="Why", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: “opted in by email on 3 March”, or “no Year 6 this year”.",
        error_messages={"required": "Enter the reason for the decision",
                        "max_length": "The reason must be 500 characters or fewer"},
    )  # fmt: skip


class TakingPartForm(forms.Form):
    taking_part = forms.ChoiceField(
        label="Will your school send this collection to the LA?", widget=forms.RadioSelect,
        choices=YES_NO, error_messages={"required": "Choose yes or no"},
    )  # fmt: skip
