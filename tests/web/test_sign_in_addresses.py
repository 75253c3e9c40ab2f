"""Which address a failed sign-in counts against: an IPv6 network by its /48 for the limit on a
whole network and by its /64 for one account, an IPv4 address written as IPv6 as itself, and
behind the proxy the address it added, with or without a port (an address it cannot read is
logged, not silently replaced by the proxy's own)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from account_support import actions, from_address, sign_in
from django.test import Client, override_settings
from portal_support import PASSWORD

from keystage.web.common import audit
from keystage.web.models import AuditEvent, School

GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS = 5
GUESSES_FROM_ONE_NETWORK = 100
THROTTLED = "tried to sign in too many times"
FROM_THE_NETWORK = "Many failed sign-ins have come from your network"


def wrong_password(client: Client, login: str, **extra: str) -> None:
    response = client.post("/accounts/login/", {"login": login, "password": "wrong"}, **extra)
    assert response.status_code == 200
    assert THROTTLED not in response.content.decode()
    assert FROM_THE_NETWORK not in response.content.decode()


def test_an_ipv6_network_is_counted_by_its_48(schools: list[School]) -> None:
    """One site (a /48) trying every name from a fresh /64 each time is one network."""
    for n in range(GUESSES_FROM_ONE_NETWORK):
        wrong_password(from_address(f"2001:db8:1:{n:x}::1"), f"9{n:05d}")
    same_site = sign_in(from_address("2001:db8:1:ffff::9"), schools[0].urn)
    assert FROM_THE_NETWORK in same_site.content.decode()
    assert sign_in(from_address("2001:db8:2::1"), schools[0].urn).status_code == 302


def test_for_one_account_an_ipv6_address_is_its_64(school_a: School) -> None:
    """Someone elsewhere on the head's site (the same /48) cannot lock the head out."""
    guessing = from_address("2001:db8:1:1::1")
    for _ in range(GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS):
        wrong_password(guessing, school_a.urn)
    assert THROTTLED in sign_in(from_address("2001:db8:1:1::ffff"), school_a.urn).content.decode()
    assert sign_in(from_address("2001:db8:1:2::1"), school_a.urn).status_code == 302


def test_an_ipv4_address_written_as_ipv6_is_counted_as_itself(school_a: School) -> None:
    """A server listening on IPv6 sees IPv4 browsers as ::ffff:a.b.c.d: not one /64 for all."""
    stranger = from_address("::ffff:203.0.113.7")
    for _ in range(GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS):
        wrong_password(stranger, school_a.urn)
    assert THROTTLED in sign_in(stranger, school_a.urn).content.decode()
    assert sign_in(from_address("::ffff:10.20.30.40"), school_a.urn).status_code == 302


def through_the_proxy(login: str, forwarded: str, password: str = "wrong") -> Any:
    return from_address("127.0.0.1").post(
        "/accounts/login/", {"login": login, "password": password},
        HTTP_X_FORWARDED_FOR=f"10.9.9.9, {forwarded}",
    )  # fmt: skip


@override_settings(KEYSTAGE_BEHIND_PROXY=True)
@pytest.mark.parametrize(
    ("forwarded", "address"),
    [
        ("203.0.113.7:51234", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_the_proxy_the_address_it_added_may_carry_a_port(
    school_a: School, forwarded: str, address: str
) -> None:
    through_the_proxy(school_a.urn, forwarded)
    [failed] = actions(AuditEvent.Action.SIGN_IN_FAILED)
    assert failed.ip == address


@override_settings(KEYSTAGE_BEHIND_PROXY=True)
def test_behind_the_proxy_browsers_on_other_ports_are_other_browsers(school_a: School) -> None:
    for port in range(GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS):
        through_the_proxy(school_a.urn, f"203.0.113.7:{40000 + port}")
    assert (
        THROTTLED in through_the_proxy(school_a.urn, "203.0.113.7:50000", PASSWORD).content.decode()
    )
    assert through_the_proxy(school_a.urn, "10.20.30.40:50000", PASSWORD).status_code == 302


@override_settings(KEYSTAGE_BEHIND_PROXY=True)
def test_behind_the_proxy_an_address_it_cannot_read_is_logged_once(
    school_a: School, caplog: pytest.LogCaptureFixture
) -> None:
    audit.unreadable_proxy_address_reported.clear()  # as in a fresh process
    with caplog.at_level(logging.ERROR, logger="keystage.web.common.audit"):
        through_the_proxy(school_a.urn, "unknown")
        through_the_proxy(school_a.urn, "not-an-address:80")
    assert {event.ip for event in actions(AuditEvent.Action.SIGN_IN_FAILED)} == {"127.0.0.1"}
    logged = [r for r in caplog.records if r.name == "keystage.web.common.audit"]
    assert len(logged) == 1 and logged[0].levelno == logging.ERROR
    assert "X-Forwarded-For" in logged[0].getMessage()
