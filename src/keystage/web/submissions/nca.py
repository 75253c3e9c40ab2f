"""Importing the KS2 results the LA downloads from the STA's NCA Portal (from 2026).

A download (a CTF combined for the LA or for one school, or the CSV of all results with TA,
dfe-returns.md §5) is read whole by the core (keystage.nca), its pupils attributed to schools
by LAESTAB, and each school's pupils stored as that school's next version with channel NCA:
a CTF written for the school, checked by the worker with the same checks as a school's file,
kept in history. A later import's version replaces the earlier one as the school's NCA current
version (processing); the differences are keystage.web.submissions.nca_changes.

All or nothing: a download that cannot be read whole, names none of our schools, or names a
school whose data the LA has locked is refused with the reason, and nothing is stored. LAESTABs
that are none of our schools are listed on the import (never dropped unsaid); their pupils are
not stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from keystage.codesets import codeset_for
from keystage.ctf.model import Header, Pupil, SchoolRef
from keystage.ctf.writer import to_bytes
from keystage.nca import Download, DownloadError, read_nca_csv, read_nca_ctf
from keystage.web.common import clock
from keystage.web.common.audit import Action, record
from keystage.web.models import Collection, NcaImport, School, Submission, User
from keystage.web.models.schools import CLOSED
from keystage.web.submissions.locks import active_lock
from keystage.web.submissions.sources import NCA, NCA_FIRST_YEAR, from_nca
from keystage.web.submissions.uploads import UploadRefusedError, receive

SUPPLIER = "STA NCA Portal"


class NcaRefusedError(UploadRefusedError):
    """The download is not imported; `lines` are the reasons, row by row, for the data team."""

    def __init__(self, message: str, lines: list[str] | None = None) -> None:
        super().__init__(message)
        self.lines = lines or []


@dataclass(frozen=True)
class Attributed:
    schools: dict[School, list[Pupil]]
    unknown: list[dict[str, object]]  # [{"laestab": ..., "pupils": n}]


def import_download(
    collection: Collection, upload: UploadedFile[bytes], *, user: User | None,
    request: HttpRequest | None = None,
) -> NcaImport:  # fmt: skip
    """Reads, attributes and stores one download; raises NcaRefusedError (nothing stored)."""
    _for_this_collection(collection)
    data = _bytes(upload)
    kind = _kind(upload.name or "", data)
    download = _read(data, kind, collection)
    found = attribute(download)
    _not_locked(collection, found)
    sha256 = hashlib.sha256(data).hexdigest()
    _not_imported_before(collection, sha256)
    written: list[FieldFile] = []
    try:
        with transaction.atomic():
            made = _record(collection, upload.name or "", kind, data, sha256, download, found,
                           user)  # fmt: skip
            written.append(made.file)
            for school, pupils in found.schools.items():
                written.append(_school_version(made, school, pupils, user, request).file)
            _audit(made, found, user, request)
    except BaseException:
        for file in written:  # nothing half-written: the rows went with the transaction
            file.delete(save=False)
        raise
    return made


def _audit(
    made: NcaImport, found: Attributed, user: User | None, request: HttpRequest | None
) -> None:
    record(
            Action.IMPORT,
        f"imported NCA Portal download {made.original_name} as import {made.number}: "
        f"{len(found.schools)} schools, {made.pupils} pupils, "
        f"{len(found.unknown)} LAESTABs not ours",
        request=request, actor=user, collection=made.collection, file=made.original_name,
        channel=NCA, nca_import=made.pk, unknown=[u["laestab"] for u in found.unknown],
    )  # fmt: skip


def _for_this_collection(collection: Collection) -> None:
    if not from_nca(collection):
        raise NcaRefusedError(
            f"{collection.short_name} does not take the NCA Portal's results: they are for KS2 "
            f"from {NCA_FIRST_YEAR}. Choose the KS2 collection."
        )
    if collection.purged_at is not None:
        raise NcaRefusedError(
            f"{collection.short_name}'s files were deleted under the retention policy. It takes "
            "no more files."
        )


def _bytes(upload: UploadedFile[bytes]) -> bytes:
    """The whole download. Its cap is the data team's import cap, not a school's file's: a
    combined LA file is about 3 KB a pupil (benchmarks/nca_import.py: 44 MB for 14,400), so
    a large LA's would not fit in a school's 50 MB."""
    size = upload.size or 0
    if size == 0:
        raise NcaRefusedError("The file is empty. Download it from the NCA Portal again.")
    if size > settings.MAX_IMPORT_BYTES:
        raise NcaRefusedError(
            f"The file is {filesizeformat(size)}; the largest we import is "
            f"{filesizeformat(settings.MAX_IMPORT_BYTES)}. Download the results school by "
            "school from the NCA Portal and import each."
        )
    upload.seek(0)
    return b"".join(upload.chunks())


def _kind(name: str, data: bytes) -> str:
    """CTF or CSV, by the file's name; anything else is refused, saying what it looks like."""
    lowered = name.lower()
    if lowered.endswith(".xml"):
        return NcaImport.Kind.CTF
    if lowered.endswith(".csv"):
        return NcaImport.Kind.CSV
    looks = "a PDF" if data.startswith(b"%PDF") else "a spreadsheet or zip file" if data.startswith(
        b"PK") else "not a CTF or CSV"  # fmt: skip
    raise NcaRefusedError(
        f"“{name}” is {looks}. Import the NCA Portal's KS2 download as a CTF (its name ends in "
        ".xml) or as the CSV of all results with TA (its name ends in .csv)."
    )


def _read(data: bytes, kind: str, collection: Collection) -> Download:
    codeset = codeset_for(collection.academic_year)
    try:
        if kind == NcaImport.Kind.CSV:
            download = read_nca_csv(data, codeset)
        else:
            download = read_nca_ctf(data, max_bytes=settings.MAX_IMPORT_BYTES)
    except DownloadError as problem:
        lines = [str(e) for e in problem.errors]
        raise NcaRefusedError(
            f"The {kind} could not be imported: nothing was stored. Fix or download it again.",
            lines,
        ) from None
    said = download.academic_year
    if said and said.strip()[:4] != str(codeset.start_year):
        raise NcaRefusedError(
            f"The CTF is for the academic year starting {said}, not {collection.academic_year}. "
            "Import it into that year's KS2 collection."
        )
    return download


def attribute(download: Download) -> Attributed:
    """Each LAESTAB's school (the open one first: a closed predecessor may share the number);
    the LAESTABs that are none of ours, with their pupils' count."""
    schools: dict[School, list[Pupil]] = {}
    unknown: list[dict[str, object]] = []
    for laestab, pupils in download.schools.items():
        school = school_for(laestab)
        if school is None:
            unknown.append({"laestab": laestab, "pupils": len(pupils)})
        else:
            schools.setdefault(school, []).extend(pupils)
    if not schools:
        raise NcaRefusedError(
            "None of the schools in the download is in Keystage's register, so nothing was "
            "stored. Check the register is loaded, or that this is your LA's download.",
            [f"LAESTAB {u['laestab']}: {u['pupils']} pupils" for u in unknown],
        )
    return Attributed(schools, unknown)


def school_for(laestab: str) -> School | None:
    found = School.objects.filter(laestab=laestab)
    return found.exclude(status=CLOSED).first() or found.order_by("-closed_on").first()


def _not_locked(collection: Collection, found: Attributed) -> None:
    held = [s for s in found.schools if active_lock(collection, s) is not None]
    if held:
        raise NcaRefusedError(
            f"{collection.short_name} is locked for {len(held)} of the download's schools, so "
            "nothing was stored. Unlock them first if their results should be replaced.",
            [s.reference for s in held],
        )


def _not_imported_before(collection: Collection, sha256: str) -> None:
    """The same file as the newest import changes nothing, so it is refused; an older import's
    file may be imported again (to go back to it), and its differences are shown."""
    latest = NcaImport.objects.filter(collection=collection).order_by("-number").first()
    if latest is not None and latest.sha256 == sha256:
        raise NcaRefusedError(
            f"This file was already imported, as import {latest.number} on "
            f"{timezone.localtime(latest.imported_at):%-d %B %Y}, the newest: importing it "
            "again would change nothing."
        )


def _record(
    collection: Collection, name: str, kind: str, data: bytes, sha256: str,
    download: Download, found: Attributed, user: User | None,
) -> NcaImport:  # fmt: skip
    last = NcaImport.objects.filter(collection=collection).aggregate(n=Max("number"))["n"]
    made = NcaImport(
        collection=collection, number=(last or 0) + 1, kind=kind, original_name=name[:255],
        sha256=sha256, size=len(data), imported_by=user, imported_at=clock.now(),
        pupils=download.pupils, unknown=found.unknown,
    )  # fmt: skip
    made.file.save("download", ContentFile(data), save=False)
    made.save()
    return made


def _school_version(
    made: NcaImport, school: School, pupils: list[Pupil], user: User | None,
    request: HttpRequest | None,
) -> Submission:  # fmt: skip
    """The school's pupils as a CTF of their own, received as the school's next NCA version."""
    collection = made.collection
    codeset = codeset_for(collection.academic_year)
    header = Header(
        document_name="Common Transfer File", ctf_version=codeset.ctf_versions[0],
        date_time=timezone.localtime(made.imported_at).isoformat(timespec="seconds"),
        document_qualifier="partial", supplier_id=f"{SUPPLIER} (import {made.number})",
        source=SchoolRef(la=school.la, estab=school.estab, urn=school.urn, name=school.name,
                         academic_year=str(codeset.start_year)),
        dest=SchoolRef(la=school.la, estab="LLLL"),
    )  # fmt: skip
    # The school's history was how a combined file named the school: said by the header now.
    body = to_bytes(header, [replace(p, school_history=()) for p in pupils])
    name = f"nca-import-{made.number:03d}-{school.laestab}.xml"
    try:
        stored = receive(
            school=school, collection=collection, user=user, channel=NCA, request=request,
            upload=SimpleUploadedFile(name, body, content_type="application/xml"),
            keep_refused=False,
        )  # fmt: skip
    except UploadRefusedError as refused:
        raise NcaRefusedError(
            f"{school.reference}'s results could not be stored, so nothing was: {refused}"
        ) from None
    Submission.objects.filter(pk=stored.pk).update(nca_import=made)
    return stored
