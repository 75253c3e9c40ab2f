"""PVI settings in the LA's progress, figures, reminders and reports: counted, chased and
reported like schools, and shown apart from them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from lxml import html as lxml_html
from portal_builders import make_head
from portal_support import ctf_bytes, run_tasks, signed_in, upload
from reminders_support import D, at
from setting_support import make_setting, post_template, setting_template

from keystage.web.models import Collection, School, User
from keystage.web.reminders.sending import send_reminders
from keystage.web.reports.school_report import school_context
from keystage.web.schools import expected


@pytest.fixture
def settings_sent(schools: list[School], eyfsp: Collection, la_folder) -> list[School]:
    """School A and one setting sent their EYFSP; another setting has not started."""
    upload(signed_in(make_head_of(schools[0])), eyfsp, ctf_bytes(la_folder, schools[0], "EYFSP"))
    sent = make_setting()
    idle = make_setting(urn="612345", name="Sam Childminder", type="Childminder",
                        head_email="sam@childminding.example")  # fmt: skip
    for setting in (sent, idle):
        make_head(setting, email=setting.head_email)
    post_template(signed_in(make_head_of(sent)), eyfsp, setting_template(sent, eyfsp))
    run_tasks()
    expected.propose(eyfsp)
    return [sent, idle]


def make_head_of(school: School) -> User:
    return User.objects.get(username=school.urn)


def test_the_progress_page_shows_settings_in_their_own_table_and_figures(
    settings_sent: list[School], la_client: Client, eyfsp: Collection, schools: list[School]
):
    page = la_client.get(f"/la/collections/{eyfsp.pk}/").content.decode()
    schools_table, _, rest = page.partition('id="settings-table"')
    assert "Little Acorns Nursery" not in schools_table.split('id="schools"')[1]
    assert "Little Acorns Nursery" in rest and "Sam Childminder" in rest and "EY URN 512345" in rest
    assert schools[0].name not in rest.split("</table>")[0]
    assert 'id="settings-submitted">0 of 2 PVI settings expected' in page
    assert f'id="total-submitted">0 of {len(schools)} schools expected' in page
    csv = la_client.get(f"/la/collections/{eyfsp.pk}/export.csv").content.decode()
    assert "PVI setting" in csv


def test_the_results_page_shows_settings_figures_apart(
    settings_sent: list[School], la_client: Client, eyfsp: Collection
):
    page = la_client.get(f"/la/collections/{eyfsp.pk}/results/").content.decode()
    assert 'id="provider-table"' in page
    table = page.split('id="provider-table"')[1].split("</table>")[0]
    assert ">Schools<" in table and ">PVI settings<" in table
    settings_table = page.split('id="settings"')[1].split("</table>")[0]
    assert "Little Acorns Nursery" in settings_table and "EY URN 512345" in settings_table
    schools_table = page.split('id="schools"')[1].split("</table>")[0]
    assert "Little Acorns Nursery" not in schools_table


def test_a_schools_only_collection_has_no_settings_section(
    schools: list[School], la_client: Client, ks1: Collection
):
    make_setting()
    expected.propose(ks1)
    page = la_client.get(f"/la/collections/{ks1.pk}/").content.decode()
    assert 'id="settings-table"' not in page and "Little Acorns" not in page
    results = la_client.get(f"/la/collections/{ks1.pk}/results/").content.decode()
    assert "PVI setting" not in results and "Little Acorns" not in results


def test_a_settings_report_is_the_school_report_titled_for_a_setting(
    settings_sent: list[School], eyfsp: Collection, schools: list[School]
):
    setting = settings_sent[0]
    context = school_context(setting, eyfsp)
    assert context["heading"] == "Setting-level results"
    html = render_to_string("reports/school.html", context)
    assert "Early years setting, EY URN 512345" in html and "LAESTAB" not in html
    assert school_context(schools[0], eyfsp)["heading"] == "School-level results"


def test_reminders_go_to_settings_that_have_not_sent(db: None, schools: list[School]):
    eyfsp = Collection.objects.create(kind="EYFSP", academic_year="2025-26", opens=D(2026, 6, 1),
                                      deadline=D(2026, 6, 26), closes=D(2026, 7, 17))  # fmt: skip
    setting = make_setting()
    make_head(setting, email="jo@littleacorns.example")
    expected.propose(eyfsp)
    with at(D(2026, 6, 19), 7):
        chased = send_reminders(D(2026, 6, 19))
    reminded = {r.school for r in chased.sent}
    assert setting in reminded and set(schools) <= reminded
    to_setting = [m for m in mail.outbox if "jo@littleacorns.example" in m.to]
    assert len(to_setting) == 1 and "Dear Little Acorns Nursery" in to_setting[0].body


def test_the_overview_counts_settings_apart_from_schools(
    settings_sent: list[School], la_client: Client, eyfsp: Collection, ks1: Collection
):
    """The LA's first page: the EYFSP's steps in a column for schools and one for settings;
    a collection no setting is expected for has no settings column."""
    page = lxml_html.fromstring(la_client.get("/la/").content)
    eyfsp_table, ks1_table = (
        page.xpath(f"//h2[a[@href='/la/collections/{c.pk}/']]/following::table[1]")[0]
        for c in (eyfsp, ks1)
    )
    heads = [th.text_content().strip() for th in eyfsp_table.xpath(".//thead//th")]
    assert heads == ["State", "Schools", "PVI settings"]
    cells = [
        [td.text_content().strip() for td in tr.xpath("td")]
        for tr in eyfsp_table.xpath(".//tbody/tr")
    ]
    assert sum(int(row[1]) for row in cells) == 2  # both settings, neither among the schools
    assert sum(int(row[0]) for row in cells) == len(expected.expected_school_ids(eyfsp)) - 2
    assert "PVI settings" not in ks1_table.text_content()
