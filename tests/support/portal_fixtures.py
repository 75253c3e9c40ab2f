"""Portal fixtures shared by the web and fault tests: a small synthetic LA on disk, its schools
and accounts, an open KS1 window. Each conftest imports them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from portal_support import make_user, signed_in

from keystage.synth import write_la
from keystage.web.models import Collection, Role, School, User
from keystage.web.schools.register import apply, load_register


@pytest.fixture(scope="session")
def la_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("la")
    write_la(out=folder, la="330", schools=3, collection="ALL", seed=7)
    return folder


@pytest.fixture
def schools(db: None, la_folder: Path) -> list[School]:
    apply(load_register(la_folder / "schools.csv"))
    found = list(School.objects.order_by("laestab"))
    for school in found:
        make_user(school.urn, Role.HEAD, school=school, email=school.main_email)
    return found


@pytest.fixture
def school_a(schools: list[School]) -> School:
    return schools[0]


@pytest.fixture
def school_b(schools: list[School]) -> School:
    return schools[1]


@pytest.fixture
def ks1(db: None) -> Collection:
    today = timezone.localdate()
    return Collection.objects.create(
        kind="KS1", academic_year="2025-26", opens=today - dt.timedelta(days=20),
        deadline=today + dt.timedelta(days=7), closes=today + dt.timedelta(days=21),
    )  # fmt: skip


@pytest.fixture
def head_a(school_a: School) -> Client:
    return signed_in(User.objects.get(username=school_a.urn))


@pytest.fixture
def head_b(school_b: School) -> Client:
    return signed_in(User.objects.get(username=school_b.urn))


@pytest.fixture
def officer(db: None) -> User:
    """A data team member who has set up two-factor sign-in (the LA's pages require it)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    person = make_user("data.officer", Role.LA_DATA, email="data.officer@la.example")
    TOTP.activate(person, generate_totp_secret())
    return person


@pytest.fixture
def la_client(officer: User) -> Client:
    return signed_in(officer)
