"""Evidence a head sends with an appeal: PDFs, pictures and Office documents up to a size cap,
recognised by their first bytes as well as their names, hashed, and stored as received.

Anything else is refused before it is stored, with a message that says what to send instead.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # settings.MAX_EVIDENCE_BYTES overrides
MAX_FILES = 10

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003 documents
ZIP = b"PK\x03\x04"
# extension -> (content type, first bytes, what kind of zip it must be: "ooxml", "odf" or "")
KINDS: dict[str, tuple[str, bytes, str]] = {
    "pdf": ("application/pdf", b"%PDF-", ""),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n", ""),
    "jpg": ("image/jpeg", b"\xff\xd8\xff", ""),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff", ""),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP,
             "ooxml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP, "ooxml"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP,
             "ooxml"),
    "doc": ("application/msword", OLE, ""),
    "xls": ("application/vnd.ms-excel", OLE, ""),
    "ppt": ("application/vnd.ms-powerpoint", OLE, ""),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP, "odf"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP, "odf"),
    "odp": ("application/vnd.oasis.opendocument.presentation", ZIP, "odf"),
}  # fmt: skip
ACCEPTED = "PDF, a picture (JPEG or PNG) or an Office document (Word, Excel, PowerPoint or " \
    "OpenDocument)"  # fmt: skip


class EvidenceRefusedError(ValueError):
    """A file that is not accepted as evidence: the message is for the head."""


@dataclass(frozen=True)
class Evidence:
    upload: UploadedFile[bytes]
    name: str  # the name the school gave, made safe to show and to send back
    content_type: str
    sha256: str
    size: int


def max_bytes() -> int:
    return int(getattr(settings, "MAX_EVIDENCE_BYTES", DEFAULT_MAX_BYTES))


def safe_name(name: str) -> str:
    """The file's own name without any folder, control characters or quotes."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    cleaned = re.sub(r'[\x00-\x1f\x7f"\\]', "", base).strip()
    return cleaned[-200:] or "evidence"


def accept(upload: UploadedFile[bytes]) -> Evidence:
    """The file, checked and hashed; EvidenceRefusedError if it is not accepted."""
    name = safe_name(upload.name or "")
    size = upload.size or 0
    if size == 0:
        raise EvidenceRefusedError(f"“{name}” is empty. Choose the file again.")
    limit = max_bytes()
    if size > limit:
        raise EvidenceRefusedError(
            f"“{name}” is {filesizeformat(size)}; each file can be up to {filesizeformat(limit)}. "
            "Send a smaller copy, for example fewer pages or pictures taken at a lower size."
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = KINDS.get(extension)
    if kind is None:
        raise EvidenceRefusedError(f"“{name}” is not a file we accept. Send a {ACCEPTED}.")
    content_type, magic, container = kind
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if len(head) < len(magic):
            head += chunk[: len(magic)]
        digest.update(chunk)
    if not head.startswith(magic) or (container and not _zip_is(upload, container)):
        raise EvidenceRefusedError(
            f"“{name}” is not the {extension.upper()} file its name says. Open it on your "
            f"computer, save it again as a {ACCEPTED}, and send that."
        )
    upload.seek(0)
    return Evidence(upload, name, content_type, digest.hexdigest(), size)


def _zip_is(upload: UploadedFile[bytes], container: str) -> bool:
    """An Office Open XML or OpenDocument file, by its zip directory (nothing is unpacked)."""
    source = upload.file
    if source is None:
        return False
    upload.seek(0)
    try:
        with zipfile.ZipFile(source) as found:
            names = set(found.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names if container == "ooxml" else "mimetype" in names


def accept_all(uploads: list[UploadedFile[bytes]]) -> list[Evidence]:
    """Every file, or EvidenceRefusedError for the first that is not accepted."""
    if len(uploads) > MAX_FILES:
        raise EvidenceRefusedError(
            f"You chose {len(uploads)} files; send up to {MAX_FILES}. Put several pages into "
            "one PDF if you can."
        )
    return [accept(upload) for upload in uploads]
