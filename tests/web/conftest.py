"""Portal fixtures: a small synthetic LA on disk, its schools and accounts, an open KS1 window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

# Re-exported for the tests here, which import their helpers from conftest.
from portal_support import run_tasks, with_bad_result, with_old_pupil  # noqa: F401

from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.ctf.writer import to_bytes
from keystage.synth import write_la
from keystage.web.models import Collection, Role, School, User
from keystage.web.register import load_register

PASSWORD = "correct-horse-battery-1"


@pytest.fixture(scope="session")
def la_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("la")
    write_la(out=folder, la="330", schools=3, collection="ALL", seed=7)
    return folder


@pytest.fixture
def schools(db: None, la_folder: Path) -> list[School]:
    load_register(la_folder / "schools.csv")
    found = list(School.objects.order_by("laestab"))
    for school in found:
        make_user(school.urn, Role.HEAD, school=school, email=school.main_email)
    return found


def make_user(username: str, role: str, *, school: School | None = None, **extra: object) -> User:
    user = User(username=username, role=role, school=school, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


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


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


@pytest.fixture
def head_a(school_a: School) -> Client:
    return signed_in(User.objects.get(username=school_a.urn))


def ctf_path(la_folder: Path, school: School, kind: str = "KS1") -> Path:
    return next((la_folder / kind).glob(f"{school.laestab}_*.xml"))


def ctf_bytes(
    la_folder: Path,
    school: School,
    kind: str = "KS1",
    change: Callable[[list[Pupil]], Iterable[Pupil]] | None = None,
) -> bytes:
    """A school's clean synthetic file, with an optional change to its pupils."""
    path = ctf_path(la_folder, school, kind)
    if change is None:
        return path.read_bytes()
    with read_ctf(path) as reader:
        header, pupils = reader.header, list(reader)
    return to_bytes(header, change(pupils))


def upload(client: Client, collection: Collection, content: bytes, name: str = "ks1.xml") -> object:
    return client.post(
        f"/collections/{collection.pk}/",
        {"file": SimpleUploadedFile(name, content, content_type="text/xml")},
    )
