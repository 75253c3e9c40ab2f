"""What a school sends and what became of it: versions, pupils, findings, answers, sign-off."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models

from keystage.web.models.accounts import School
from keystage.web.models.collections import Collection


def stored_name(instance: Submission, filename: str) -> str:
    """Where the file lies: by school and collection, never by the name the school gave (a
    filled spreadsheet template keeps its .xlsx ending)."""
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".xml"
    return (
        f"submissions/{instance.school.number}/{instance.collection.kind}-"
        f"{instance.collection.academic_year}/v{instance.version:03d}-{instance.sha256[:16]}{suffix}"
    )


def converted_name(instance: Submission, filename: str) -> str:
    """The CTF made from a filled spreadsheet template, next to the workbook as received."""
    return stored_name(instance, "").removesuffix(".xml") + "-converted.xml"


class Versions(models.QuerySet["Submission"]):
    def schools_own(self) -> Versions:
        """The school's own files (uploads, the LA's for it, imports): never the NCA Portal's
        results, which are the LA's and which no school page may show."""
        return self.exclude(channel=Submission.Channel.NCA)

    def stream_of(self, submission: Submission) -> Versions:
        """The versions of the same stream as `submission`: the school's own, or the NCA
        Portal's (each has its own current version)."""
        if submission.is_nca:
            return self.filter(channel=Submission.Channel.NCA)
        return self.schools_own()


class Submission(models.Model):
    """One uploaded file, kept exactly as received, and the outcome of checking it."""

    objects = Versions.as_manager()

    class Status(models.TextChoices):
        RECEIVED = "received", "Waiting to be checked"
        CHECKING = "checking", "Being checked"
        CHECKED = "checked", "Checked"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Could not be checked"  # our fault, not the file's: see retries.py
        # Too many of its pupils are in other schools' returns: the LA looks before it is used.
        HELD = "held", "Held for the LA"

    class Channel(models.TextChoices):
        PORTAL = "portal", "Uploaded by the school"
        LA = "la", "Uploaded by the LA for the school"
        IMPORT = "import", "Imported from secure transfer"
        # The STA's KS2 results, imported by the LA (keystage.web.submissions.nca): a stream of
        # versions apart from the school's own, current through is_current_nca.
        NCA = "nca", "NCA Portal"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="submissions")
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="submissions")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=stored_name, max_length=300)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    # The school's current version of its own files (uploads, the LA's for it, imports).
    is_current = models.BooleanField(default=False)
    # The current version of the NCA Portal's results for the school (channel NCA only: those
    # never set is_current, so the school's own pages never see them).
    is_current_nca = models.BooleanField(default=False)
    nca_import = models.ForeignKey(
        "portal.NcaImport", null=True, blank=True, on_delete=models.PROTECT,
        related_name="versions",
    )  # fmt: skip
    checked_at = models.DateTimeField(null=True, blank=True)
    pupils = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    queries = models.PositiveIntegerField(default=0)
    refusal_code = models.CharField(max_length=40, blank=True)
    refusal_message = models.TextField(blank=True)
    # A filled spreadsheet template (keystage.template): the CTF made from it, when it was read.
    converted = models.FileField(upload_to=converted_name, max_length=300, blank=True)
    # Checking runs started (a task attempt each): above one, the school is told we retry.
    attempts = models.PositiveSmallIntegerField(default=0)
    # The LA looked at a version held for it (Status.HELD) and let it through: checked again,
    # it is not held a second time.
    hold_released = models.BooleanField(default=False)
    # When it was let through: from then on it counts as received, for which of two schools
    # sent a pupil first (cross_school), so a file held for days does not jump the queue.
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "collection", "version"], name="one_number_a_version"
            ),
            models.UniqueConstraint(
                fields=["school", "collection"],
                condition=models.Q(is_current=True),
                name="one_current_version",
            ),
            models.UniqueConstraint(
                fields=["school", "collection"],
                condition=models.Q(is_current_nca=True),
                name="one_current_nca_version",
            ),
        ]
        indexes = [models.Index(fields=["collection", "is_current"])]

    def __str__(self) -> str:
        return f"{self.school.number} {self.collection.short_name} v{self.version}"

    @property
    def received(self) -> tuple[dt.datetime, int]:
        """When it counts as received (let through, for a held file), and its id to break ties."""
        return (self.released_at or self.uploaded_at, self.pk)

    @property
    def is_nca(self) -> bool:
        """The STA's KS2 results imported from the NCA Portal, not a file the school sent."""
        return self.channel == self.Channel.NCA

    @property
    def current_field(self) -> str:
        """The flag that marks the current version of this version's stream."""
        return "is_current_nca" if self.is_nca else "is_current"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.CHECKING)

    @property
    def retrying(self) -> bool:
        """Still being checked, after an earlier attempt failed on our side."""
        return self.in_progress and self.attempts > 1


def refused_name(instance: RefusedUpload, filename: str) -> str:
    """Beside the school's versions, numbered apart from them."""
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".xml"
    return (
        f"submissions/{instance.school.number}/{instance.collection.kind}-"
        f"{instance.collection.academic_year}/refused-{instance.number:03d}-"
        f"{instance.sha256[:16]}{suffix}"
    )


class RefusedUpload(models.Model):
    """A file refused when it was uploaded because it is not this school's return for this
    collection (another school's, another collection's, not a CTF): kept as received for the
    record, numbered apart from the versions ("refused upload 2"). It is never a version, never
    current, and nothing reads its pupils: no count, state, figure, export or report sees it.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="refused_uploads")
    collection = models.ForeignKey(
        Collection, on_delete=models.PROTECT, related_name="refused_uploads"
    )
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=refused_name, max_length=300)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    channel = models.CharField(
        max_length=10, choices=Submission.Channel.choices, default=Submission.Channel.PORTAL
    )
    code = models.CharField(max_length=40)  # the check code that refused it (HDR-SCHOOL, ...)
    message = models.TextField()  # what the school was told

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "collection", "number"], name="one_number_a_refused_upload"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school.number} {self.collection.short_name} refused upload {self.number}"


class PupilRecord(models.Model):
    """A pupil as one version of a file gave them: identity in columns, the rest as data."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="pupil_set")
    upn = models.CharField(max_length=13, db_index=True)
    surname = models.CharField(max_length=100)
    forename = models.CharField(max_length=100)
    dob = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    nc_year = models.CharField(max_length=4, blank=True)
    data: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)

    class Meta:
        ordering = ["surname", "forename"]

    def __str__(self) -> str:
        return f"{self.surname.upper()}, {self.forename} ({self.upn})"


class FindingRecord(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="finding_set")
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=5)
    message = models.TextField()
    upn = models.CharField(max_length=13, blank=True)
    pupil = models.CharField(max_length=210, blank=True)
    field = models.CharField(max_length=80, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    location = models.CharField(max_length=40, blank=True)  # a template's cell: "Pupils!D9"

    class Meta:
        ordering = ["id"]

    @property
    def answer_key(self) -> tuple[str, str]:
        return (self.upn, self.code)


class Answer(models.Model):
    """A school's explanation of a query; it stands for every version where the query recurs."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="answers")
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="answers")
    upn = models.CharField(max_length=13, blank=True)
    code = models.CharField(max_length=40)
    text = models.TextField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField()
    first_submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "collection", "upn", "code"], name="one_answer_a_query"
            )
        ]


class Confirmation(models.Model):
    """The head's declaration, tied to one version; a later upload voids it."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="confirmations"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(max_length=200)
    signer_role = models.CharField(max_length=200)
    responsible = models.TextField()
    moderation_done = models.BooleanField()
    outcomes_agreed = models.BooleanField()
    signed_at = models.DateTimeField()
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-signed_at"]


class PupilMatch(models.Model):
    """A pupil of a version found in another school's current file when the version was stored:
    the LA's record of every match, kept when either file is replaced, so a school probing with
    other schools' children over several uploads leaves a trail (and is held: cross_school)."""

    version = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="matches")
    upn = models.CharField(max_length=13)
    other_version = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    same_dob = models.BooleanField(help_text="UPN and date of birth agree: the school is told.")
    # This version's school sent the pupil after the other school: the query is its own (it
    # counts towards holding the school's files, where the other school's never does).
    later = models.BooleanField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "upn"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "upn", "other_version"], name="one_match_a_pair"
            )
        ]
        indexes = [models.Index(fields=["upn"])]
