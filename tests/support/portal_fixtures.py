"""Portal fixtures shared by the web and fault tests: a small synthetic LA on disk, its schools
and accounts, open KS1, EYFSP and phonics windows. Each conftest imports them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from portal_builders import head_of, make_head, make_officer, make_window
from portal_support import signed_in

from keystage.synth import write_la
from keystage.web.models import Collection, School, User
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
        make_head(school)
    return found


@pytest.fixture
def school_a(schools: list[School]) -> School:
    return schools[0]


@pytest.fixture
def school_b(schools: list[School]) -> School:
    return schools[1]


@pytest.fixture
def ks1(db: None) -> Collection:
    return make_window("KS1")


@pytest.fixture
def eyfsp(db: None) -> Collection:
    return make_window("EYFSP")


@pytest.fixture
def phon(db: None) -> Collection:
    return make_window("PHON")


@pytest.fixture
def head_a(school_a: School) -> Client:
    return signed_in(head_of(school_a))


@pytest.fixture
def head_b(school_b: School) -> Client:
    return signed_in(head_of(school_b))


@pytest.fixture
def officer(db: None) -> User:
    """A data team member who has set up two-factor sign-in (the LA's pages require it)."""
    return make_officer("data.officer")


@pytest.fixture
def la_client(officer: User) -> Client:
    return signed_in(officer)
