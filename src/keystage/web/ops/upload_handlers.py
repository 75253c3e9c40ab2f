"""Uploads refused at the door: too large or plainly the wrong kind, before the body is read.

Two guards, one rule book (POLICIES, by URL name):
- UploadLimitMiddleware answers 413 from the Content-Length header alone, reading nothing;
- GuardedUploadHandler, first of FILE_UPLOAD_HANDLERS, watches the bytes as they stream in and
  stops the upload when a file outgrows its cap or its first bytes show it is not what the form
  takes (the form's own words say why), or when it has taken longer than any upload may
  (longest_upload_seconds). Django then closes and deletes the temporary files.
The forms check again after the fact; these guards only spare the disk, the time and the wait.

A URL not in POLICIES takes no more than an ordinary form does (DATA_UPLOAD_MAX_MEMORY_SIZE):
a new page that takes files must be added here (tests/web/test_upload_door.py checks it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve

from keystage.web.codetables import loading as code_tables
from keystage.web.moderation import evidence
from keystage.web.schools import forms as schools_forms
from keystage.web.schools.gias import not_a_csv
from keystage.web.submissions.uploads import NOT_CTF

log = logging.getLogger(__name__)

# Room for the form's other fields and the multipart framing around the files.
FORM_ALLOWANCE = 256 * 1024
# The slowest an upload may be, on average: 64 KB/s (512 kbit/s) is below the upload speed of
# the slowest school broadband line. With it, the largest request any form takes sets the
# longest an upload can last, so a partial file older than that is no upload's (upload_temp).
SLOWEST_BYTES_PER_SECOND = 64 * 1024
HEAD_BYTES = 8  # what the sniffers look at: the same first bytes as the forms' own checks

Sniffer = Callable[[bytes], str | None]  # the first bytes -> why the file is refused, or None


def not_a_ctf(head: bytes) -> str | None:
    """The file request form's own refusals by first bytes (a PDF, an old Office document, a
    picture). A zip passes: the form takes a filled spreadsheet template (.xlsx) too, and
    tells it from other zips by its name and parts."""
    return next((said for magic, said in NOT_CTF if head.startswith(magic)), None)


@dataclass(frozen=True)
class UploadPolicy:
    """What one form takes: the largest file, the largest request, and a check of first bytes."""

    file_cap: Callable[[], int]
    request_cap: Callable[[], int]
    advice: str
    sniff: Sniffer | None = None
    many: bool = False  # the form takes several files at once

    def too_big(self, size: int) -> str:
        cap = self.request_cap() - FORM_ALLOWANCE
        if self.many:
            return (
                f"The files come to about {filesizeformat(size)}; we accept up to "
                f"{filesizeformat(cap)} at once. {self.advice}"
            )
        return (
            f"The file is about {filesizeformat(size)}; the largest we accept is "
            f"{filesizeformat(cap)}. {self.advice}"
        )

    def file_too_big(self, name: str) -> str:
        return (
            f"“{name}” is larger than {filesizeformat(self.file_cap())}, the largest we accept. "
            f"{self.advice}"
        )


def _ctf_cap() -> int:
    return int(settings.MAX_UPLOAD_BYTES)


def _evidence_cap() -> int:
    return evidence.max_bytes()


def _evidence_request_cap() -> int:
    return evidence.MAX_FILES * _evidence_cap() + FORM_ALLOWANCE


def _form_cap() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) + FORM_ALLOWANCE


_CTF = UploadPolicy(
    file_cap=_ctf_cap,
    request_cap=lambda: _ctf_cap() + FORM_ALLOWANCE,
    advice="Check you exported only this collection's pupils.",
    sniff=not_a_ctf,
)
POLICIES: dict[str, UploadPolicy] = {
    "portal:collection": _CTF,  # a school's file request
    "portal:la_upload": _CTF,  # the data team uploading for a school
    # Files that came by another channel: every one is kept, even a PDF, so none is sniffed.
    "portal:la_unattributed": UploadPolicy(
        file_cap=_ctf_cap,
        request_cap=lambda: int(settings.MAX_IMPORT_BYTES),
        advice="Import the files in smaller groups.",
        many=True,
    ),
    # The NCA Portal's KS2 download: a CTF or a CSV, so sniffed by the import itself.
    # A combined LA file (about 3 KB a pupil) is over a school's cap: the import cap, as the
    # unattributed files'.
    "portal:la_nca": UploadPolicy(
        file_cap=lambda: int(settings.MAX_IMPORT_BYTES),
        request_cap=lambda: int(settings.MAX_IMPORT_BYTES) + FORM_ALLOWANCE,
        advice="Download the results school by school from the NCA Portal and import each.",
    ),
    "portal:la_comparisons": UploadPolicy(
        file_cap=_ctf_cap,
        request_cap=lambda: _ctf_cap() + FORM_ALLOWANCE,
        advice="Import the statistics table for one measure or year at a time.",
    ),
    "portal:la_settings_upload": UploadPolicy(  # the LA's early years provider list
        file_cap=lambda: schools_forms.MAX_FILE_BYTES,
        request_cap=lambda: schools_forms.MAX_FILE_BYTES + FORM_ALLOWANCE,
        advice="Export only your LA's early years settings, as a CSV.",
        sniff=not_a_csv,
    ),
    "portal:la_schools_upload": UploadPolicy(  # the register's extract, links and addresses
        file_cap=lambda: schools_forms.MAX_FILE_BYTES,
        request_cap=lambda: 3 * schools_forms.MAX_FILE_BYTES + FORM_ALLOWANCE,
        advice="Export only your LA's establishments from Get Information about Schools.",
        sniff=not_a_csv,
        many=True,
    ),
    "portal:la_code_tables": UploadPolicy(  # a year's code tables, about 16 KB
        file_cap=lambda: code_tables.MAX_BYTES,
        request_cap=lambda: code_tables.MAX_BYTES + FORM_ALLOWANCE,
        advice="Load the code tables file you downloaded and changed.",
    ),
    "portal:moderation": UploadPolicy(  # a head's appeal evidence
        file_cap=_evidence_cap,
        request_cap=_evidence_request_cap,
        advice="Send smaller files, or a PDF of the pages that matter.",
        many=True,
    ),
}
ORDINARY_FORM = UploadPolicy(
    file_cap=_form_cap, request_cap=_form_cap, advice="This page does not take large files."
)


def longest_upload_seconds() -> int:
    """The longest any upload may take: the largest request a form takes, at the slowest rate
    allowed (about 67 minutes for the data team's 250 MB import; it follows the size settings)."""
    largest = max(p.request_cap() for p in [*POLICIES.values(), ORDINARY_FORM])
    return -(-largest // SLOWEST_BYTES_PER_SECOND)


def too_slow() -> str:
    minutes = -(-longest_upload_seconds() // 60)
    return (
        f"Sending the file took more than {minutes} minutes, so we stopped. Try again on a "
        "faster connection, or send a smaller file."
    )


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


def policy_for(request: HttpRequest) -> UploadPolicy:
    known = getattr(request, "upload_policy", None)
    if isinstance(known, UploadPolicy):
        return known
    try:
        name = resolve(request.path_info).view_name
    except Resolver404:
        return ORDINARY_FORM
    return POLICIES.get(name, ORDINARY_FORM)


def _content_length(request: HttpRequest) -> int | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None  # Django answers 400 for it when the body is read
    return length if length > 0 else None


def _refuse(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    log.warning("upload refused (%s): %s", refusal.status, refusal.message)
    back = request.path if request.method in ("POST", "PUT", "PATCH") else ""
    return render(
        request,
        "413.html",
        {"message": refusal.message, "back": back, "too_large": refusal.status == 413},
        status=refusal.status,
    )


class UploadLimitMiddleware:
    """Refuses a request whose declared size is over its form's cap, reading none of it; after
    the body is parsed (by CSRF's check, or here), shows the handler's refusal if it made one.

    Its __call__ runs before any process_view, so before anything reads the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        length = _content_length(request)
        if length is not None:
            policy = policy_for(request)
            request.upload_policy = policy  # type: ignore[attr-defined]
            if length > policy.request_cap():
                return _refuse(request, Refusal(413, policy.too_big(length)))
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        if request.content_type != "multipart/form-data" or request.method != "POST":
            return None
        request.FILES  # noqa: B018  (parses the body now, if nothing has yet)
        refusal = getattr(request, "upload_refusal", None)
        return _refuse(request, refusal) if isinstance(refusal, Refusal) else None


class GuardedUploadHandler(FileUploadHandler):
    """Stops an upload the moment a file outgrows its cap or shows the wrong first bytes, or
    when it has taken longer than any upload may.

    First in FILE_UPLOAD_HANDLERS: a chunk reaches the memory or temporary-file handler only
    after passing here. On a refusal it raises StopUpload; Django then closes (so deletes) the
    temporary file, reads and drops the rest of the body (no more than the capped
    Content-Length, so a browser or proxy gets the answer instead of a reset connection), and
    the middleware answers with the refusal.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.policy = policy_for(request) if request is not None else ORDINARY_FORM
        # The wall clock, as the temporary files' names and their sweep use (upload_temp).
        self.deadline = time.time() + longest_upload_seconds()
        self.received = 0
        self.head = b""
        self.sniffed = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.head, self.sniffed = b"", self.policy.sniff is None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if start + len(raw_data) > self.policy.file_cap():
            self._stop(Refusal(413, self.policy.file_too_big(str(self.file_name or "the file"))))
        if self.received > self.policy.request_cap():
            self._stop(Refusal(413, self.policy.too_big(self.received)))
        if time.time() > self.deadline:  # so no upload in flight is older than the longest
            self._stop(Refusal(400, too_slow()))
        if not self.sniffed:
            self._sniff(raw_data)
        return raw_data

    def _sniff(self, raw_data: bytes) -> None:
        self.head += raw_data[: HEAD_BYTES - len(self.head)]
        if len(self.head) < HEAD_BYTES:
            return  # a very short first chunk: wait for the next (or leave it to the form)
        self.sniffed = True
        assert self.policy.sniff is not None
        said = self.policy.sniff(self.head)
        if said is not None:
            self._stop(Refusal(400, said))

    def _stop(self, refusal: Refusal) -> None:
        if self.request is not None:
            self.request.upload_refusal = refusal  # type: ignore[attr-defined]
        raise StopUpload(connection_reset=False)

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler keeps the file
