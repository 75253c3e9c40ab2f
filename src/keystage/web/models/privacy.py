"""The LA's data-sharing statement ("How your data are used"), every version kept.

A new version is a new row, never an edit: the LA can show what schools were told, and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DataSharingStatement(models.Model):
    text = models.TextField(
        help_text="Plain text: a blank line between paragraphs, “- ” at the start of each "
        "item of a list, “## ” at the start of a heading."
    )
    published_at = models.DateTimeField(db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name as it was, so the record outlives the account.
    published_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = ["published_at", "id"]

    def __str__(self) -> str:
        return f"Data-sharing statement of {self.published_at:%Y-%m-%d %H:%M}"
