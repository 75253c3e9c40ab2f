"""Receiving a file: sniffed, stored as received, versioned and queued in one transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from keystage.web.audit import Action, record
from keystage.web.locks import active_lock
from keystage.web.models import Collection, School, Submission, User
from keystage.web.tasks import check_upload

# The first bytes of files schools send by mistake, and what to tell them.
_NOT_CTF = (
    (b"%PDF", "This file is a PDF. Upload the CTF (an XML file) exported from your MIS."),
    (b"PK\x03\x04", "This file is a spreadsheet or a zip file. Upload the CTF (an XML file) "
     "exported from your MIS, not a spreadsheet or a compressed folder."),
    (b"\xd0\xcf\x11\xe0", "This file is an older Microsoft Office document. Upload the CTF (an "
     "XML file) exported from your MIS."),
    (b"\x89PNG", "This file is a picture. Upload the CTF (an XML file) exported from your MIS."),
    (b"\xff\xd8\xff", "This file is a picture. Upload the CTF (an XML file) exported from your "
     "MIS."),
)  # fmt: skip


class UploadRefusedError(ValueError):
    """A file refused before it is stored: the message is for the school office."""


@dataclass(frozen=True)
class Sniffed:
    sha256: str
    size: int


def sniff(upload: UploadedFile[bytes]) -> Sniffed:
    """Refuses what is plainly not a CTF before storing it; hashes what is kept."""
    size = upload.size or 0
    if size == 0:
        raise UploadRefusedError(
            "The file is empty. Export the CTF from your MIS again and upload it."
        )
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadRefusedError(
            f"The file is {filesizeformat(size)}; the largest we accept is "
            f"{filesizeformat(limit)}. Check you exported only this collection's pupils."
        )
    name = upload.name or ""
    if not name.lower().endswith(".xml"):
        raise UploadRefusedError(
            f"“{name}” is not an XML file. Upload the CTF your MIS exports: its name ends in .xml."
        )
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if not head:
            head = chunk[:8]
        digest.update(chunk)
    for magic, message in _NOT_CTF:
        if head.startswith(magic):
            raise UploadRefusedError(message)
    upload.seek(0)
    return Sniffed(sha256=digest.hexdigest(), size=size)


def receive(
    *,
    school: School,
    collection: Collection,
    upload: UploadedFile[bytes],
    user: User | None,
    channel: str = Submission.Channel.PORTAL,
    request: HttpRequest | None = None,
) -> Submission:
    """Stores the file as a new version and queues its check; all of it or none of it."""
    held = active_lock(collection, school)
    if held is not None:
        raise UploadRefusedError(
            f"The data team has locked {collection.short_name}"
            + ("" if held.school_id is None else " for your school")
            + ". Contact the data team if you need to send a new file."
        )
    sniffed = sniff(upload)
    stored: Submission | None = None
    try:
        with transaction.atomic():
            # One school's uploads take their version numbers one at a time.
            School.objects.select_for_update().filter(pk=school.pk).first()
            last = (
                Submission.objects.filter(school=school, collection=collection)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
            )
            stored = Submission(
                school=school,
                collection=collection,
                version=(last or 0) + 1,
                original_name=(upload.name or "")[:255],
                sha256=sniffed.sha256,
                size=sniffed.size,
                uploaded_by=user,
                uploaded_at=timezone.now(),
                channel=channel,
            )
            stored.file.save(stored.original_name, upload, save=False)
            stored.save()
            check_upload.enqueue(stored.pk)  # the task row commits with the version, or neither
            record(
                Action.UPLOAD,
                f"uploaded {stored.original_name} as version {stored.version}",
                actor=user, school=school, collection=collection, request=request,
                submission=stored.pk, sha256=stored.sha256, size=stored.size, channel=channel,
            )  # fmt: skip
    except BaseException:
        if stored is not None and stored.file.name:
            stored.file.storage.delete(stored.file.name)
        raise
    return stored
