"""bulk.insert writes exactly what bulk_create would (COPY on PostgreSQL), awkward text too."""

from __future__ import annotations

import datetime as dt

import pytest
from portal_builders import make_submission

from keystage.web.common import bulk
from keystage.web.models import Collection, FindingRecord, PupilRecord, School

pytestmark = pytest.mark.django_db

AWKWARD = 'O\'Brien\t\\N \\ "quoted"\nnew line, Zoë, 日本, {braces}, \\.'


def test_pupils_and_findings_round_trip(school_a: School, ks1: Collection) -> None:
    stored = make_submission(school_a, ks1)
    data = {"upn": "A1", "text": AWKWARD, "list": [1, None, "x"], "nested": {"n": 1.5}}
    bulk.insert(
        [
            PupilRecord(submission=stored, upn="A1", surname=AWKWARD, forename="", data=data,
                        dob=dt.date(2019, 2, 28), sex="F", nc_year="2"),
            PupilRecord(submission=stored, upn="", surname="NULLS", forename="Ann", dob=None),
        ]
    )  # fmt: skip
    bulk.insert(
        [
            FindingRecord(submission=stored, code=f"CODE-{n}", severity="query", message=AWKWARD,
                          line=n or None)
            for n in range(3)
        ]
    )  # fmt: skip
    first, second = PupilRecord.objects.filter(submission=stored).order_by("surname")
    assert (second.surname, second.data, second.dob, second.sex, second.nc_year) == (
        AWKWARD, data, dt.date(2019, 2, 28), "F", "2",
    )  # fmt: skip
    assert (first.upn, first.dob, first.data) == ("", None, {})  # the field's default
    found = list(FindingRecord.objects.filter(submission=stored))  # ordered by id
    assert [(f.code, f.message, f.line) for f in found] == [
        ("CODE-0", AWKWARD, None), ("CODE-1", AWKWARD, 1), ("CODE-2", AWKWARD, 2),
    ]  # fmt: skip


def test_nothing_to_insert_is_no_query(django_assert_num_queries: object) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        bulk.insert([])
