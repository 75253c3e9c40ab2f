"""Files no school could be found for: kept for the data team (never dropped, never twice), and
attributed by hand once the data team knows whose they are."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest

from keystage.web.common import clock
from keystage.web.common.audit import Action, record
from keystage.web.models import Collection, School, Submission, UnattributedFile, User
from keystage.web.submissions.attribution import as_xml
from keystage.web.submissions.locks import active_lock
from keystage.web.submissions.uploads import UploadRefusedError, receive


def kept_before(sha256: str) -> UnattributedFile | None:
    return UnattributedFile.objects.filter(sha256=sha256).order_by("received_at").first()


def keep(
    upload: UploadedFile[bytes], sha256: str, reason: str, *, channel: str, user: User | None
) -> UnattributedFile:
    """Stores the file under a name of our own, never the sender's, with why it is kept."""
    kept = UnattributedFile(
        original_name=(upload.name or "")[:255], sha256=sha256, size=upload.size or 0,
        channel=channel, reason=reason, received_at=clock.now(), received_by=user,
    )  # fmt: skip
    upload.seek(0)
    kept.file.save(f"{sha256[:16]}.dat", upload, save=False)
    try:
        kept.save()
    except BaseException:
        if kept.file.name:
            kept.file.storage.delete(kept.file.name)
        raise
    return kept


def resolved(sha256: str, stored: Submission) -> None:
    """An earlier copy kept while the collection was locked is now dealt with."""
    UnattributedFile.objects.filter(sha256=sha256, resolved_as__isnull=True).update(
        resolved_as=stored
    )


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
        stored = earlier or _receive(kept, school, collection, user, request)
        kept.resolved_as = stored
        kept.save(update_fields=["resolved_as"])
        record(
            Action.IMPORT,
            f"attributed {kept.original_name} by hand to {school.reference}, "
            f"{collection.short_name}: version {stored.version}",
            request=request, actor=user, school=school, collection=collection,
            file=kept.original_name, sha256=kept.sha256, unattributed=kept.pk,
            submission=stored.pk, outcome="received" if earlier is None else "skipped",
        )  # fmt: skip
    return stored


def _receive(
    kept: UnattributedFile, school: School, collection: Collection, user: User,
    request: HttpRequest | None,
) -> Submission:  # fmt: skip
    with kept.file.open("rb") as raw:
        upload: UploadedFile[bytes] = UploadedFile(
            file=raw, name=kept.original_name or "ctf.xml",
            content_type="application/xml", size=kept.size,
        )  # fmt: skip
        # A file the data team placed wrongly is refused with nothing kept: it stays here.
        return receive(
            school=school, collection=collection, upload=as_xml(upload), user=user,
            channel=Submission.Channel.IMPORT, request=request, keep_refused=False,
        )  # fmt: skip
