"""A school's home lists the collections the LA expects of it: an infant school is never shown
KS2 as Late, but is told the LA does not expect it, and can still send a file."""

from __future__ import annotations

import pytest
from django.test import Client
from portal_builders import make_head, make_school, make_window
from portal_support import PASSWORD

from keystage.web.schools.expected import propose


@pytest.mark.django_db
def test_an_infant_school_is_not_shown_ks2_as_late(client: Client) -> None:
    infant = make_school(name="Oakfield Infant School", phase="Primary", low_age=4, high_age=7)
    head = make_head(infant)
    ks1 = make_window("KS1")
    ks2 = make_window("KS2")
    propose(ks2)  # the list: an infant school has no Year 6
    client.login(username=head.username, password=PASSWORD)
    page = client.get("/").content.decode()
    rows = page.split('id="not-expected"')[0]
    assert str(ks1) in rows  # no list for KS1 yet: every open school is expected
    assert str(ks2) not in rows
    assert f"The LA does not expect {ks2}" in page
    assert f'href="/collections/{ks2.pk}/"' in page
