"""Results: figures to compare with (national, regional), and the reports published to schools."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from keystage.web.models.accounts import School
from keystage.web.models.collections import Collection
from keystage.web.models.submissions import Submission


class ComparisonFigure(models.Model):
    """One published figure (England, a region, an LA) for one measure and group."""

    class Level(models.TextChoices):
        NATIONAL = "national", "England"
        REGIONAL = "regional", "Region"
        LA = "la", "Local authority"
        CONSORTIUM = "consortium", "Consortium"

    measure = models.CharField(max_length=40)  # the stable names of keystage.measures
    group = models.CharField(max_length=60, default="all")  # "all", "sex=F", ...
    level = models.CharField(max_length=10, choices=Level.choices)
    area = models.CharField(max_length=100)  # "England", "West Midlands", "Birmingham"
    academic_year = models.CharField(max_length=7)  # "2021-22"
    value = models.FloatField(null=True, blank=True)  # a percent or an average; None: suppressed
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300)  # the publication and file it came from
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["measure", "level", "area", "-academic_year", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "group", "level", "area", "academic_year"],
                name="one_figure_a_measure_group_area_year",
            )
        ]


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
