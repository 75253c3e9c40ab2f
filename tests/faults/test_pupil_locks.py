"""The storing transaction's locks (cross_school.lock_pupils), on PostgreSQL: a version sharing
a pupil with one being stored waits for it; a version sharing none is stored beside it, which
is what lets several workers check a collection at once. Each case holds one school's locks in
a second connection (a thread) while this one tries its own with a short lock timeout."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, transaction
from portal_builders import make_pupil_record, make_submission

from keystage.web.models import Collection, School, Submission
from keystage.web.submissions import cross_school

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="advisory locks: SQLite stores one at a time"
    ),
]

UPN_A = ["A123456789012", "A123456789013"]
UPN_B = ["B123456789012"]


@contextmanager
def held_by_another(school: School, collection: Collection, upns: list[str]) -> Iterator[None]:
    """`school`'s locks for `upns`, taken and held in another connection until the block ends."""
    taken, done = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                cross_school.lock_pupils(Submission(school=school, collection=collection), upns)
                taken.set()
                done.wait(30)
        except BaseException as error:  # reported in the test's own thread
            failed.append(error)
            taken.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert taken.wait(30) and not failed, failed
        yield
    finally:
        done.set()
        thread.join(30)


def takes_at_once(
    school: School, collection: Collection, upns: list[str], lock: str = "pupils"
) -> bool:
    """True when this connection takes its locks without waiting (a 300 ms lock timeout)."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            if lock == "collection":
                cross_school.lock_collection(collection)
            else:
                cross_school.lock_pupils(Submission(school=school, collection=collection), upns)
        return True
    except OperationalError as error:
        assert "lock timeout" in str(error)
        return False


def test_a_version_sharing_no_pupil_is_stored_beside_another(
    school_a: School, school_b: School, ks1: Collection
) -> None:
    with held_by_another(school_a, ks1, UPN_A):
        assert takes_at_once(school_b, ks1, UPN_B)


def test_a_version_sharing_a_pupil_waits(
    school_a: School, school_b: School, ks1: Collection
) -> None:
    with held_by_another(school_a, ks1, UPN_A):
        assert not takes_at_once(school_b, ks1, [*UPN_B, UPN_A[1]])


def test_a_pupil_in_the_schools_current_version_is_locked_too(
    school_a: School, school_b: School, ks1: Collection
) -> None:
    """The new version drops a pupil its school sent before: the other school holding that
    pupil has its finding refreshed, so the dropped pupil is locked as well."""
    make_pupil_record(make_submission(school_b, ks1, checked=True), upn=UPN_A[0])
    with held_by_another(school_a, ks1, UPN_A):
        assert not takes_at_once(school_b, ks1, UPN_B)


def test_one_school_stores_one_version_at_a_time(school_a: School, ks1: Collection) -> None:
    with held_by_another(school_a, ks1, UPN_A):
        assert not takes_at_once(school_a, ks1, ["C123456789012"])


def test_a_file_of_more_pupils_than_the_lock_table_holds_takes_the_collection(
    school_a: School, school_b: School, ks1: Collection
) -> None:
    many = [f"Z{n:012d}" for n in range(cross_school.MOST_PUPIL_LOCKS + 1)]
    with held_by_another(school_a, ks1, many):
        assert not takes_at_once(school_b, ks1, UPN_B)
    with held_by_another(school_a, ks1, UPN_A):
        assert not takes_at_once(school_b, ks1, many)


def test_the_retention_purge_waits_for_versions_being_stored(
    school_a: School, ks1: Collection
) -> None:
    with held_by_another(school_a, ks1, UPN_A):
        assert not takes_at_once(school_a, ks1, [], lock="collection")
    assert takes_at_once(school_a, ks1, [], lock="collection")
