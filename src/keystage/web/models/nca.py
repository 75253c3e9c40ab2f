"""The KS2 results the LA imported from the STA's NCA Portal: one row per download imported.

The download itself (a combined CTF, a school's CTF, or the CSV) is kept as received, for the
LA only: each school's pupils in it become a Submission of channel NCA (the school's version of
the NCA Portal's results), checked like any file. No school ever reaches this row or its file.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from keystage.web.models.collections import Collection


def download_name(instance: NcaImport, filename: str) -> str:
    suffix = ".csv" if instance.kind == NcaImport.Kind.CSV else ".xml"
    return (
        f"nca/{instance.collection.kind}-{instance.collection.academic_year}/"
        f"import-{instance.number:03d}-{instance.sha256[:16]}{suffix}"
    )


class NcaImport(models.Model):
    class Kind(models.TextChoices):
        CTF = "CTF", "CTF"
        CSV = "CSV", "CSV (all results with TA)"

    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="nca_imports")
    number = models.PositiveIntegerField()  # 1, 2, ... within the collection
    kind = models.CharField(max_length=3, choices=Kind.choices)
    file = models.FileField(upload_to=download_name, max_length=300)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField()
    pupils = models.PositiveIntegerField(default=0)  # every pupil in the download
    # LAESTABs of the download that are no school of ours, with their pupils' count:
    # [{"laestab": "3301234", "pupils": 28}]. Listed on the import's page, never dropped unsaid.
    unknown: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "number"], name="one_number_an_import")
        ]

    def __str__(self) -> str:
        return f"{self.collection.short_name} NCA Portal import {self.number}"

    @property
    def unknown_pupils(self) -> int:
        return sum(int(row.get("pupils", 0)) for row in self.unknown)
