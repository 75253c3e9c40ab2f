"""The LA's forms for accounts: finding one, and naming a school's new head teacher."""

from __future__ import annotations

from typing import Any

from django import forms

from keystage.web.accounts.heads import Head, address_problem
from keystage.web.models import School


class FindAccountForm(forms.Form):
    q = forms.CharField(
        label="Find an account",
        required=False,
        max_length=200,
        help_text="A school's URN or name, a person's name, or an email address.",
    )


class HeadForm(forms.Form):
    """The school's head teacher, as GIAS and the LA's list name them (the form starts with
    what the register holds); the account becomes theirs."""

    title = forms.CharField(label="Title", required=False, max_length=30,
                            help_text="For example, Mrs, Mr, Ms or Dr.")  # fmt: skip
    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter a first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter a last name"}
    )
    email = forms.EmailField(
        label="Their email address",
        help_text="We email the invitation to this address. It is where the head teacher's "
        "emails from the service go.",
        error_messages={
            "required": "Enter the head teacher's email address",
            "invalid": "Enter an email address in the right form, like head@school.sch.uk",
        },
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if (problem := address_problem(self.school, email)) is not None:
            raise forms.ValidationError(problem)
        return email

    def head(self) -> Head:
        data = self.cleaned_data
        return Head(data["title"].strip(), data["first_name"].strip(), data["last_name"].strip(),
                    data["email"])  # fmt: skip
