"""KS2 moderation and appeals: the schools the LA moderates in a summer, what the moderators
sampled and changed, the letter that tells the head, and the head's appeal with its decision.

A changed judgement replaces the school's in the figures; an appeal's final judgement, once
decided, replaces the moderated one (keystage.web.moderation.judgements).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from keystage.web.models.accounts import School
from keystage.web.models.collections import Collection


class ModerationRound(models.Model):
    """A KS2 collection's moderation: the window in which heads may appeal, set by the LA."""

    collection = models.OneToOneField(
        Collection, on_delete=models.CASCADE, related_name="moderation_round"
    )
    appeal_opens = models.DateField(null=True, blank=True)
    appeal_closes = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="appeal_window_in_order",
                condition=models.Q(appeal_opens__isnull=True)
                | models.Q(appeal_closes__isnull=True)
                | models.Q(appeal_opens__lte=models.F("appeal_closes")),
            )
        ]

    def __str__(self) -> str:
        return f"Moderation {self.collection.short_name}"

    def appeals_open(self, today: dt.date) -> bool:
        return (
            self.appeal_opens is not None
            and self.appeal_closes is not None
            and self.appeal_opens <= today <= self.appeal_closes
        )


def letter_name(instance: ModeratedSchool, filename: str) -> str:
    collection = instance.round.collection
    return (
        f"moderation/{instance.school.laestab}/{collection.kind}-{collection.academic_year}/"
        f"letter-{instance.pk}-{instance.letter_sha256[:16]}.pdf"
    )


class ModeratedSchool(models.Model):
    """One school moderated this summer: the visit, the outcome and the letter to the head."""

    class Outcome(models.TextChoices):
        ACCURATE = "accurate", "Accurate and consistent with national standards"
        NOT_ACCURATE = "not_accurate", "Not accurate or not consistent with national standards"

    round = models.ForeignKey(ModerationRound, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="moderations")
    moderator = models.CharField(max_length=200, blank=True)
    visit_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    # The LA released the outcome to the school (the school sees it from then on)...
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # ... and a task made the letter and emailed the head.
    letter = models.FileField(upload_to=letter_name, max_length=300, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    letter_size = models.PositiveBigIntegerField(default=0)
    letter_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "school"], name="one_moderation_a_school")
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.round.collection.short_name}"

    @property
    def accurate(self) -> bool | None:
        if not self.outcome:
            return None
        return self.outcome == self.Outcome.ACCURATE

    @property
    def ready_to_notify(self) -> bool:
        return bool(self.outcome and self.moderator and self.visit_date)


class SampledPupil(models.Model):
    moderated = models.ForeignKey(ModeratedSchool, on_delete=models.CASCADE, related_name="sample")
    upn = models.CharField(max_length=13)

    class Meta:
        ordering = ["upn"]
        constraints = [
            models.UniqueConstraint(fields=["moderated", "upn"], name="one_sample_row_a_pupil")
        ]


class JudgementChange(models.Model):
    """A teacher assessment the moderators changed; final_judgement is an appeal's decision
    (blank until one is recorded; blank after a decision means the school had no result)."""

    moderated = models.ForeignKey(ModeratedSchool, on_delete=models.CASCADE, related_name="changes")
    upn = models.CharField(max_length=13)
    role = models.CharField(max_length=40)  # the code table's role: ks2_writing_ta, ...
    school_judgement = models.CharField(max_length=10, blank=True)
    moderated_judgement = models.CharField(max_length=10)
    final_judgement = models.CharField(max_length=10, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["upn", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["moderated", "upn", "role"], name="one_change_a_pupil_subject"
            )
        ]


class Appeal(models.Model):
    """The head's appeal against the moderated judgements, and the LA's review and decision."""

    class Decision(models.TextChoices):
        UPHELD = "upheld", "Upheld: the school's judgements are restored"
        NOT_UPHELD = "not_upheld", "Not upheld: the moderated judgements stand"
        PARTLY = "partly", "Partly upheld: a final judgement for each pupil"

    moderated = models.OneToOneField(
        ModeratedSchool, on_delete=models.CASCADE, related_name="appeal"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitter_name = models.CharField(max_length=200)
    reasons = models.TextField()
    submitted_at = models.DateTimeField()
    review_notes = models.TextField(blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_notes = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Appeal: {self.moderated}"

    @property
    def decided(self) -> bool:
        return bool(self.decision)


def evidence_name(instance: AppealEvidence, filename: str) -> str:
    """By school, collection and appeal; never the name the school gave (kept as a field)."""
    moderated = instance.appeal.moderated
    collection = moderated.round.collection
    suffix = instance.original_name.rsplit(".", 1)[-1].lower()
    return (
        f"appeals/{moderated.school.laestab}/{collection.kind}-{collection.academic_year}/"
        f"appeal-{instance.appeal_id}/{instance.sha256[:16]}.{suffix}"
    )


class AppealEvidence(models.Model):
    """A file sent with an appeal, stored exactly as received."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_name, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
