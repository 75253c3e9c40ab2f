"""A PVI setting sends its EYFSP: it signs in with its early years URN, fills its template (or
sends a CTF naming its EY URN), and gets the same checks with the funded window; a child also
in a school's return is a query that names neither; a setting and a school never reach each
other's things."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from openpyxl import load_workbook
from portal_builders import make_head
from portal_support import PASSWORD, ctf_bytes, ctf_path, run_tasks, signed_in, upload
from setting_support import children, make_setting, post_template, setting_template
from template_support import fill

from keystage import codesets
from keystage.codesets.funded import funded_window
from keystage.ctf.reader import read_all
from keystage.ctf.writer import to_bytes
from keystage.web.models import (
    Answer,
    Collection,
    FindingRecord,
    RefusedUpload,
    School,
    Submission,
    User,
)


@pytest.fixture
def setting(schools: list[School]) -> School:
    """Made after the register's schools and their heads (whose fixture makes a head for every
    provider it finds)."""
    found = make_setting()
    make_head(found, email="jo@littleacorns.example")
    return found


@pytest.fixture
def setting_user(setting: School) -> Client:
    return signed_in(User.objects.get(username=setting.urn))


def test_a_settings_user_signs_in_with_the_ey_urn(setting: School):
    client = Client()
    response = client.post("/accounts/login/", {"login": "512345", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.school == setting


def test_the_settings_template_names_it_by_its_ey_urn(setting_user: Client, eyfsp: Collection):
    response = setting_user.get(f"/collections/{eyfsp.pk}/template.xlsx")
    assert "512345-EYFSP-" in response["Content-Disposition"]
    about = load_workbook(io.BytesIO(response.content))["About"]
    facts = {row[0]: row[1] for row in about.iter_rows(min_row=3, max_row=4, values_only=True)}
    assert facts == {"Setting": "Little Acorns Nursery", "EY URN": "512345"}


def test_a_filled_template_is_checked_with_the_funded_window(
    setting: School, setting_user: Client, eyfsp: Collection
):
    pupils = children(setting, eyfsp, number=1)  # the demo's setting with a child born early
    assert (
        post_template(setting_user, eyfsp, setting_template(setting, eyfsp, pupils)).status_code
        == 302
    )
    run_tasks()
    version = Submission.objects.get(school=setting, collection=eyfsp)
    assert (version.status, version.pupils, version.errors) == ("checked", len(pupils), 0)
    [query] = FindingRecord.objects.filter(submission=version, code="DOB-RANGE")
    first, last = funded_window(2025)
    assert (
        "outside the funded window for this year's EYFSP (1 April 2021 to 31 August 2021)"
        in query.message
    )
    page = setting_user.get(f"/collections/{eyfsp.pk}/").content.decode()
    assert "outside the funded window" in page
    # the page leads with the template, the setting's main channel, and says the window
    assert 'id="setting-template"' in page and "born 1 April 2021 to 31 August 2021" in page
    assert "Upload your filled template or CTF" in page
    assert first == dt.date(2021, 4, 1) and last == dt.date(2021, 8, 31)


def test_a_settings_ctf_is_matched_on_the_ey_urn_it_carries(
    setting: School, setting_user: Client, eyfsp: Collection, la_folder: Path, school_a: School
):
    header, _ = read_all(ctf_path(la_folder, school_a, "EYFSP"))
    ours = dataclasses.replace(header.source, estab=None, urn=setting.urn, name=setting.name)
    content = to_bytes(dataclasses.replace(header, source=ours), children(setting, eyfsp))
    upload(setting_user, eyfsp, content, name="setting.xml")
    run_tasks()
    assert Submission.objects.get(school=setting).status == "checked"
    # the school's own CTF, sent by the setting, is refused: it names the school, not the setting
    upload(setting_user, eyfsp, ctf_bytes(la_folder, school_a, "EYFSP"), name="school.xml")
    refused = RefusedUpload.objects.get(school=setting)
    assert refused.code == "HDR-SCHOOL" and "(EY URN 512345)" in refused.message


def test_neither_sends_the_others_template(
    setting: School, setting_user: Client, head_a: Client, eyfsp: Collection, school_a: School
):
    theirs = setting_template(setting, eyfsp)
    post_template(head_a, eyfsp, theirs)  # a school sending the setting's template
    school_template = head_a.get(f"/collections/{eyfsp.pk}/template.xlsx").content
    # then the setting sending the school's template, filled with its own children
    schools = fill(school_template, children(setting, eyfsp), "EYFSP", codesets.load("2025-26"))
    post_template(setting_user, eyfsp, schools)
    run_tasks()
    refusals = {r.school_id: r.code for r in RefusedUpload.objects.all()}
    versions = Submission.objects.filter(status="refused")
    codes = {v.school_id: v.finding_set.get().code for v in versions}
    assert {**refusals, **codes} == {school_a.pk: "HDR-SCHOOL", setting.pk: "HDR-SCHOOL"}


# -- A child in a school and a setting -------------------------------------------------------------


@pytest.fixture
def shared_child(
    setting: School, setting_user: Client, head_a: Client, eyfsp: Collection, la_folder: Path,
    school_a: School,
) -> str:  # fmt: skip
    """School A sends its EYFSP CTF; then the setting its template with one of the school's
    summer-born children in it (the same UPN and date of birth)."""
    upload(head_a, eyfsp, ctf_bytes(la_folder, school_a, "EYFSP"), name="a.xml")
    run_tasks()
    _, pupils = read_all(ctf_path(la_folder, school_a, "EYFSP"))
    first, last = funded_window(2025)
    child = next(p for p in pupils if p.dob_date and first <= p.dob_date <= last)
    post_template(
        setting_user, eyfsp, setting_template(setting, eyfsp, [*children(setting, eyfsp), child])
    )
    run_tasks()
    return child.upn


def test_the_setting_is_asked_in_words_that_name_neither(
    shared_child: str, setting: School, setting_user: Client, eyfsp: Collection, school_a: School
):
    [query] = FindingRecord.objects.filter(submission__school=setting, code="PUPIL-OTHER-SCHOOL")
    assert query.upn == shared_child
    assert "also in another school's or early years setting's return" in query.message
    assert "spends most time between 8am and 6pm" in query.message
    page = setting_user.get(f"/collections/{eyfsp.pk}/").content.decode()
    assert "the provider where the child spends most time between 8am and 6pm" in page
    # (the UPN carries the number of the school that allocated it: the child's, not news)
    for other in (school_a.name, school_a.reference, f"URN {school_a.urn}"):
        assert other not in page and other not in query.message


def test_the_data_team_sees_both_providers_and_the_handbooks_rule(
    shared_child: str, setting: School, la_client: Client, eyfsp: Collection, school_a: School,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    listed = la_client.get(f"/la/collections/{eyfsp.pk}/moves/").content.decode()
    assert shared_child in listed
    page = la_client.get(f"/la/collections/{eyfsp.pk}/moves/{shared_child}/").content.decode()
    assert setting.reference in page and school_a.reference in page
    assert "where the child spends most time between 8am and 6pm" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = la_client.post(
            f"/la/collections/{eyfsp.pk}/moves/{shared_child}/", {"school": str(setting.pk)}
        )
    assert response.status_code == 302
    # each provider hears the decision in words that fit either kind, and nothing of the other
    to_setting = next(m for m in mail.outbox if "jo@littleacorns.example" in m.to)
    to_school = next(m for m in mail.outbox if "jo@littleacorns.example" not in m.to)
    assert "another school's or early years setting's return" in to_setting.body
    assert "The LA decided that you report this child." in to_setting.body
    assert "another provider, where the child spends most time" in to_school.body
    assert school_a.name not in to_setting.body and setting.name not in to_school.body
    told = FindingRecord.objects.get(submission__school=setting, code="PUPIL-OTHER-SCHOOL")
    answer = Answer.objects.get(school=setting, upn=told.upn)
    assert answer.text == "The LA decided that you report this child."


# -- Tenant isolation ------------------------------------------------------------------------------


def test_a_settings_user_never_reaches_a_schools_version_nor_a_school_the_settings(
    setting: School, setting_user: Client, head_a: Client, eyfsp: Collection, la_folder: Path,
    school_a: School,
):  # fmt: skip
    upload(head_a, eyfsp, ctf_bytes(la_folder, school_a, "EYFSP"), name="a.xml")
    post_template(setting_user, eyfsp, setting_template(setting, eyfsp))
    run_tasks()
    schools = Submission.objects.get(school=school_a)
    settings = Submission.objects.get(school=setting)
    for client, theirs, mine in ((setting_user, schools, settings), (head_a, settings, schools)):
        for tail in ("", "status/", "findings.csv", "download/"):
            assert client.get(f"/files/{theirs.pk}/{tail}").status_code == 404, tail
        assert client.get(f"/files/{mine.pk}/").status_code == 200
    assert setting_user.get("/la/settings/").status_code == 404
    page = setting_user.get(f"/collections/{eyfsp.pk}/").content.decode()
    assert school_a.name not in page


def test_a_setting_cannot_reach_a_collection_settings_do_not_send(
    setting_user: Client, eyfsp: Collection, ks1: Collection
):
    """Settings send the EYFSP only: the other collections' pages and uploads are not theirs."""
    assert setting_user.get(f"/collections/{eyfsp.pk}/").status_code == 200
    assert setting_user.get(f"/collections/{ks1.pk}/").status_code == 404
    posted = setting_user.post(f"/collections/{ks1.pk}/", {"file": io.BytesIO(b"<CTfile/>")})
    assert posted.status_code == 404
    assert not Submission.objects.filter(collection=ks1).exists()
