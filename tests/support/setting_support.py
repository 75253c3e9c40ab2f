"""PVI early years settings for the portal's tests: a setting, its account, and its filled
EYFSP template (the demo's funded children, written as a setting's staff would)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from template_support import fill

from keystage import codesets
from keystage.ctf.model import Pupil
from keystage.web.models import Collection, School
from keystage.web.ops.demo_settings import funded_children
from keystage.web.submissions.template_upload import template_download

PROVIDER_LIST = (
    "EY URN,Setting name,Setting type,Contact name,Contact email,Telephone,Postcode\n"
    "512345,Little Acorns Nursery,Private nursery,Jo Bloggs,jo@littleacorns.example,"
    "0121 496 0001,B13\n"
    "634567,Sam Childminder,Childminder,Sam Jones,sam@childminding.example,0121 496 0002,B14\n"
)


def make_setting(**overrides: Any) -> School:
    """An open PVI setting of LA 330, its contact in the head's fields."""
    fields: dict[str, Any] = {"kind": "setting", "laestab": "", "la_number": "330",
                              "urn": "512345", "name": "Little Acorns Nursery",
                              "type": "Private nursery", "head_first_name": "Jo",
                              "head_last_name": "Bloggs",
                              "head_email": "jo@littleacorns.example"}  # fmt: skip
    return School.objects.create(**(fields | overrides))


def children(setting: School, window: Collection, number: int = 0) -> list[Pupil]:
    return funded_children(setting, window, number)


def setting_template(
    setting: School, window: Collection, pupils: list[Pupil] | None = None
) -> bytes:
    """The setting's own template (as the portal gives it), filled with its funded children."""
    blank = template_download(window, setting).content
    chosen = children(setting, window) if pupils is None else pupils
    return fill(blank, chosen, "EYFSP", codesets.load(window.academic_year))


def post_template(client: Client, window: Collection, content: bytes) -> object:
    upload = SimpleUploadedFile("eyfsp.xlsx", content)
    return client.post(f"/collections/{window.pk}/", {"file": upload})
