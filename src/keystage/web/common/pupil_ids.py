"""Pupil IDs: a pupil named without their UPN, and UPNs found in words; a pupil's name as
schools list it.

The UPN is a national identifier that follows a child through school. Where a pupil must be
told apart but not identified (the minimised exports, the audit trail's page views, a purged
collection's audit events), a pupil ID stands in for it: an HMAC of the UPN keyed by the
service's secret and the collection. The same pupil keeps the same ID within one collection
(files and events can be joined), but the ID cannot be turned back into a UPN, nor matched to
another collection's, without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

from keystage.ctf.upn import ALPHABET
from keystage.web.models import Collection, PupilRecord

# A UPN in words, with "pupil" or "UPN" said before it.
UPN_IN_WORDS = re.compile(
    rf"\b(?:pupil\s+)?(?:UPN\s+)?(?P<upn>[{ALPHABET}][0-9]{{11}}[0-9{ALPHABET}])\b"
)


def pseudonym(collection: Collection, upn: str) -> str:
    key = f"{settings.SECRET_KEY}:pupil-id:{collection.pk}".encode()
    return hmac.new(key, upn.encode(), hashlib.sha256).hexdigest()[:16]


def upns_in(text: str) -> set[str]:
    return {found["upn"] for found in UPN_IN_WORDS.finditer(text)}


def display_name(record: PupilRecord) -> str:
    """'SURNAME, Forename', as schools see pupils listed in their MIS."""
    return f"{record.surname.upper() or '(no surname)'}, {record.forename or '(no forename)'}"
