"""What the LA tells schools about a collection: what to send, help from their MIS supplier, the
statutory guidance and whom to ask. Plain text the LA writes; the school's collection page shows
it in paragraphs, with its https:// addresses as links (keystage.web.common.plain_text).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from keystage.web.models.collections import Collection

LONGEST = 4000  # characters a part: a page of text, not a manual


class Guidance(models.Model):
    collection = models.OneToOneField(Collection, on_delete=models.CASCADE, related_name="guidance")
    what_to_send = models.TextField(
        "What to send", max_length=LONGEST, blank=True,
        help_text="Which file, for which pupils, and how to make it.",
    )  # fmt: skip
    mis_help = models.TextField(
        "Help from your MIS supplier", max_length=LONGEST, blank=True,
        help_text="Where SIMS, Arbor, Bromcom and the other MIS explain how to make the file.",
    )  # fmt: skip
    statutory = models.TextField(
        "The statutory guidance", max_length=LONGEST, blank=True,
        help_text="The STA's and the DfE's guidance for this assessment.",
    )  # fmt: skip
    contact = models.TextField(
        "Who to ask", max_length=LONGEST, blank=True,
        help_text="Anyone to ask besides the data team, whose address and phone schools see "
        "on every page anyway.",
    )  # fmt: skip
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    updated_at = models.DateTimeField(null=True, blank=True)

    # The guidance proper, in the order schools read it; `contact` closes it, beside the data
    # team's own address and phone.
    PARTS = ("what_to_send", "mis_help", "statutory")
    FIELDS = (*PARTS, "contact")
    # A PVI setting's route is the spreadsheet template, which its collection page explains:
    # what to send and the MIS suppliers' help are written for schools' CTFs from their MIS.
    SETTINGS_PARTS = ("statutory",)

    def parts(self, names: tuple[str, ...] = PARTS) -> list[tuple[str, str]]:
        """(heading, text) of each part of the guidance proper the LA has written."""
        found = []
        for name in names:
            field, text = self._meta.get_field(name), getattr(self, name).strip()
            if text and isinstance(field, models.Field):
                found.append((str(field.verbose_name), text))
        return found

    def settings_parts(self) -> list[tuple[str, str]]:
        """The parts a PVI setting reads (SETTINGS_PARTS)."""
        return self.parts(self.SETTINGS_PARTS)
