"""A year's code tables as the LA loaded them: the file's text, kept as it came, and when it
was published. Every load is a new row, never an edit, so what a collection was checked
against can always be shown; the newest published row of a year is the table in force.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CodeTable(models.Model):
    academic_year = models.CharField(max_length=7)  # "2026-27", from the file itself
    file_name = models.CharField(max_length=255, blank=True)
    toml_text = models.TextField()
    sha256 = models.CharField(max_length=64)  # of the text as UTF-8: tells loads apart
    notes = models.TextField(blank=True, help_text="Why this table: what changed, its source.")
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-academic_year", "-uploaded_at", "-id"]
        indexes = [
            # The one query every check makes: the newest published table of its year.
            models.Index(fields=["academic_year", "-published_at"], name="codetable_in_force"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "sha256"], name="one_load_a_text"),
        ]

    def __str__(self) -> str:
        return f"Code tables {self.academic_year} ({self.file_name or self.sha256[:8]})"

    @property
    def version(self) -> str:
        """A row's text never changes, so its id and hash name what a process has parsed."""
        return version_of(self.pk, self.sha256)


def version_of(pk: int, sha256: str) -> str:
    return f"{pk}:{sha256[:16]}"
