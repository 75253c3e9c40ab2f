"""A school user can never see or touch another school's objects, by any URL.

The test walks every URL pattern of the portal. Each object a pattern can take is named by its
keyword; each keyword is mapped to another school's object. A new view with a keyword not in
the map fails here until someone says whose object it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from portal_builders import (
    PDF,
    make_appeal,
    make_confirmation,
    make_evidence,
    make_head,
    make_moderation,
    make_moderation_round,
    make_officer,
    make_report,
    make_staff,
    make_unattributed,
    make_window,
)
from portal_support import ctf_bytes, run_tasks, signed_in, upload
from portal_world import portal_patterns
from setting_support import make_setting, post_template, setting_template

from keystage.web.models import (
    CodeTable,
    Collection,
    JudgementChange,
    ModeratedSchool,
    NcaImport,
    RefusedUpload,
    School,
    Submission,
    User,
)
from keystage.web.submissions.nca import import_download
from keystage.web.workspace.la_queries import raise_query

# Keywords of school-owned objects; of objects every school shares; of the data team's pages.
SCHOOL_OWNED = {"submission_id", "user_id", "query_id", "report_id", "moderation_id",
                "change_id", "appeal_id", "evidence_id", "refused_id"}  # fmt: skip
SHARED = {"collection_id", "year"}
LA_ONLY = {"school_id", "upn", "file_id", "table_id", "import_id"}


@pytest.fixture
def other_school(
    school_a: School, school_b: School, ks1: Collection, la_folder: Path
) -> dict[str, object]:
    """School B's things: a checked version with pupils, signed, a file refused at upload, a
    staff account, a data-team query."""
    head_b = signed_in(User.objects.get(username=school_b.urn))
    upload(head_b, ks1, ctf_bytes(la_folder, school_b))
    upload(head_b, ks1, ctf_bytes(la_folder, school_a), name="a.xml")  # school A's: refused
    run_tasks()
    version = Submission.objects.get(school=school_b)
    make_confirmation(version, signer_name="Bea Bsignatory")  # its signed form (PDF) too
    refused = RefusedUpload.objects.get(school=school_b)
    staff = make_staff(school_b, "staff.b@example.org")
    pupil = version.pupil_set.first()
    assert pupil is not None
    officer = make_officer("officer.b")
    query = raise_query(school=school_b, collection=ks1, by=officer, subject="About B", body="?")
    unattributed = make_unattributed()
    report = make_report(school_b, ks1, made_from=version)
    moderated = _moderation_of(school_b)
    nca = _nca_import_of(school_b, la_folder)
    table = CodeTable.objects.create(academic_year="2027-28", toml_text="", sha256="0" * 64,
                                     uploaded_at=timezone.now())  # fmt: skip
    return {
        "table_id": table.pk,
        "import_id": nca.pk,
        "moderation_id": moderated.pk,
        "change_id": moderated.changes.get().pk,
        "appeal_id": moderated.appeal.pk,
        "evidence_id": moderated.appeal.evidence.get().pk,
        "report_id": report.pk,
        "submission_id": version.pk,
        "refused_id": refused.pk,
        "user_id": staff.pk,
        "query_id": query.pk,
        "school_id": school_b.pk,
        "upn": pupil.upn,
        "file_id": unattributed.pk,
        "collection_id": ks1.pk,
        "year": "2025-26",
        "la_folder": str(la_folder),
        "markers": [
            school_b.name,
            school_b.laestab,
            pupil.upn,
            pupil.surname,
            staff.username,
            "Bea Bsignatory",
        ],
    }


def _moderation_of(school: School) -> ModeratedSchool:
    """The school's KS2 moderation, told, with a changed judgement, an appeal and its evidence."""
    today = timezone.localdate()
    ks2 = make_window("KS2")
    make_moderation_round(ks2, appeal_opens=today, appeal_closes=today)
    moderated = make_moderation(school, ks2, moderator="M", visit_date=today, outcome="accurate",
                                letter=PDF)  # fmt: skip
    JudgementChange.objects.create(
        moderated=moderated, upn="A123456789012", role="ks2_writing_ta", school_judgement="EXS",
        moderated_judgement="WTS", recorded_at=timezone.now(),
    )  # fmt: skip
    make_evidence(make_appeal(moderated))
    return moderated


def _nca_import_of(school: School, la_folder: Path) -> NcaImport:
    """The NCA Portal's KS2 results for the school, imported by the LA into the KS2 window."""
    ks2 = Collection.objects.get(kind="KS2")
    download = SimpleUploadedFile("nca.xml", ctf_bytes(la_folder, school, "KS2"))
    made = import_download(ks2, download, user=None)
    assert made.versions.get().school == school
    return made


def url_for(route: str, values: dict[str, object]) -> str:
    path = "/" + route
    for name in [*SCHOOL_OWNED, *SHARED, *LA_ONLY]:
        for converter in ("int", "str"):
            path = path.replace(f"<{converter}:{name}>", str(values[name]))
    assert "<" not in path, f"{route}: a keyword the isolation test does not know; add it"
    return path


def test_every_portal_pattern_is_known_to_this_test() -> None:
    for route, pattern in portal_patterns():
        keywords = set(pattern.pattern.converters)
        unknown = keywords - SCHOOL_OWNED - SHARED - LA_ONLY
        assert not unknown, f"{route} takes {unknown}: say whose object it is in this test"
        if keywords & LA_ONLY:
            assert route.startswith("la/"), f"{route}: only the data team's pages take these"


def test_a_school_user_gets_404_for_every_other_school_object(
    other_school: dict[str, object], school_a: School
) -> None:
    _walk(signed_in(User.objects.get(username=school_a.urn)), other_school)


def test_a_settings_user_gets_404_for_every_schools_object(
    other_school: dict[str, object], eyfsp: Collection
) -> None:
    """A PVI setting's user (an account like a head's, its username the EY URN) is held to
    the same rule: nothing of a school's."""
    setting = make_setting()
    make_head(setting, email=setting.head_email)
    _walk(signed_in(User.objects.get(username=setting.urn)), other_school)


def test_a_school_user_gets_404_for_every_settings_object(
    other_school: dict[str, object], school_a: School, eyfsp: Collection
) -> None:
    """And the other way: a setting's version, refused upload, staff, query and report are
    out of a school's reach as another school's are."""
    setting = make_setting()
    account = make_head(setting, email=setting.head_email)
    client = signed_in(account)
    post_template(client, eyfsp, setting_template(setting, eyfsp))
    upload(client, eyfsp, ctf_bytes(Path(str(other_school["la_folder"])), school_a, "EYFSP"),
           name="a.xml")  # fmt: skip
    run_tasks()
    version = Submission.objects.get(school=setting)
    pupil = version.pupil_set.first()
    assert pupil is not None
    staff = make_staff(setting, "staff.setting@example.org")
    query = raise_query(school=setting, collection=eyfsp, by=make_officer("officer.s"),
                        subject="About the setting", body="?")  # fmt: skip
    theirs = other_school | {
        "submission_id": version.pk, "refused_id": RefusedUpload.objects.get(school=setting).pk,
        "user_id": staff.pk, "query_id": query.pk,
        "report_id": make_report(setting, eyfsp, made_from=version).pk,
        "school_id": setting.pk, "upn": pupil.upn, "collection_id": eyfsp.pk,
        "markers": [setting.name, setting.urn, pupil.surname, staff.username],
    }  # fmt: skip
    _walk(signed_in(User.objects.get(username=school_a.urn)), theirs)


def _walk(client: Client, theirs: dict[str, object]) -> None:
    markers = [str(m) for m in theirs["markers"]]  # type: ignore[attr-defined]
    checked = 0
    for route, pattern in portal_patterns():
        keywords = set(pattern.pattern.converters)
        url = url_for(route, theirs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            body = response.content.decode(errors="replace")
            leaked = [m for m in markers if m in body]
            assert not leaked, f"{method.upper()} {url} shows the other provider's {leaked}"
            if keywords & SCHOOL_OWNED or route.startswith("la/"):
                assert response.status_code == 404, f"{method.upper()} {url}"
                checked += 1
            else:
                assert response.status_code in (200, 302, 400, 404, 405), f"{method} {url}"
    assert checked >= 24  # the walk found the school-owned and data-team patterns


def test_every_data_team_page_refuses_school_users(
    other_school: dict[str, object], school_a: School
) -> None:
    for user in (User.objects.get(username=school_a.urn),
                 make_staff(school_a, can_sign=True)):  # fmt: skip
        client = signed_in(user)
        for route, _ in portal_patterns():
            if route.startswith("la/"):
                for method in ("get", "post"):
                    url = url_for(route, other_school)
                    assert getattr(client, method)(url).status_code == 404, f"{method} {url}"


def test_signed_out_users_are_sent_to_sign_in(other_school: dict[str, object]) -> None:
    anonymous = Client()
    for route, _ in portal_patterns():
        if route.startswith(("codes/", "accessibility/", "privacy/")):
            continue  # the code tables and the statements are public
        response = anonymous.get(url_for(route, other_school))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], route


def test_staff_of_one_school_cannot_manage_anothers(
    other_school: dict[str, object], school_a: School
) -> None:
    head_a = signed_in(User.objects.get(username=school_a.urn))
    staff_id = other_school["user_id"]
    head_a.post(f"/people/{staff_id}/", {"can_sign": "on", "active": "on"})
    assert not User.objects.get(pk=staff_id).can_sign
