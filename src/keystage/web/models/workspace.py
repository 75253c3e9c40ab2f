"""The data team's records: locks, its queries to schools, decisions on pupils in two schools,
reminders sent, and files that arrived with no school to attribute them to.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property

from keystage.web.models.accounts import School
from keystage.web.models.collections import Collection
from keystage.web.models.submissions import PupilRecord, Submission


class Lock(models.Model):
    """A collection locked for every school (school empty), or for one school."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="locks")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="locks"
    )
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField()
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlock_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-locked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "school"],
                condition=models.Q(unlocked_at__isnull=True, school__isnull=False),
                name="one_open_school_lock",
            ),
            models.UniqueConstraint(
                fields=["collection"],
                condition=models.Q(unlocked_at__isnull=True, school__isnull=True),
                name="one_open_collection_lock",
            ),
        ]


class TeamQuery(models.Model):
    """A question from the data team to a school, about a file or one pupil, with its thread.

    Its status says whose turn it is, and is the one place every page, banner, count and
    reminder reads it from: OPEN while the school is to reply (raised, or the data team wrote
    last), REPLIED once the school has written last (the data team reads it and closes the
    query, or writes again, which makes it OPEN), CLOSED when the data team closes it. Only an
    OPEN query keeps the school from Submitted: a reply answers it, as an explanation answers
    one of the checks' queries.

    An enquiry (`from_school`) is the same thread opened by the school, to ask the data team:
    opening it is the school's turn done, so it starts REPLIED (the data team's turn); the data
    team's answer makes it OPEN, and the school may write again. An enquiry never keeps the
    school from Submitted: the school asked, the data team owes nothing to be answered.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the school"
        REPLIED = "replied", "Replied"
        CLOSED = "closed", "Closed"

    # What each side reads for each status.
    FOR_SCHOOL = {
        Status.OPEN: "Waiting for your reply",
        Status.REPLIED: "Waiting for the data team",
        Status.CLOSED: "Closed",
    }
    FOR_LA = {
        Status.OPEN: "Waiting for the school",
        Status.REPLIED: "Replied: waiting for you",
        Status.CLOSED: "Closed",
    }
    ENQUIRY_FOR_SCHOOL = {
        Status.OPEN: "Answered",
        Status.REPLIED: "Waiting for the data team",
        Status.CLOSED: "Closed",
    }
    ENQUIRY_FOR_LA = {
        Status.OPEN: "Answered",
        Status.REPLIED: "Waiting for you",
        Status.CLOSED: "Closed",
    }
    TAG_COLOURS = {Status.OPEN: "yellow", Status.REPLIED: "blue", Status.CLOSED: "green"}
    # An answered enquiry asks nothing of the school: not the yellow of a reply owed.
    ENQUIRY_TAG_COLOURS = {Status.OPEN: "turquoise", Status.REPLIED: "blue", Status.CLOSED: "green"}
    WHOLE_FILE = "The file as a whole"
    NO_PUPIL = "No pupil in particular"  # what an enquiry is about when it names none

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="team_queries")
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="team_queries"
    )
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="team_queries"
    )
    upn = models.CharField(max_length=13, blank=True)
    from_school = models.BooleanField(
        default=False, help_text="An enquiry: the school opened it, to ask the data team."
    )
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["collection", "status"])]

    @property
    def is_open(self) -> bool:
        """Not closed: either side may still write."""
        return self.status != self.Status.CLOSED

    @property
    def for_school(self) -> str:
        said = self.ENQUIRY_FOR_SCHOOL if self.from_school else self.FOR_SCHOOL
        return said[self.Status(self.status)]

    @property
    def for_la(self) -> str:
        said = self.ENQUIRY_FOR_LA if self.from_school else self.FOR_LA
        return said[self.Status(self.status)]

    @property
    def tag_colour(self) -> str:
        colours = self.ENQUIRY_TAG_COLOURS if self.from_school else self.TAG_COLOURS
        return colours[self.Status(self.status)]

    @property
    def about(self) -> str:
        """Whom the query is about, as both sides read it."""
        if not self.upn:
            return self.NO_PUPIL if self.from_school else self.WHOLE_FILE
        if self.pupil is None:
            return f"UPN {self.upn}"
        return f"{self.pupil.surname.upper()}, {self.pupil.forename} (UPN {self.upn})"

    @cached_property
    def pupil(self) -> PupilRecord | None:
        """The pupil the query is about, from the school's file it was raised on; None for a
        query about the file as a whole (or once the retention purge has removed the record)."""
        if not self.upn or self.submission_id is None:
            return None
        return PupilRecord.objects.filter(submission_id=self.submission_id, upn=self.upn).first()


class QueryMessage(models.Model):
    query = models.ForeignKey(TeamQuery, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "id"]


class MoveDecision(models.Model):
    """Which school reports a pupil whose UPN is current in two or more schools' files, or that
    they are different children (a UPN made up, or mistyped): `school` empty."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="move_decisions"
    )
    upn = models.CharField(max_length=13)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The schools whose records the data team compared: the decision is theirs alone; a school
    # sending the same UPN later is no party to it (and learns nothing from it).
    parties = models.ManyToManyField(School, related_name="+", blank=True)
    suggested = models.BooleanField(help_text="The data team followed the May-days suggestion.")
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "upn"], name="one_decision_a_pupil")
        ]


class Reminder(models.Model):
    """An email sent to chase a school: never twice for the same day and reason."""

    class Reason(models.TextChoices):
        WEEK_BEFORE = "week_before", "7 days before the deadline"
        DAY_BEFORE = "day_before", "1 day before the deadline"
        OVERDUE = "overdue", "After the deadline"
        QUERIES = "queries", "Unanswered queries"

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="reminders")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="reminders")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    day = models.DateField()
    sent_to = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "school", "reason", "day"], name="one_reminder_a_day"
            )
        ]


class UnattributedFile(models.Model):
    """A file from another channel whose header names no school we know: kept, listed."""

    file = models.FileField(upload_to="unattributed/", max_length=300)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    channel = models.CharField(max_length=10)
    reason = models.TextField()
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_as = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
