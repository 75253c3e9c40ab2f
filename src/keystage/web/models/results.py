"""Results: figures to compare with (national, regional), and the reports published to schools."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from keystage.web.models.accounts import School
from keystage.web.models.collections import Collection
from keystage.web.models.submissions import Submission


class ComparisonFigure(models.Model):
    """One published figure (England, a region, an LA) for one measure and group, as one
    publisher published it at one stage: NCER's emerging national figures in the summer, the
    DfE's provisional and then revised ones, a consortium's or statistical neighbours' average.
    Each is kept beside the others; which one a page uses is results.comparators' choice."""

    class Level(models.TextChoices):
        NATIONAL = "national", "England"
        REGIONAL = "regional", "Region"
        LA = "la", "Local authority"
        CONSORTIUM = "consortium", "Consortium"
        NEIGHBOURS = "neighbours", "Statistical neighbours"

    class Publisher(models.TextChoices):
        DFE = "dfe", "DfE"
        NCER = "ncer", "NCER"
        CONSORTIUM = "consortium", "Consortium average"
        NEIGHBOURS = "neighbours", "Statistical-neighbour average"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        """How final the figure is, least to most (results.comparators ranks by this order)."""

        EMERGING = "emerging", "emerging"  # NCER's, from the LAs that share their data early
        PROVISIONAL = "provisional", "provisional"
        REVISED = "revised", "revised"
        FINAL = "final", "final"  # the DfE's "Final" version of an earlier year

    measure = models.CharField(max_length=40)  # the stable names of keystage.measures
    group = models.CharField(max_length=60, default="all")  # "all", "sex=F", ...
    level = models.CharField(max_length=10, choices=Level.choices)
    area = models.CharField(max_length=100)  # "England", "West Midlands", "Birmingham"
    academic_year = models.CharField(max_length=7)  # "2021-22"
    publisher = models.CharField(max_length=10, choices=Publisher.choices, default=Publisher.DFE)
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.FINAL)
    # As published, never rounded: a float holds the DfE's six decimals exactly (repr round-trips)
    value = models.FloatField(null=True, blank=True)  # a percent or an average; None: suppressed
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300)  # the publication and file it came from
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["measure", "level", "area", "-academic_year", "group", "publisher", "status"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "group", "level", "area", "academic_year", "publisher",
                        "status"],
                name="one_figure_a_publisher_stage",
            )
        ]  # fmt: skip

    @property
    def origin(self) -> str:
        """Who published it and how final: "DfE provisional", "NCER emerging"."""
        return f"{self.get_publisher_display()} {self.get_status_display()}"


class Report(models.Model):
    """A rendered PDF for one school: a new version whenever its data change after publishing."""

    class Kind(models.TextChoices):
        SCHOOL = "school", "School-level summary"
        PUPIL = "pupil", "Pupil-level results"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="reports")
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to="reports/", max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    made_from = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data_fingerprint = models.CharField(max_length=64)  # what the figures were made from
    made_at = models.DateTimeField()
    render_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "collection", "kind", "version"], name="one_number_a_report"
            )
        ]


class Publication(models.Model):
    """The data team published a collection's reports: schools may download them."""

    collection = models.OneToOneField(
        Collection, on_delete=models.CASCADE, related_name="publication"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()
