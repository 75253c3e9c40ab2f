"""The pupils behind the figures: each school's current version, less the pupils the data team
assigned to another school. Measures themselves are the pure core's (keystage.measures).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from keystage.ctf.model import Pupil, pupil_from_dict
from keystage.measures import Measure, compute
from keystage.web.models import Collection, PupilRecord, School
from keystage.web.moving import excluded_records
from keystage.web.processing import codeset_for


def current_records(collection: Collection, school: School | None = None) -> Iterator[PupilRecord]:
    rows = PupilRecord.objects.filter(
        submission__collection=collection, submission__is_current=True
    ).select_related("submission")
    if school is not None:
        rows = rows.filter(submission__school=school)
    left_out = excluded_records(collection)
    for row in rows.order_by("submission__school_id", "id").iterator(chunk_size=2000):
        if (row.submission.school_id, row.upn) not in left_out:
            yield row


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
    return digest.hexdigest()
