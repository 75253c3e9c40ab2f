"""The forms of KS2 moderation: the data team's (the appeal window, the schools, a visit, a
changed judgement, an appeal's review and decision) and the head's appeal with its evidence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html

from keystage.web.models import Appeal, JudgementChange, ModeratedSchool, School
from keystage.web.moderation.evidence import MAX_FILES, max_bytes

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]


def date_field(label: str, *, required: bool = True, hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=hint or "For example, 27/06/2026.",
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y"),  # typed, as GOV.UK asks; ISO works too
        error_messages={"required": f"Enter the {label.lower()}",
                        "invalid": f"Enter the {label.lower()} as a real date, like 27/06/2026"},
    )  # fmt: skip


# -- The data team's ----------------------------------------------------------------------------


class WindowForm(forms.Form):
    appeal_opens = date_field("Date appeals open")
    appeal_closes = date_field("Date appeals close", hint="Heads can appeal up to and on this day.")

    def clean(self) -> dict[str, Any]:
        found = super().clean() or {}
        opens, closes = found.get("appeal_opens"), found.get("appeal_closes")
        if opens and closes and closes < opens:
            self.add_error("appeal_closes", "The date appeals close must be on or after they open")
        return found


class SchoolsForm(forms.Form):
    schools = forms.ModelMultipleChoiceField(
        label="Schools moderated this summer",
        queryset=School.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every school the LA moderates. A school already told its outcome, or "
        "with changed judgements, stays.",
    )


class VisitForm(forms.Form):
    moderator = forms.CharField(
        label="Moderator's name", max_length=200,
        error_messages={"required": "Enter the moderator's name"},
    )  # fmt: skip
    visit_date = date_field("Visit date")
    sample = forms.CharField(
        label="Pupils sampled", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Their UPNs, one on each line or separated by commas. Pupils whose judgement "
        "you change are added for you.",
    )  # fmt: skip
    outcome = forms.ChoiceField(
        label="Outcome", required=False, widget=forms.RadioSelect,
        choices=ModeratedSchool.Outcome.choices,
        help_text="Are the school's judgements accurate and consistent with national standards? "
        "Leave it until you know.",
    )  # fmt: skip
    notes = forms.CharField(
        label="Notes for the school (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 4}), help_text="They are printed in the letter.",
    )  # fmt: skip

    def upns(self) -> list[str]:
        text = self.cleaned_data.get("sample") or ""
        return [u for u in text.replace(",", "\n").split() if u.strip()]

    def visit(self) -> dict[str, Any]:
        """The visit as keystage.web.moderation.records.record_visit takes it."""
        data = self.cleaned_data
        return {"moderator": data["moderator"], "visit_date": data["visit_date"],
                "sample": self.upns(), "outcome": data.get("outcome") or "",
                "notes": data.get("notes") or ""}  # fmt: skip


class ChangeForm(forms.Form):
    upn = forms.CharField(
        label="Pupil's UPN", max_length=20, error_messages={"required": "Enter the pupil's UPN"}
    )
    role = forms.ChoiceField(
        label="Assessment", error_messages={"required": "Choose the assessment"}
    )
    judgement = forms.CharField(
        label="Moderated judgement", max_length=10,
        error_messages={"required": "Enter the moderated judgement"},
    )  # fmt: skip

    def __init__(self, *args: Any, roles: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(roles.items())


class ReviewForm(forms.Form):
    review_notes = forms.CharField(
        label="What the review found", widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the review found"},
    )  # fmt: skip
    reviewed_on = date_field("Review date")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Final decision", widget=forms.RadioSelect, choices=Appeal.Decision.choices,
        error_messages={"required": "Choose the final decision"},
    )  # fmt: skip
    decision_notes = forms.CharField(
        label="Reasons for the school", widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reasons for the decision"},
    )  # fmt: skip
    decided_on = date_field("Decision date")

    def __init__(self, *args: Any, changes: list[JudgementChange], codes: dict[str, list[str]],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.changes = changes
        for change in changes:
            self.fields[f"final_{change.pk}"] = forms.ChoiceField(
                label=f"Final judgement for UPN {change.upn} ({change.role})",
                required=False,
                choices=[("", "Choose")] + [(c, c) for c in codes.get(change.role, [])],
                initial=change.moderated_judgement,
                # Help texts are shown as HTML: the school's judgement came from its file.
                help_text=format_html(
                    "School: {}. Moderated: {}. Only for a partly upheld appeal.",
                    change.school_judgement or "none",
                    change.moderated_judgement,
                ),
            )

    def clean(self) -> dict[str, Any]:
        found = super().clean() or {}
        if found.get("decision") == Appeal.Decision.PARTLY:
            for change in self.changes:
                if not found.get(f"final_{change.pk}"):
                    self.add_error(f"final_{change.pk}",
                                   f"Choose the final judgement for UPN {change.upn}")  # fmt: skip
        return found

    def finals(self) -> dict[int, str]:
        return {c.pk: str(self.cleaned_data.get(f"final_{c.pk}") or "") for c in self.changes}

    def final_fields(self) -> list[forms.BoundField]:
        return [self[f"final_{c.pk}"] for c in self.changes]


# -- The head's appeal ---------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """One or more files from one file input."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(EvidenceField, self).clean(f, initial) for f in files]


class AppealForm(forms.Form):
    name = forms.CharField(
        label="Your full name", max_length=200, error_messages={"required": "Enter your full name"}
    )
    reasons = forms.CharField(
        label="Why you disagree with the moderation",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        help_text="Say which judgements you disagree with and why, and what your evidence shows.",
        error_messages={"required": "Enter why you disagree with the moderation"},
    )
    evidence = EvidenceField(
        label="Your evidence",
        help_text=f"Up to {MAX_FILES} files: PDFs, pictures (JPEG or PNG) or Office documents, "
        "each up to {size}.",
        error_messages={
            "required": "Choose at least one file of evidence",
            "empty": "One of the files is empty. Choose it again.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["evidence"]
        field.help_text = str(field.help_text).replace("{size}", f"{max_bytes() // 2**20} MB")
