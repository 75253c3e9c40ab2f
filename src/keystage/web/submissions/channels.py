"""Files from other channels (secure transfer, the data team's own uploads).

Each file is attributed to its school by the CTF header and to a collection by its results,
then received exactly like a school's upload (stored, versioned, checked by the worker). A file
that cannot be attributed is kept as an UnattributedFile and listed for the data team: never
dropped. Importing the same bytes again is a no-op, so a folder can be imported twice.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from keystage.checks import infer_collection
from keystage.codesets import codeset_for
from keystage.ctf.errors import CTFError
from keystage.ctf.model import Header, Pupil, SchoolRef
from keystage.ctf.reader import read_ctf
from keystage.web.common import clock
from keystage.web.common.audit import Action, record
from keystage.web.common.clock import today
from keystage.web.models import (
    Collection,
    RefusedUpload,
    School,
    Submission,
    UnattributedFile,
    User,
)
from keystage.web.submissions import refusals
from keystage.web.submissions.locks import active_lock
from keystage.web.submissions.uploads import FileRefusedError, UploadRefusedError, receive

Source = bytes | str | os.PathLike[str] | IO[bytes]

# Pupils read to tell the collection: a file holds one collection, so a few agree.
SAMPLE_PUPILS = 25
_YEAR = re.compile(r"\s*(\d{4})")


@dataclass(frozen=True)
class Attribution:
    """Whose file it is and for which collection; `reason` says how we know, or why we don't."""

    school: School | None
    collection: Collection | None
    reason: str
    header: Header | None = None

    @property
    def attributed(self) -> bool:
        return self.school is not None and self.collection is not None


@dataclass(frozen=True)
class ImportOutcome:
    name: str
    result: Literal["received", "refused", "skipped", "unattributed", "unreadable"]
    message: str
    submission: Submission | None = None
    unattributed: UnattributedFile | None = None
    refused: RefusedUpload | None = None  # not the school's return for the collection: kept

    def line(self) -> str:
        return f"{self.name}: {self.message}"


# --- attribution -----------------------------------------------------------------------------


def attribute(source: Source, *, collection: Collection | str | None = None) -> Attribution:
    """Reads the header (and, to tell the collection, the first pupils) with the hardened reader.

    `collection` is a Collection to use as it is, or a kind ("KS1") to match with the header's
    academic year; without it, the collection is told from the pupils' results.
    """
    pupils: list[Pupil] = []
    late: CTFError | None = None
    try:
        with (
            _reader_source(source) as raw,
            read_ctf(raw, max_bytes=settings.MAX_UPLOAD_BYTES) as reader,
        ):
            header = reader.header
            if collection is None:
                late = _sample(iter(reader), pupils)
    except CTFError as problem:
        return Attribution(None, None, _unreadable(problem))
    except OSError as problem:
        return Attribution(None, None, f"It could not be read: {problem.strerror or problem}")
    school = _school(header.source)
    if school is None:
        return Attribution(None, None, _unknown_school(header.source), header)
    year = _academic_year(header.source.academic_year)
    window, how = _collection(collection, pupils, year, late)
    if window is None:
        return Attribution(school, None, how, header)
    return Attribution(
        school, window, f"{_school_name(school)}, {window.short_name} ({how})", header
    )


def _unreadable(problem: CTFError) -> str:
    return f"It could not be read as a CTF ({problem.code}): {problem.message}"


@contextmanager
def _reader_source(source: Source) -> Iterator[str | os.PathLike[str] | IO[bytes]]:
    """What read_ctf takes; a file object is read from its start and left there for its owner."""
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        yield source
    else:
        source.seek(0)
        try:
            yield source
        finally:
            source.seek(0)


def _sample(pupils: Iterator[Pupil], into: list[Pupil]) -> CTFError | None:
    """The first pupils; an error further on is left for the checks to report to the school."""
    try:
        for pupil in pupils:
            into.append(pupil)
            if len(into) >= SAMPLE_PUPILS:
                break
    except CTFError as problem:
        return problem
    return None


def _school(ref: SchoolRef) -> School | None:
    """By LAESTAB; by URN only when the LAESTAB is missing or unknown (academies change it)."""
    if ref.laestab:
        found = School.objects.filter(laestab=ref.laestab.strip()).first()
        if found is not None:
            return found
    if ref.urn:
        return School.objects.filter(urn=ref.urn.strip()).first()
    return None


def _unknown_school(ref: SchoolRef) -> str:
    named = [
        f"LAESTAB {ref.laestab}" if ref.laestab else "",
        f"URN {ref.urn}" if ref.urn else "",
        f"“{ref.name}”" if ref.name else "",
    ]
    said = ", ".join(n for n in named if n)
    if not said:
        return "The header names no school (no LEA and Estab, no URN). Attribute it by hand."
    return (
        f"The header names a school we do not have: {said}. Check the school register, "
        "or attribute it by hand."
    )


def _academic_year(said: str | None) -> str | None:
    """The header's AcademicYear (the year it starts, 2025) as collections name it (2025-26)."""
    found = _YEAR.match(said or "")
    if found is None:
        return None
    start = int(found.group(1))
    return f"{start}-{(start + 1) % 100:02d}"


def _collection(
    given: Collection | str | None, pupils: list[Pupil], year: str | None, late: CTFError | None
) -> tuple[Collection | None, str]:
    """The collection, and how it was found (or why not)."""
    if isinstance(given, Collection):
        return given, "collection chosen by hand"
    kind, how = (given, "collection given") if given else (_infer(pupils, year), "from results")
    if kind is None:
        if late is not None and not pupils:
            return None, _unreadable(late)
        return None, (
            "No collection can be told from the pupils' results (there are none we know). "
            "Attribute it by hand, or import it again naming the collection."
        )
    windows = list(Collection.objects.filter(kind=kind))
    if year is not None:
        window = next((w for w in windows if w.academic_year == year), None)
        if window is None:
            return None, f"There is no {kind} collection for {year} in Keystage."
        return window, how
    # No year in the header: only a collection open now can be meant.
    open_now = [w for w in windows if w.is_open(today())]
    if len(open_now) != 1:
        return None, (
            f"The header gives no academic year, and there is not exactly one {kind} "
            "collection open now. Attribute it by hand."
        )
    return open_now[0], how


def _infer(pupils: list[Pupil], year: str | None) -> str | None:
    codeset = codeset_for(year or "")
    votes = Counter(kind for p in pupils if (kind := infer_collection(p, codeset)))
    return votes.most_common(1)[0][0] if votes else None


def _school_name(school: School) -> str:
    return f"{school.name} ({school.laestab})"


# --- importing -------------------------------------------------------------------------------


def import_file(
    source: str | os.PathLike[str] | UploadedFile[bytes],
    *,
    channel: str = Submission.Channel.IMPORT,
    collection: Collection | str | None = None,
    user: User | None = None,
    request: HttpRequest | None = None,
) -> ImportOutcome:
    """Attributes one file and receives it as a new version, or keeps it as unattributed."""
    if isinstance(source, UploadedFile):
        outcome = _import(source, channel, collection, user, request)
    else:
        path = Path(source)
        try:
            raw = path.open("rb")  # closed below, once the file is dealt with
        except OSError as problem:
            said = problem.strerror or str(problem)
            outcome = ImportOutcome(path.name, "unreadable", f"could not be opened ({said}); "
                                    "left where it is")  # fmt: skip
        else:
            with raw:
                size = os.fstat(raw.fileno()).st_size
                upload: UploadedFile[bytes] = UploadedFile(
                    file=raw, name=path.name, content_type="application/xml", size=size
                )
                outcome = _import(upload, channel, collection, user, request)
    _audit(outcome, channel, user, request)
    return outcome


def _import(
    upload: UploadedFile[bytes],
    channel: str,
    collection: Collection | str | None,
    user: User | None,
    request: HttpRequest | None,
) -> ImportOutcome:
    name = upload.name or ""
    sha256 = _digest(upload)
    found = attribute(upload, collection=collection)
    if not found.attributed:
        return keep_unattributed(upload, sha256, found.reason, channel=channel, user=user)
    assert found.school is not None and found.collection is not None
    school, window = found.school, found.collection
    earlier = (
        Submission.objects.filter(school=school, collection=window, sha256=sha256)
        .order_by("version")
        .first()
    )
    if earlier is not None:
        return ImportOutcome(
            name, "skipped", f"skipped: already received as version {earlier.version} of "
            f"{window.short_name} for {_school_name(school)}", submission=earlier,
        )  # fmt: skip
    turned_away = _refused_before(school, window, sha256)
    if turned_away is not None:
        return ImportOutcome(
            name, "skipped", f"skipped: already refused as refused upload {turned_away.number} "
            f"of {window.short_name} for {_school_name(school)}", refused=turned_away,
        )  # fmt: skip
    held = active_lock(window, school)
    if held is not None:
        reason = (
            f"The header names {_school_name(school)}, but {window.short_name} is locked"
            + ("" if held.school_id is None else " for that school")
            + ". Unlock it, then attribute this file by hand."
        )
        return keep_unattributed(upload, sha256, reason, channel=channel, user=user)
    try:
        stored = receive(
            school=school, collection=window, upload=_named_as_xml(upload), user=user,
            channel=channel, request=request,
        )  # fmt: skip
    except FileRefusedError as refused:  # whose it is, the header said: kept as the school's
        kept = refused.kept
        return ImportOutcome(
            name, "refused", f"{found.reason}: not accepted, kept as refused upload "
            f"{kept.number}. {refusals.why(kept)}", refused=kept,
        )  # fmt: skip
    except UploadRefusedError as refused:
        reason = f"The header names {_school_name(school)} ({window.short_name}). {refused}"
        return keep_unattributed(upload, sha256, reason, channel=channel, user=user)
    # An earlier copy kept while the collection was locked is now dealt with.
    UnattributedFile.objects.filter(sha256=sha256, resolved_as__isnull=True).update(
        resolved_as=stored
    )
    return ImportOutcome(
        name, "received", f"{found.reason}: version {stored.version}", submission=stored
    )


def _refused_before(school: School, window: Collection, sha256: str) -> RefusedUpload | None:
    return (
        RefusedUpload.objects.filter(school=school, collection=window, sha256=sha256)
        .order_by("number")
        .first()
    )


def _digest(upload: UploadedFile[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _named_as_xml(upload: UploadedFile[bytes]) -> UploadedFile[bytes]:
    """Transfer tools rename files (".XML.pgp.out", ".txt"); receive() takes only ".xml" names,
    to stop a school picking the wrong file. Here the header has been read, so it is XML.
    """
    name = upload.name or "ctf"
    if name.lower().endswith(".xml"):
        return upload
    upload.seek(0)
    return UploadedFile(
        file=upload.file, name=f"{name[:250]}.xml", content_type="application/xml",
        size=upload.size,
    )  # fmt: skip


def keep_unattributed(
    upload: UploadedFile[bytes], sha256: str, reason: str, *, channel: str, user: User | None
) -> ImportOutcome:
    """Stores the file for the data team; the same bytes already kept are not kept twice."""
    name = upload.name or ""
    earlier = UnattributedFile.objects.filter(sha256=sha256).order_by("received_at").first()
    if earlier is not None:
        said = f"received {timezone.localtime(earlier.received_at):%-d %B %Y}"
        return ImportOutcome(
            name, "skipped", f"skipped: already in the list of files not attributed ({said})",
            unattributed=earlier,
        )  # fmt: skip
    kept = UnattributedFile(
        original_name=name[:255], sha256=sha256, size=upload.size or 0, channel=channel,
        reason=reason, received_at=clock.now(), received_by=user,
    )  # fmt: skip
    upload.seek(0)
    kept.file.save(f"{sha256[:16]}.dat", upload, save=False)  # never the sender's name
    try:
        kept.save()
    except BaseException:
        if kept.file.name:
            kept.file.storage.delete(kept.file.name)
        raise
    return ImportOutcome(name, "unattributed", f"not attributed: {reason}", unattributed=kept)


def attribute_by_hand(
    kept: UnattributedFile,
    *,
    school: School,
    collection: Collection,
    user: User,
    request: HttpRequest | None = None,
) -> Submission:
    """The data team says whose file it is: received as a new version (channel "import").

    Raises UploadRefusedError (a lock, an empty file, ...) with a message to show.
    """
    held = active_lock(collection, school)
    if held is not None:
        raise UploadRefusedError(
            f"{collection.short_name} is locked for "
            + ("every school" if held.school_id is None else school.name)
            + ". Unlock it first if this file should be the school's next version."
        )
    with transaction.atomic():
        kept = UnattributedFile.objects.select_for_update().get(pk=kept.pk)
        if kept.resolved_as_id is not None:
            raise UploadRefusedError("This file has already been attributed.")
        earlier = (
            Submission.objects.filter(school=school, collection=collection, sha256=kept.sha256)
            .order_by("version")
            .first()
        )
        with kept.file.open("rb") as raw:
            upload: UploadedFile[bytes] = UploadedFile(
                file=raw, name=kept.original_name or "ctf.xml",
                content_type="application/xml", size=kept.size,
            )  # fmt: skip
            # A file the data team placed wrongly is refused with nothing kept: it stays here.
            stored = earlier or receive(
                school=school, collection=collection, upload=_named_as_xml(upload), user=user,
                channel=Submission.Channel.IMPORT, request=request, keep_refused=False,
            )  # fmt: skip
        kept.resolved_as = stored
        kept.save(update_fields=["resolved_as"])
        record(
            Action.IMPORT,
            f"attributed {kept.original_name} by hand to {_school_name(school)}, "
            f"{collection.short_name}: version {stored.version}",
            request=request, actor=user, school=school, collection=collection,
            file=kept.original_name, sha256=kept.sha256, unattributed=kept.pk,
            submission=stored.pk, outcome="received" if earlier is None else "skipped",
        )  # fmt: skip
    return stored


def _audit(
    outcome: ImportOutcome, channel: str, user: User | None, request: HttpRequest | None
) -> None:
    stored = outcome.submission
    owner = stored or outcome.refused
    record(
        Action.IMPORT,
        f"imported {outcome.name}: {outcome.message}",
        request=request, actor=user,
        school=owner.school if owner else None,
        collection=owner.collection if owner else None,
        file=outcome.name, outcome=outcome.result, channel=channel,
        submission=stored.pk if stored else None,
        unattributed=outcome.unattributed.pk if outcome.unattributed else None,
        refused=outcome.refused.pk if outcome.refused else None,
    )  # fmt: skip
