"""The LA's guidance for a collection: written by the data team (or an administrator) on the
collection's page, read by schools on theirs, as plain text with https:// links."""

from __future__ import annotations

import pytest
from django.test import Client
from lxml import html as lxml_html
from portal_builders import make_admin, make_staff
from portal_support import signed_in

from keystage.web.models import Collection, Guidance, School, User
from keystage.web.models.guidance import LONGEST

HANDBOOK = (
    "https://www.gov.uk/government/publications/early-years-foundation-stage-profile-handbook"
)
WRITTEN = {
    "what_to_send": "One CTF with every Reception child.\n\nExport it for the LA.",
    "mis_help": "Arbor: the Arbor Help Centre.\nSIMS: the SIMS help centre.",
    "statutory": f"The handbook:\n{HANDBOOK}",
    "contact": "Ask Sam, our early years lead, about judgements.",
}


def guidance_url(window: Collection) -> str:
    return f"/la/collections/{window.pk}/guidance/"


def school_guidance(head: Client, window: Collection) -> lxml_html.HtmlElement:
    page = lxml_html.fromstring(head.get(f"/collections/{window.pk}/").content.decode())
    (heading,) = page.xpath("//h2[@id='guidance']")
    return heading.getparent()


def words(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_the_data_team_writes_it_and_the_school_reads_it(
    la_client: Client, officer: User, head_a: Client, eyfsp: Collection, ks1: Collection
) -> None:
    assert "has not written guidance for EYFSP" in words(school_guidance(head_a, eyfsp))
    saved = la_client.post(guidance_url(eyfsp), WRITTEN)
    assert saved.status_code == 302 and saved["Location"] == guidance_url(eyfsp)
    guidance = Guidance.objects.get(collection=eyfsp)
    assert guidance.updated_by == officer and guidance.updated_at is not None

    shown = school_guidance(head_a, eyfsp)
    headings = [words(h) for h in shown.xpath(".//h3")]
    assert headings == ["What to send", "Help from your MIS supplier", "The statutory guidance",
                        "Who to ask"]  # fmt: skip
    assert [words(p) for p in shown.xpath(".//h3[1]/following-sibling::p")][:2] == [
        "One CTF with every Reception child.", "Export it for the LA."]  # fmt: skip
    assert shown.xpath(f".//a[@href='{HANDBOOK}' and @rel='noreferrer']")
    assert "Ask Sam, our early years lead" in words(shown)
    assert shown.xpath(f".//a[@href='/collections/{eyfsp.pk}/ask/']")  # and asks in the portal
    assert "has not written guidance for KS1" in words(school_guidance(head_a, ks1))


def test_the_page_says_who_changed_it_and_shows_it_as_schools_see_it(
    la_client: Client, eyfsp: Collection
) -> None:
    page = la_client.get(guidance_url(eyfsp)).content.decode()
    assert "Not written yet" in page
    la_client.post(guidance_url(eyfsp), WRITTEN)
    page = lxml_html.fromstring(la_client.get(guidance_url(eyfsp)).content.decode())
    assert "Last changed by data.officer on " in words(page.xpath("//*[@id='guidance-changed']")[0])
    (preview,) = page.xpath("//h2[@id='as-schools-see-it']/following-sibling::div[1]")
    assert preview.xpath(f".//a[@href='{HANDBOOK}']") and "Ask Sam" in words(preview)
    assert not preview.xpath(".//a[contains(@href, '/ask/')]")  # the school's button: not here


def test_an_administrator_may_write_it_too(db: None, eyfsp: Collection) -> None:
    admin = signed_in(make_admin())
    assert admin.post(guidance_url(eyfsp), WRITTEN).status_code == 302
    assert Guidance.objects.get(collection=eyfsp).what_to_send.startswith("One CTF")


def test_html_typed_into_it_reaches_the_school_as_text(
    la_client: Client, head_a: Client, eyfsp: Collection
) -> None:
    typed = '<script>alert("x")</script> <a href="javascript:alert(1)">click</a>'
    la_client.post(guidance_url(eyfsp), WRITTEN | {"what_to_send": typed})
    page = head_a.get(f"/collections/{eyfsp.pk}/").content.decode()
    assert "<script>alert" not in page and 'href="javascript:' not in page
    assert typed in words(school_guidance(head_a, eyfsp))  # shown as typed


def test_a_part_too_long_is_refused_and_nothing_saved(la_client: Client, eyfsp: Collection) -> None:
    response = la_client.post(guidance_url(eyfsp), WRITTEN | {"mis_help": "x" * (LONGEST + 1)})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Write {LONGEST} characters or fewer here" in body and 'href="#id_mis_help"' in body
    assert not Guidance.objects.exists()


def test_saving_it_again_changes_the_one_guidance(la_client: Client, eyfsp: Collection) -> None:
    la_client.post(guidance_url(eyfsp), WRITTEN)
    la_client.post(guidance_url(eyfsp), WRITTEN | {"contact": ""})
    (guidance,) = Guidance.objects.all()
    assert guidance.contact == "" and guidance.what_to_send == WRITTEN["what_to_send"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_schools_cannot_reach_the_writing_page(
    head_a: Client, school_a: School, eyfsp: Collection, method: str
) -> None:
    staff = signed_in(make_staff(school_a, can_sign=True))
    for client in (head_a, staff):
        response = getattr(client, method)(guidance_url(eyfsp), WRITTEN)
        assert response.status_code == 404
    assert not Guidance.objects.exists()


def test_the_collection_page_leads_the_data_team_to_it(
    la_client: Client, eyfsp: Collection
) -> None:
    page = lxml_html.fromstring(la_client.get(f"/la/collections/{eyfsp.pk}/").content.decode())
    assert page.xpath(f"//*[@id='guidance-link']//a[@href='{guidance_url(eyfsp)}']")
