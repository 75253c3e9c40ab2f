"""Forms: each error message says what to do, for the GOV.UK error summary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from keystage.web.common import addresses
from keystage.web.models import Guidance, TeamQuery, User


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload your CTF",
        help_text="The XML file your MIS exports for this collection, up to 50 MB.",
        error_messages={
            "required": "Select the CTF file to upload",
            "empty": "The file is empty. Export the CTF from your MIS again and upload it.",
        },
    )

    def __init__(self, *args: Any, setting: bool = False, **kwargs: Any) -> None:
        """A PVI setting's main channel is the spreadsheet template: its words say so."""
        super().__init__(*args, **kwargs)
        if setting:
            field = self.fields["file"]
            field.label = "Upload your filled template or CTF"
            field.help_text = (
                "The spreadsheet template filled in and saved as an Excel Workbook (.xlsx), or "
                "the CTF your software exports, up to 50 MB."
            )
            field.error_messages["required"] = "Select your filled template or CTF to upload"


class AnswerForm(forms.Form):
    upn = forms.CharField(max_length=13, required=False, widget=forms.HiddenInput)
    code = forms.CharField(max_length=40, widget=forms.HiddenInput)
    text = forms.CharField(
        label="Your explanation",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter an explanation for this query"},
    )


class ConfirmationForm(forms.Form):
    signer_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
    )
    signer_role = forms.CharField(
        label="Your role",
        max_length=200,
        help_text="For example, head teacher.",
        error_messages={"required": "Enter your role"},
    )
    responsible = forms.CharField(
        label="Who made the assessments",
        help_text="The names and roles of the staff responsible for these assessments.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the staff responsible for the assessments"},
    )
    moderation_done = forms.BooleanField(
        label="Internal moderation of these assessments is complete.",
        error_messages={"required": "Confirm that internal moderation is complete"},
    )
    outcomes_agreed = forms.BooleanField(
        label="The outcomes have been agreed with the staff responsible for them.",
        error_messages={"required": "Confirm that the outcomes have been agreed"},
    )
    password = forms.CharField(
        label="Your password",
        help_text="Enter your password again to sign.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to sign"},
    )  # fmt: skip

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("The password is not right. Enter the password you sign in with")
        return password


class StaffForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter a first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter a last name"}
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We email them an invitation to set their password. They sign in with this "
        "address.",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the right form, like name@school.sch.uk",
        },
    )
    can_upload = forms.BooleanField(label="Upload the school's files", required=False, initial=True)
    can_sign = forms.BooleanField(label="Sign the confirmation form", required=False)
    can_see_pupil_reports = forms.BooleanField(
        label="Download the pupil-level reports",
        required=False,
        help_text="They hold every pupil's results by name.",
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if addresses.holders(email):
            raise ValidationError("Someone already has an account with this email address")
        return email


class ChangeEmailForm(forms.Form):
    """A member of staff's new address: used once they open the link we send to it."""

    email = forms.EmailField(
        label="New email address",
        help_text="We will email a link to this address. Your address changes when you open it.",
        error_messages={
            "required": "Enter your new email address",
            "invalid": "Enter an email address in the right form, like name@school.sch.uk",
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if email == self.user.email.lower():
            raise ValidationError("This is your address already. Enter the new one")
        if (problem := addresses.refusal(email, self.user)) is not None:
            raise ValidationError(problem)
        return email


class StaffRightsForm(forms.Form):
    """What a member of staff may do: the head's choice for each (a head may do all three)."""

    can_upload = forms.BooleanField(label="Upload the school's files", required=False)
    can_sign = forms.BooleanField(label="Sign the confirmation form", required=False)
    can_see_pupil_reports = forms.BooleanField(
        label="Download the pupil-level reports",
        required=False,
        help_text="They hold every pupil's results by name.",
    )
    active = forms.BooleanField(
        label="Account is on",
        required=False,
        help_text="Someone whose account is off cannot sign in.",
    )


class RaiseQueryForm(forms.Form):
    """A query names a pupil of the school's current version (chosen from them, by name and
    UPN), or the file as a whole: nothing else is accepted, whatever is posted."""

    subject = forms.CharField(
        label="Subject", max_length=200, error_messages={"required": "Enter a subject"}
    )
    upn = forms.ChoiceField(
        label="Which pupil is it about?",
        required=False,
        error_messages={
            "invalid_choice": "Choose a pupil of the school's current file, or the file as a whole"
        },
    )
    body = forms.CharField(
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your question"},
    )

    def __init__(self, *args: Any, pupils: list[tuple[str, str]], whole_file: str,
                 **kwargs: Any) -> None:  # fmt: skip
        """`pupils`: (UPN, "SURNAME, Forename (UPN ...)") of the current version's pupils."""
        super().__init__(*args, **kwargs)
        field = self.fields["upn"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", whole_file), *pupils]


class EnquiryForm(RaiseQueryForm):
    """A school's question to the data team: about one of its current version's pupils, or
    none in particular."""

    def __init__(self, *args: Any, pupils: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, pupils=pupils, whole_file=TeamQuery.NO_PUPIL, **kwargs)
        field = self.fields["upn"]
        field.label = "Is it about one pupil?"
        field.help_text = "One of the pupils in your current file, or no pupil in particular."
        field.error_messages["invalid_choice"] = (
            "Choose a pupil of your current file, or no pupil in particular"
        )


# Generic in django-stubs only: ModelForm[Guidance] fails at run time.
class GuidanceForm(forms.ModelForm):  # type: ignore[type-arg]
    """The LA's guidance for a collection: plain text, in which https:// addresses become
    links for schools."""

    class Meta:
        model = Guidance
        fields = Guidance.FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in Guidance.FIELDS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["max_length"] = (
                "Write %(limit_value)d characters or fewer here (you have %(show_value)d)"
            )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your reply"},
    )
