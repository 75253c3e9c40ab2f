"""The pupils behind the figures: each school's current version (for KS2 from 2026, the NCA
Portal's results: keystage.web.submissions.sources), less the pupils the data team
assigned to another school. Measures themselves are the pure core's (keystage.measures).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from keystage.codesets import codeset_for
from keystage.ctf.model import Pupil, pupil_from_dict
from keystage.measures import Measure, compute
from keystage.web.models import Collection, PupilRecord, School
from keystage.web.moderation import judgements as moderation
from keystage.web.submissions.locks import locked_school_ids
from keystage.web.submissions.sources import current_filter
from keystage.web.workspace.shared_pupils import excluded_records


def current_records(collection: Collection, school: School | None = None) -> Iterator[PupilRecord]:
    """The records the figures are made from, with the KS2 judgements that stand after
    moderation and appeals in place of the school's (keystage.web.moderation.judgements)."""
    judgements = moderation.judgements_for(collection, school)
    codeset = codeset_for(collection.academic_year) if judgements else None
    rows = PupilRecord.objects.filter(
        current_filter(collection, "submission__"), submission__collection=collection
    ).select_related("submission")
    if school is not None:
        rows = rows.filter(submission__school=school)
    left_out = excluded_records(collection)
    for row in rows.order_by("submission__school_id", "id").iterator(chunk_size=2000):
        if (row.submission.school_id, row.upn) not in left_out:
            yield moderation.overlay(row, judgements, codeset) if codeset else row


def pupils(collection: Collection, school: School | None = None) -> list[Pupil]:
    return [pupil_from_dict(row.data) for row in current_records(collection, school)]


def measures_for(collection: Collection, school: School | None = None) -> list[Measure]:
    """The headline figures for one school, or (no school) the whole LA."""
    return compute(
        pupils(collection, school), collection.kind, codeset_for(collection.academic_year)
    )


def fingerprint(collection: Collection, school: School) -> str:
    """Changes whenever the data behind a school's report change (a new version, a decision)."""
    digest = hashlib.sha256()
    for row in current_records(collection, school):
        digest.update(f"{row.submission_id}:{row.upn};".encode())
    digest.update(moderation.state(collection, school).encode())  # "" (no change) outside KS2
    return digest.hexdigest()


def la_schools(collection: Collection) -> tuple[set[int] | None, bool]:
    """The schools the LA's own figures are made from, and whether they are provisional.

    Once the data team locks the collection, or any school in it, the figures are made from the
    locked data only; before any lock, from every school's current version, marked provisional.
    None stands for every school.
    """
    whole, one_by_one = locked_school_ids(collection)
    if whole:
        return None, False
    if one_by_one:
        return one_by_one, False
    return None, True


def la_pupils(collection: Collection, kind: str | None = None) -> tuple[list[Pupil], bool]:
    """The LA's pupils for its own figures (see la_schools), and whether they are provisional;
    with `kind` (School.Kind), only the schools' or the PVI settings' pupils."""
    chosen, provisional = la_schools(collection)
    if kind is not None:
        of_kind = set(School.objects.filter(kind=kind).values_list("pk", flat=True))
        chosen = of_kind if chosen is None else chosen & of_kind
    rows = current_records(collection)
    found = [
        pupil_from_dict(r.data) for r in rows if chosen is None or r.submission.school_id in chosen
    ]
    return found, provisional
