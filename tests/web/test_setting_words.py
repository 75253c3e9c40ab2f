"""A PVI setting is spoken to as a setting: the LA's settings table is headed "Setting"; the
reminders, receipts and invitation a setting gets speak of "your setting" and of its
spreadsheet template, not of a school's MIS; its own pages do the same. A school's words are
unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from portal_builders import make_admin, make_answers, make_head, make_staff
from portal_support import run_tasks, signed_in, with_bad_result
from reminders_support import D, at
from setting_support import children, make_setting, post_template, setting_template
from signing import sign

from keystage.web.accounts import invitations, receipts
from keystage.web.models import Collection, Guidance, School, Submission, User
from keystage.web.reminders.sending import send_reminders
from keystage.web.schools import expected


@pytest.fixture
def setting(schools: list[School]) -> School:
    found = make_setting()
    make_head(found, email="jo@littleacorns.example")
    return found


@pytest.fixture
def setting_user(setting: School) -> Client:
    return signed_in(User.objects.get(username=setting.urn))


def to_setting() -> str:
    [sent] = [m for m in mail.outbox if "jo@littleacorns.example" in m.to]
    return f"{sent.subject}\n{sent.body}"


def test_the_settings_table_is_headed_setting(
    setting: School, setting_user: Client, la_client: Client, eyfsp: Collection
) -> None:
    post_template(setting_user, eyfsp, setting_template(setting, eyfsp))
    run_tasks()
    page = la_client.get(f"/la/collections/{eyfsp.pk}/").content.decode()
    schools_head = page.split('id="schools"')[1].split("</thead>")[0]
    settings_head = page.split('id="settings-table"')[1].split("</thead>")[0]
    assert ">School<span" in schools_head and ">Setting<span" not in schools_head
    assert ">Setting<span" in settings_head and ">School<span" not in settings_head


def test_a_reminder_to_a_setting_speaks_of_its_template_not_a_schools_mis(
    db: None, schools: list[School]
) -> None:
    window = Collection.objects.create(kind="EYFSP", academic_year="2025-26",
                                       opens=D(2026, 6, 1), deadline=D(2026, 6, 26),
                                       closes=D(2026, 7, 17))  # fmt: skip
    make_head(make_setting(), email="jo@littleacorns.example")
    expected.propose(window)
    with at(D(2026, 6, 19), 7):
        send_reminders(D(2026, 6, 19))
    said = to_setting()
    assert "Dear Little Acorns Nursery" in said
    assert "Download the spreadsheet template from your EYFSP 2026 page" in said
    assert "school" not in said.lower() and "management information system" not in said
    to_a_school = next(m for m in mail.outbox if "jo@littleacorns.example" not in m.to)
    assert "from your management information system" in to_a_school.body


def test_a_settings_receipts_say_your_setting(
    setting: School, setting_user: Client, eyfsp: Collection, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        receipts.first_sign_in(User.objects.get(username=setting.urn))
    assert "If nobody at your setting expected this" in to_setting()
    post_template(setting_user, eyfsp, setting_template(setting, eyfsp))
    run_tasks()
    mail.outbox.clear()
    sign(setting, eyfsp, django_capture_on_commit_callbacks)
    said = to_setting()
    assert "If nobody at your setting expected this" in said and "your school" not in said


def test_a_settings_invitations_speak_of_the_setting_and_its_template(setting: School) -> None:
    admin = make_admin()
    head = User.objects.get(username=setting.urn)
    assert invitations.send(head, invited_by=admin)
    said = to_setting()
    assert "your account for Little Acorns Nursery" in said
    assert "spreadsheet template" in said and "MIS" not in said
    assert "your setting's early years URN, 512345" in said
    assert "head teacher" not in said and "school's" not in said
    staff = make_staff(setting, email="sam@littleacorns.example")
    assert invitations.send(staff, invited_by=head)
    [sent] = [m for m in mail.outbox if "sam@littleacorns.example" in m.to]
    assert ", of Little Acorns Nursery, has set up an account for you" in sent.body
    assert "head teacher" not in sent.body and "your setting's manager" in sent.body


def test_a_settings_pages_do_not_send_it_to_an_mis(
    setting: School, setting_user: Client, eyfsp: Collection
) -> None:
    pupils = with_bad_result(children(setting, eyfsp))
    post_template(setting_user, eyfsp, setting_template(setting, eyfsp, pupils))
    run_tasks()
    page = setting_user.get(f"/collections/{eyfsp.pk}/").content.decode()
    version = Submission.objects.get(school=setting, collection=eyfsp)
    file_page = setting_user.get(f"/files/{version.pk}/").content.decode()
    for said in (page, file_page):
        assert "MIS" not in said, said[said.find("MIS") - 200 : said.find("MIS") + 50]
        assert "Errors: fix these in your spreadsheet and upload again" in said
    assert "(uploaded by the setting)" in file_page
    home = setting_user.get("/").content.decode()
    assert "MIS" not in home and "your school" not in home


def test_a_schools_words_are_unchanged(head_a: Client, school_a: School, ks1: Collection,
                                       la_folder: Path) -> None:  # fmt: skip
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "help from your MIS supplier" in page


def test_a_setting_reads_the_statutory_guidance_not_the_schools_mis_help(
    setting: School, setting_user: Client, head_a: Client, eyfsp: Collection, la_client: Client
) -> None:
    Guidance.objects.create(collection=eyfsp, what_to_send="Export the CTF from your MIS.",
                            mis_help="SIMS: the help centre.",
                            statutory="The EYFSP handbook.")  # fmt: skip
    page = setting_user.get(f"/collections/{eyfsp.pk}/").content.decode()
    assert "The EYFSP handbook." in page and 'id="setting-guidance"' in page
    assert "Export the CTF from your MIS." not in page and "SIMS" not in page
    schools = head_a.get(f"/collections/{eyfsp.pk}/").content.decode()
    assert "Export the CTF from your MIS." in schools and "SIMS: the help centre." in schools
    told = la_client.get(f"/la/collections/{eyfsp.pk}/guidance/").content.decode()
    assert 'id="settings-see"' in told


def test_a_setting_is_not_offered_the_schools_collections(
    setting: School, setting_user: Client, eyfsp: Collection, ks1: Collection
) -> None:
    home = setting_user.get("/").content.decode()
    assert str(eyfsp) in home and ks1.short_name not in home


def test_the_eyfsp_lock_and_exports_name_schools_and_settings(
    setting: School, setting_user: Client, la_client: Client, eyfsp: Collection,
    schools: list[School],
) -> None:  # fmt: skip
    post_template(setting_user, eyfsp, setting_template(setting, eyfsp))
    run_tasks()
    make_answers(Submission.objects.get(school=setting, collection=eyfsp))
    sign(setting, eyfsp)
    idle = make_setting(urn="634567", name="Sam Childminder", type="Childminder")
    page = la_client.get(f"/la/collections/{eyfsp.pk}/lock/").content.decode()
    ticked = re.findall(r'name="leave_out" type="checkbox" value="(\d+)" checked', page)
    assert "Schools and settings that have not submitted" in page
    assert f'{idle.name}</a> <span class="govuk-body-s">EY URN 634567</span>' in page
    shown = re.findall(r'name="shown" value="(\d+)"', page)
    response = la_client.post(
        f"/la/collections/{eyfsp.pk}/lock/", {"shown": shown, "leave_out": ticked}, follow=True
    )
    said = response.content.decode()
    left = len(schools) + 1
    assert f"is locked for 1 school or setting. {left} schools and settings were left out" in said
    exports = la_client.get(f"/la/collections/{eyfsp.pk}/exports/").content.decode()
    assert "Schools and settings included: 1" in exports
    missing = exports.split('id="missing"')[1]
    row = missing.split(idle.name)[1].split("</tr>")[0]
    assert "Not started: the setting has not sent a file" in row
