"""A collection window: one kind of assessment in one summer, with its dates."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from keystage import codesets
from keystage.checks import COLLECTION_NAMES

# What schools and LA staff call each collection in a sentence or a heading.
SHORT_NAMES = {"EYFSP": "EYFSP", "PHON": "Phonics", "KS1": "KS1", "KS2": "KS2"}


class Collection(models.Model):
    class Kind(models.TextChoices):
        EYFSP = "EYFSP", "Early Years Foundation Stage Profile"
        PHON = "PHON", "Phonics screening check"
        KS1 = "KS1", "Key Stage 1 teacher assessment"
        KS2 = "KS2", "Key Stage 2"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    academic_year = models.CharField(max_length=7, help_text="As the code tables name it: 2025-26")
    opens = models.DateField()
    deadline = models.DateField()
    closes = models.DateField(help_text="Uploads after the deadline and up to here are late.")
    reminders_on = models.BooleanField(
        default=True, help_text="Email schools that have not submitted, as the deadline nears."
    )
    # Retention: a date, not a number of years, because the date is what the LA agrees, what
    # schools are told and what the purge command compares; empty keeps the data.
    retain_until = models.DateField(
        null=True,
        blank=True,
        help_text="Pupils' names and dates of birth are kept until this day, then removed and "
        "the stored files deleted (keystage manage purge). Empty: kept.",
    )
    purged_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the retention purge ran."
    )

    class Meta:
        ordering = ["-academic_year", "deadline", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "academic_year"], name="one_window_a_year"),
            models.CheckConstraint(
                name="dates_in_order",
                condition=models.Q(opens__lte=models.F("deadline"))
                & models.Q(deadline__lte=models.F("closes")),
            ),
            models.CheckConstraint(
                name="kept_until_after_closing",
                condition=models.Q(retain_until__isnull=True)
                | models.Q(retain_until__gt=models.F("closes")),
                violation_error_message="Keep the data until a date after the collection closes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.summer}"

    def clean(self) -> None:
        """A collection is set up (or its dates changed) only for a year with code tables:
        without them nothing sent to it could be checked. The admin's form runs this."""
        super().clean()
        if not self.academic_year:
            return  # the field's own validation says it is missing
        try:
            codesets.codeset_for(self.academic_year)
        except codesets.CodesetError as missing:
            raise ValidationError({"academic_year": str(missing)}) from None

    @property
    def summer(self) -> str:
        return "20" + self.academic_year[-2:]

    @property
    def short_name(self) -> str:
        """As people say it ("Phonics 2026", "KS1 2026"); the kind's code is for machines."""
        return f"{SHORT_NAMES.get(self.kind, self.kind)} {self.summer}"

    @property
    def long_name(self) -> str:
        return COLLECTION_NAMES.get(self.kind, self.kind)

    def is_open(self, today: dt.date) -> bool:
        return self.opens <= today <= self.closes

    def is_late(self, today: dt.date) -> bool:
        return today > self.deadline

    def days_left(self, today: dt.date) -> int:
        return (self.deadline - today).days
