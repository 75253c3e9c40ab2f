"""Schools as the DfE's register of establishments (GIAS) describes them, the register's links
between an establishment and the one it replaced, and which schools each collection expects.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from keystage.codesets.providers import setting_label
from keystage.web.models.collections import Collection

CLOSED = "Closed"  # GIAS's EstablishmentStatus for a closed establishment
NOT_YET_OPEN = "Proposed to open"
SCHOOL = "school"
SETTING = "setting"  # a private, voluntary or independent early years setting (PVI)


class School(models.Model):
    """A provider that sends the LA its results: a school from the register (GIAS), or a PVI
    early years setting (a nursery, a childminder) from the LA's early years provider list.
    A setting is known by its early years URN (6 digits, starting 5, 6 or 7: the DfE's EYFSP
    return names it so) and has no LAESTAB; its contact is kept in the head's fields, as the
    person its account goes to."""

    class Kind(models.TextChoices):
        SCHOOL = SCHOOL, "School"
        SETTING = SETTING, "Early years setting (PVI)"

    kind = models.CharField(max_length=7, choices=Kind.choices, default=SCHOOL)
    # One open school a LAESTAB: a converter academy may keep its predecessor's number. A
    # setting has none (blank).
    laestab = models.CharField("LAESTAB", max_length=7, blank=True)
    la_number = models.CharField(
        "LA number", max_length=3, blank=True,
        help_text="A setting's LA (a school's is the first three digits of its LAESTAB).",
    )  # fmt: skip
    urn = models.CharField(
        "URN", max_length=6, unique=True, help_text="A setting's early years URN."
    )
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=60, blank=True)
    type = models.CharField(max_length=80, blank=True)
    status = models.CharField("status", max_length=40, blank=True, default="Open")
    low_age = models.PositiveSmallIntegerField("statutory low age", null=True, blank=True)
    high_age = models.PositiveSmallIntegerField("statutory high age", null=True, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True, help_text="Its last day open.")
    head_title = models.CharField(max_length=30, blank=True)
    head_first_name = models.CharField(max_length=100, blank=True)
    head_last_name = models.CharField(max_length=100, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    main_email = models.EmailField(blank=True)
    head_email = models.EmailField(blank=True, help_text="From the LA's own list: GIAS has none.")
    district = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["laestab"],
                condition=~models.Q(status=CLOSED) & ~models.Q(laestab=""),
                name="one_open_school_per_laestab",
                violation_error_message="Another open school has this LAESTAB.",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """How pages, emails and the audit trail name a provider: "Oak Primary (9992001)",
        "Little Acorns Nursery (EY URN 512345)"."""
        if self.is_setting:
            return setting_label(self.name, self.urn)
        return f"{self.name} ({self.laestab})"

    @property
    def is_setting(self) -> bool:
        return self.kind == SETTING

    @property
    def number(self) -> str:
        """The number the DfE knows the provider by: a school's LAESTAB, a setting's early
        years URN (unique among providers either way, so a key where both meet)."""
        return self.urn if self.is_setting else self.laestab

    @property
    def la(self) -> str:
        return self.la_number if self.is_setting else self.laestab[:3]

    @property
    def estab(self) -> str:
        return self.laestab[3:]

    @property
    def contact_name(self) -> str:
        return " ".join(part for part in (self.head_first_name, self.head_last_name) if part)

    @property
    def contact_email(self) -> str:
        return self.head_email or self.main_email

    @property
    def contact_phone(self) -> str:
        return self.telephone

    @property
    def head_name(self) -> str:
        parts = (self.head_title, self.head_first_name, self.head_last_name)
        return " ".join(part for part in parts if part)

    def is_open_on(self, day: dt.date) -> bool:
        """Open that day, by the register's dates; a status with no date decides alone."""
        if self.opened_on is not None and day < self.opened_on:
            return False
        if self.closed_on is not None:
            return day <= self.closed_on
        return self.status not in (CLOSED, NOT_YET_OPEN)

    def predecessors(self) -> list[School]:
        """The establishments this one replaced, nearest first, back through every link (an
        academy, the maintained school before it, an older amalgamation): whose versions,
        reports and accounts its head may reach. Links, not copies."""
        found: list[School] = []
        seen = {self.pk}
        step = [self]
        while step:
            before = School.objects.filter(successor_links__successor__in=step).exclude(pk__in=seen)
            step = sorted(before, key=lambda s: (s.closed_on or dt.date.max, s.pk), reverse=True)
            found += step
            seen |= {s.pk for s in step}
        return found

    def successors(self) -> list[School]:
        """The establishments that replaced this one (usually one: the academy it became)."""
        return list(School.objects.filter(predecessor_links__predecessor=self).order_by("urn"))


class SchoolLink(models.Model):
    """GIAS's links extract, one row for both of its directions: `successor` replaced
    `predecessor` (an academy conversion, an amalgamation, a split)."""

    predecessor = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    link_type = models.CharField(max_length=60, help_text="As GIAS words it, e.g. Predecessor.")
    established_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="one_link_a_pair"),
            models.CheckConstraint(
                name="not_its_own_successor",
                condition=~models.Q(predecessor=models.F("successor")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor.urn} -> {self.successor.urn}"


class ExpectedSchool(models.Model):
    """Whether a collection expects a school to send its data, and why. Proposed from the
    register's ages and phase; the LA's decisions and a school's own choice are kept apart from
    the proposals, so proposing again never undoes them."""

    class Why(models.TextChoices):
        PROPOSED = "proposed", "Proposed from the register"
        LA = "la", "LA decision"
        OPTED_IN = "opted_in", "Opted in"
        OPTED_OUT = "opted_out", "Opted out"

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="expected_schools"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="expectations")
    expected = models.BooleanField()
    why = models.CharField(max_length=10, choices=Why.choices)
    reason = models.TextField(blank=True, help_text="The LA's reason, or what was proposed.")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "school"], name="one_expectation")
        ]

    def __str__(self) -> str:
        return f"{self.school} in {self.collection}: {self.expected} ({self.why})"

    @property
    def decided(self) -> bool:
        """Someone chose this (the LA, or the school): proposing again leaves it alone."""
        return self.why != self.Why.PROPOSED


class RegisterLoad(models.Model):
    """Files the LA uploaded to load schools (or, `kind` setting, its early years provider list
    in `extract`), kept between seeing the plan and applying it (several server processes share
    the database, not a folder)."""

    kind = models.CharField(max_length=7, default=SCHOOL)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    extract = models.TextField(blank=True)
    extract_name = models.CharField(max_length=200, blank=True)
    links = models.TextField(blank=True)
    links_name = models.CharField(max_length=200, blank=True)
    emails = models.TextField(blank=True)
    emails_name = models.CharField(max_length=200, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    @property
    def file_names(self) -> list[str]:
        return [n for n in (self.extract_name, self.links_name, self.emails_name) if n]
