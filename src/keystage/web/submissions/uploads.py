"""Receiving a file: sniffed, its start read, stored as received, versioned and queued in one
transaction; or, when it is not the school's return for the collection, kept apart (refusals)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from keystage.checks import Finding
from keystage.web.common import clock
from keystage.web.common.audit import Action, record
from keystage.web.models import Collection, RefusedUpload, School, Submission, User
from keystage.web.submissions import refusals, template_upload
from keystage.web.submissions.locks import active_lock
from keystage.web.submissions.tasks import check_upload

# The first bytes of files schools send by mistake, and what to tell them.
NOT_CTF = (
    (b"%PDF", "This file is a PDF. Upload the CTF (an XML file) exported from your MIS."),
    (b"\xd0\xcf\x11\xe0", "This file is an older Microsoft Office document. Upload the CTF (an "
     "XML file) exported from your MIS."),
    (b"\x89PNG", "This file is a picture. Upload the CTF (an XML file) exported from your MIS."),
    (b"\xff\xd8\xff", "This file is a picture. Upload the CTF (an XML file) exported from your "
     "MIS."),
)  # fmt: skip
# A zip: refused unless it is named as a spreadsheet template (.xlsx), whose parts sniff() looks
# at (so the upload door's first-bytes check, which sees no name, lets zips through to here).
_ZIP = b"PK\x03\x04"
_NOT_CTF_ZIP = (
    "This file is a spreadsheet or a zip file. Upload the CTF (an XML file) exported from your "
    "MIS, not a spreadsheet or a compressed folder, or this collection's spreadsheet template."
)


log = logging.getLogger(__name__)

# The database or the disk failing while a file is stored: nothing is kept, and the school is
# asked to send it again (a 503 page), rather than shown an error page with nothing to do.
STORE_FAULTS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, OSError)
NOT_SAVED = (
    "We could not save your file because of a problem on our side. Nothing was saved. Upload "
    "the file again in a few minutes. If this happens again, contact the data team."
)


class UploadRefusedError(ValueError):
    """A file refused before it is stored: the message is for the school office."""


class FileRefusedError(UploadRefusedError):
    """A file that is not the school's return for the collection, refused at upload and kept
    for the record (`kept`), numbered apart from the versions."""

    def __init__(self, kept: RefusedUpload) -> None:
        super().__init__(f"{kept.message} (Check code {kept.code}.)")
        self.kept = kept


class UploadNotSavedError(RuntimeError):
    """The database or the disk failed while the file was stored: nothing of it was kept."""


def not_saved_page(request: HttpRequest, back: str) -> HttpResponse:
    """What the school sees when its file could not be stored: 503, and the way back to try
    again. Reads nothing from the database, which may be what failed."""
    response = render(
        request, "portal/upload_not_saved.html", {"message": NOT_SAVED, "back": back}, status=503
    )
    response["Retry-After"] = "120"
    return response


@dataclass(frozen=True)
class Sniffed:
    sha256: str
    size: int


def sniff(upload: UploadedFile[bytes]) -> Sniffed:
    """Refuses what is plainly not a CTF before storing it; hashes what is kept."""
    size = upload.size or 0
    _sized(size)
    name = upload.name or ""
    spreadsheet = template_upload.is_spreadsheet_name(name)  # a filled Keystage template
    if not spreadsheet and not name.lower().endswith(".xml"):
        raise UploadRefusedError(
            f"“{name}” is not an XML file. Upload the CTF your MIS exports: its name ends in .xml "
            "(or this collection's spreadsheet template, filled in: its name ends in .xlsx)."
        )
    sha256, head = _hashed(upload)
    for magic, message in NOT_CTF:
        if head.startswith(magic):
            raise UploadRefusedError(message)
    if spreadsheet and (refusal := template_upload.upload_refusal(upload)):
        raise UploadRefusedError(refusal)
    if not spreadsheet and head.startswith(_ZIP):
        raise UploadRefusedError(_NOT_CTF_ZIP)
    upload.seek(0)
    return Sniffed(sha256=sha256, size=size)


def _sized(size: int) -> None:
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


def _hashed(upload: UploadedFile[bytes]) -> tuple[str, bytes]:
    """The file's SHA-256, and its first bytes (what kind of file it is)."""
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if not head:
            head = chunk[:8]
        digest.update(chunk)
    return digest.hexdigest(), head


def receive(
    *,
    school: School,
    collection: Collection,
    upload: UploadedFile[bytes],
    user: User | None,
    channel: str = Submission.Channel.PORTAL,
    request: HttpRequest | None = None,
    keep_refused: bool = True,
) -> Submission:
    """Stores the file as a new version and queues its check; all of it or none of it.

    Raises UploadRefusedError for a file we will not take (FileRefusedError when it is not the
    school's return for the collection: kept for the record as a RefusedUpload, numbered apart,
    unless `keep_refused` is False), UploadNotSavedError when the database or the disk failed
    (no version, no file left behind)."""
    if collection.purged_at is not None:  # names removed under the retention policy: no more
        raise UploadRefusedError(
            f"{collection.short_name}'s files were deleted under the retention policy on "
            f"{collection.purged_at:%-d %B %Y}. It takes no more files."
        )
    held = active_lock(collection, school)
    if held is not None:
        raise UploadRefusedError(
            f"The data team has locked {collection.short_name}"
            + ("" if held.school_id is None else " for your school")
            + ". Contact the data team if you need to send a new file."
        )
    sniffed = sniff(upload)
    refusal = refusals.at_upload(upload, school, collection)
    if refusal is not None and not keep_refused:
        raise UploadRefusedError(f"{refusal.message} (Check code {refusal.code}.)")
    if refusal is not None:
        kept = _keep_refused(school, collection, upload, sniffed, refusal, user, channel, request)
        raise FileRefusedError(kept)
    return _versioned(school, collection, upload, sniffed, user, channel, request)


def _versioned(
    school: School,
    collection: Collection,
    upload: UploadedFile[bytes],
    sniffed: Sniffed,
    user: User | None,
    channel: str,
    request: HttpRequest | None,
) -> Submission:
    def make(school: School) -> Submission:
        last = (
            Submission.objects.filter(school=school, collection=collection)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        return Submission(
            school=school, collection=collection, version=(last or 0) + 1,
            original_name=(upload.name or "")[:255], sha256=sniffed.sha256, size=sniffed.size,
            uploaded_by=user, uploaded_at=clock.now(), channel=channel,
        )  # fmt: skip

    def announce(stored: Submission) -> None:
        check_upload.enqueue(stored.pk)  # the task row commits with the version, or neither
        record(
            Action.UPLOAD,
            f"uploaded {stored.original_name} as version {stored.version}",
            actor=user, school=stored.school, collection=collection, request=request,
            submission=stored.pk, sha256=stored.sha256, size=stored.size, channel=channel,
        )  # fmt: skip

    return _store(school, upload, make, announce)


def _keep_refused(
    school: School,
    collection: Collection,
    upload: UploadedFile[bytes],
    sniffed: Sniffed,
    refusal: Finding,
    user: User | None,
    channel: str,
    request: HttpRequest | None,
) -> RefusedUpload:
    """Keeps a refused file for the record, numbered apart from the versions."""

    def make(school: School) -> RefusedUpload:
        last = RefusedUpload.objects.filter(school=school, collection=collection).aggregate(
            last=Max("number")
        )["last"]
        return RefusedUpload(
            school=school, collection=collection, number=(last or 0) + 1,
            original_name=(upload.name or "")[:255], sha256=sniffed.sha256, size=sniffed.size,
            uploaded_by=user, uploaded_at=clock.now(), channel=channel,
            code=refusal.code, message=refusal.message,
        )  # fmt: skip

    def announce(kept: RefusedUpload) -> None:
        record(
            Action.UPLOAD,
            f"uploaded {kept.original_name}: refused ({kept.code}), kept as refused upload "
            f"{kept.number}",
            actor=user, school=kept.school, collection=collection, request=request,
            refused=kept.pk, sha256=kept.sha256, size=kept.size, channel=channel, code=kept.code,
        )  # fmt: skip

    return _store(school, upload, make, announce)


def _store[Stored: (Submission, RefusedUpload)](
    school: School,
    upload: UploadedFile[bytes],
    make: Callable[[School], Stored],
    announce: Callable[[Stored], None],
) -> Stored:
    """Numbers, writes and records one file in one transaction: all of it or none of it."""
    stored: Stored | None = None
    written: str | None = None
    try:
        with transaction.atomic():
            # One school's uploads take their numbers one at a time.
            School.objects.select_for_update().filter(pk=school.pk).first()
            stored = make(school)
            written = _write(stored, upload)
            stored.save()
            announce(stored)
    except BaseException as failure:
        if stored is not None and written is not None:
            _remove(stored.file.storage, written)
        if isinstance(failure, STORE_FAULTS):
            log.exception("An upload for %s could not be stored: nothing was kept", school)
            raise UploadNotSavedError(NOT_SAVED) from failure
        raise
    return stored


def _write(stored: Submission | RefusedUpload, upload: UploadedFile[bytes]) -> str:
    """Writes the file under its stored name (FieldFile.save, with the name known before the
    write): a write that fails part-way, a full disk, leaves no partial file behind."""
    field = stored.file.field
    storage = stored.file.storage
    name = storage.get_available_name(
        field.generate_filename(stored, stored.original_name), max_length=field.max_length
    )
    try:
        saved = storage.save(name, upload, max_length=field.max_length)
    except BaseException:
        _remove(storage, name)  # free a moment ago: whatever is there is our partial write
        raise
    stored.file.name = saved
    return saved


def _remove(storage: Storage, name: str) -> None:
    try:
        if storage.exists(name):
            storage.delete(name)
    except OSError:
        log.exception("Could not remove %s after a failed upload", name)
