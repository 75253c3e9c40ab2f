"""Which of the checks' queries a school has answered: the one rule behind the school's state,
every "not yet answered" count and each query's "Answered" tag.

An answer belongs to the school, the collection, the pupil (UPN) and the check's code, not to a
version: the same query in the next version keeps its answer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.db import IntegrityError

from keystage.web.common import clock
from keystage.web.models import Answer, FindingRecord, Submission, User

Key = tuple[int, str, str]  # school id, UPN ("" for the file), check code


def answers_in(collection_id: int, school_ids: Iterable[int]) -> dict[Key, Answer]:
    found = Answer.objects.filter(collection_id=collection_id, school_id__in=list(school_ids))
    return {(a.school_id, a.upn, a.code): a for a in found}


def answer_to(row: FindingRecord, school_id: int, answers: dict[Key, Answer]) -> Answer | None:
    return answers.get((school_id, row.upn, row.code))


def unanswered_counts(versions: Iterable[Submission]) -> dict[int, int]:
    """How many of each version's queries have no answer, by version id (versions of one
    collection). Two database queries however many versions."""
    with_queries = [v for v in versions if v.queries]
    if not with_queries:
        return {}
    school_of = {v.pk: v.school_id for v in with_queries}
    answers = answers_in(with_queries[0].collection_id, set(school_of.values()))
    counts = dict.fromkeys(school_of, 0)
    rows = FindingRecord.objects.filter(submission_id__in=list(school_of), severity="query")
    for version_id, upn, code in rows.values_list("submission_id", "upn", "code"):
        if (school_of[version_id], upn, code) not in answers:
            counts[version_id] += 1
    return counts


def save_answer(version: Submission, *, upn: str, code: str, text: str, by: User) -> bool:
    """The school's explanation of one of the version's queries; False when the version has no
    such query. Two people answering at the same moment: the first answer stands."""
    if not version.finding_set.filter(severity="query", upn=upn, code=code).exists():
        return False
    given = {"text": text, "answered_by": by, "answered_at": clock.now()}
    with contextlib.suppress(IntegrityError):
        Answer.objects.update_or_create(
            school=version.school, collection=version.collection, upn=upn, code=code,
            defaults=given, create_defaults={**given, "first_submission": version},
        )  # fmt: skip
    return True
