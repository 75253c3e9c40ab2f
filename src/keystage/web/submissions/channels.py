"""Files from other channels (secure transfer, the data team's own uploads).

Each file is attributed to its school by the CTF header and to a collection by its results
(keystage.web.submissions.attribution), then received exactly like a school's upload (stored,
versioned, checked by the worker). A file that cannot be attributed is kept as an
UnattributedFile and listed for the data team: never dropped (unattributed). Importing the same
bytes again is a no-op, so a folder can be imported twice.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils import timezone

from keystage.web.common.audit import Action, record
from keystage.web.models import (
    Collection,
    Lock,
    RefusedUpload,
    School,
    Submission,
    UnattributedFile,
    User,
)
from keystage.web.submissions import refusals, unattributed
from keystage.web.submissions.attribution import Attribution, as_xml, attribute
from keystage.web.submissions.locks import active_lock
from keystage.web.submissions.uploads import FileRefusedError, UploadRefusedError, receive


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
    sha256 = _digest(upload)
    found = attribute(upload, collection=collection)
    if found.school is None or found.collection is None:
        return _keep(upload, sha256, found.reason, channel, user)
    school, window = found.school, found.collection
    seen = _seen_before(upload.name or "", school, window, sha256)
    if seen is not None:
        return seen
    held = active_lock(window, school)
    if held is not None:
        return _keep(upload, sha256, _locked(school, window, held), channel, user)
    return _receive(upload, found, sha256, channel, user, request)


def _seen_before(
    name: str, school: School, window: Collection, sha256: str
) -> ImportOutcome | None:
    """Skipped: the same bytes already received as a version, or refused, for the school."""
    earlier = (
        Submission.objects.filter(school=school, collection=window, sha256=sha256)
        .order_by("version")
        .first()
    )
    if earlier is not None:
        return ImportOutcome(
            name, "skipped", f"skipped: already received as version {earlier.version} of "
            f"{window.short_name} for {school.reference}", submission=earlier,
        )  # fmt: skip
    turned_away = _refused_before(school, window, sha256)
    if turned_away is not None:
        return ImportOutcome(
            name, "skipped", f"skipped: already refused as refused upload {turned_away.number} "
            f"of {window.short_name} for {school.reference}", refused=turned_away,
        )  # fmt: skip
    return None


def _locked(school: School, window: Collection, held: Lock) -> str:
    return (
        f"The header names {school.reference}, but {window.short_name} is locked"
        + ("" if held.school_id is None else " for that school")
        + ". Unlock it, then attribute this file by hand."
    )


def _receive(
    upload: UploadedFile[bytes], found: Attribution, sha256: str, channel: str,
    user: User | None, request: HttpRequest | None,
) -> ImportOutcome:  # fmt: skip
    name = upload.name or ""
    assert found.school is not None and found.collection is not None
    school, window = found.school, found.collection
    try:
        stored = receive(
            school=school, collection=window, upload=as_xml(upload), user=user,
            channel=channel, request=request,
        )  # fmt: skip
    except FileRefusedError as refused:  # whose it is, the header said: kept as the school's
        kept = refused.kept
        return ImportOutcome(
            name, "refused", f"{found.reason}: not accepted, kept as refused upload "
            f"{kept.number}. {refusals.why(kept)}", refused=kept,
        )  # fmt: skip
    except UploadRefusedError as refused:
        reason = f"The header names {school.reference} ({window.short_name}). {refused}"
        return _keep(upload, sha256, reason, channel, user)
    unattributed.resolved(sha256, stored)
    return ImportOutcome(
        name, "received", f"{found.reason}: version {stored.version}", submission=stored
    )


def _keep(
    upload: UploadedFile[bytes], sha256: str, reason: str, channel: str, user: User | None
) -> ImportOutcome:
    """Kept for the data team; the same bytes already kept are not kept twice."""
    name = upload.name or ""
    earlier = unattributed.kept_before(sha256)
    if earlier is not None:
        said = f"received {timezone.localtime(earlier.received_at):%-d %B %Y}"
        return ImportOutcome(
            name, "skipped", f"skipped: already in the list of files not attributed ({said})",
            unattributed=earlier,
        )  # fmt: skip
    kept = unattributed.keep(upload, sha256, reason, channel=channel, user=user)
    return ImportOutcome(name, "unattributed", f"not attributed: {reason}", unattributed=kept)


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
