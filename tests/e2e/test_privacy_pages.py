"""Data protection pages in a real Chromium, every page checked by axe-core: anyone reads how
the data are used; an LA administrator previews and publishes the statement and sets how long
a collection is kept, with a mistake on the way."""

from __future__ import annotations

import re

import pytest
from e2e_support import PASSWORD, Portal, sign_in, totp_code
from playwright.sync_api import expect
from portal_builders import make_admin

from keystage.web.models import Collection, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def admin(transactional_db: None) -> User:
    return make_admin("la.admin", secret=SECRET)


def test_the_statement_and_retention_pages(portal: Portal, admin: User, ks1: Collection) -> None:
    page = portal.page
    portal.visit("/accessibility/")
    portal.follow(page.get_by_role("link", name="How your data are used"))
    expect(page.get_by_role("heading", level=1)).to_have_text("How your data are used")
    expect(page.get_by_role("main")).to_contain_text("public task")

    portal.visit("/accounts/login/")
    sign_in(portal, admin.email, PASSWORD)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(re.compile(r"/la/$"))

    portal.follow(page.get_by_role("link", name="Data-sharing statement"))
    page.get_by_label("Change the statement").fill("We use it.\n\n## Who\n- the DfE\n- you")
    portal.submit(page.get_by_role("button", name="Preview"))
    expect(page.locator("#preview")).to_be_visible()
    portal.submit(page.get_by_role("button", name="Publish"))
    expect(page.locator("#statement-state")).to_contain_text("published by la.admin")
    portal.follow(page.get_by_role("link", name=re.compile("every version published")))
    expect(page.get_by_role("main")).to_contain_text("We use it.")

    portal.visit("/la/")
    portal.follow(page.get_by_role("link", name="How long data are kept"))
    portal.follow(page.get_by_role("link", name=re.compile("Change")))
    page.get_by_label("Keep pupils' names, dates of birth and files until").fill("1/1/2001")
    portal.submit(page.get_by_role("button", name="Save"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("after the collection closes")
    page.get_by_label("Keep pupils' names, dates of birth and files until").fill("31/8/2033")
    portal.submit(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("main")).to_contain_text("31 August 2033")
    assert len(portal.checked) >= 9
