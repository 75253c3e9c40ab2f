"""Wrong passwords are limited per account from one address (whatever name of the account is
typed), per network, and per account from everywhere, counted in the database; a stranger
elsewhere cannot lock a head out, one person on a council network cannot keep out the heads who
signed in there before, a council network is not locked out by a few mistakes, and a reset link
always lets its owner in.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from account_support import (
    actions,
    current_code,
    emailed_link,
    from_address,
    sign_in,
    signed_in_as,
)
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.test import Client, override_settings
from django.utils import timezone
from portal_builders import make_officer
from portal_support import PASSWORD

from keystage.web.models import AuditEvent, School, User

# The promise (docs/security.md): 5 wrong passwords in 15 minutes for one account from one
# address, whatever name of it is typed; 100 in 15 minutes from one network whatever the names,
# except for a browser that has signed in to the account before; 50 in an hour for one account
# from everywhere, except for such a browser (which counts only its own).
GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS = 5
GUESSES_FROM_ONE_NETWORK = 100
GUESSES_PER_ACCOUNT_AN_HOUR = 50

SCHOOL_NETWORK = "10.20.30.40"
COUNCIL = "192.0.2.10"  # every school of the LA behind one address
STRANGER = "203.0.113.7"
THROTTLED = "tried to sign in too many times"
FROM_THE_NETWORK = "Many failed sign-ins have come from your network"
AT_THE_ACCOUNT = "Many wrong passwords have been tried for this account"
REFUSALS = (THROTTLED, FROM_THE_NETWORK, AT_THE_ACCOUNT)


def guess(client: Client, login: str, times: int, **extra: str) -> None:
    for n in range(times):
        response = client.post(
            "/accounts/login/", {"login": login, "password": f"wrong-guess-{n}"}, **extra
        )
        text = response.content.decode()
        assert response.status_code == 200 and not [r for r in REFUSALS if r in text]


def refusal(response: object) -> str:
    """Which refusal the sign-in page gave (one only), or '' for none."""
    text = response.content.decode()  # type: ignore[attr-defined]
    found = [message for message in REFUSALS if message in text]
    assert len(found) <= 1, found
    return found[0] if found else ""


def flood(address: str) -> None:
    """Someone at the address tries as many names (no account's) as the network is allowed."""
    client = from_address(address)
    for n in range(GUESSES_FROM_ONE_NETWORK):
        guess(client, f"9{n:05d}", 1)


def signed_in_before(login: str, address: str, password: str = PASSWORD) -> Client:
    """A browser at the address that has signed in to the account, and signed out again."""
    browser = from_address(address)
    assert sign_in(browser, login, password).status_code == 302
    browser.post("/accounts/logout/")
    assert signed_in_as(browser) is None
    return browser


def reset_signs_in(browser: Client, school: School) -> bool:
    browser.post("/accounts/password/reset/", {"email": school.main_email})
    link = emailed_link(school.main_email, "/accounts/password/reset/key/")
    form = browser.get(link, follow=True).redirect_chain[-1][0]
    new = "river copper violet meadow"
    assert browser.post(form, {"password1": new, "password2": new}).status_code == 302
    return signed_in_as(browser) == school.urn


def test_guesses_count_per_account_whatever_name_is_typed(school_a: School) -> None:
    address = from_address(STRANGER)
    guess(address, school_a.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    # The head's email address names the same account: no fresh guesses with it.
    refused = sign_in(address, school_a.main_email)
    assert refused.status_code == 200 and THROTTLED in refused.content.decode()
    assert signed_in_as(address) is None


def test_a_stranger_elsewhere_cannot_lock_a_head_out(school_a: School) -> None:
    guess(from_address(STRANGER), school_a.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    assert THROTTLED in sign_in(from_address(STRANGER), school_a.urn).content.decode()
    at_school = from_address(SCHOOL_NETWORK)
    assert sign_in(at_school, school_a.urn).status_code == 302
    assert signed_in_as(at_school) == school_a.urn


def test_a_few_mistakes_across_a_council_network_lock_nobody_out(schools: list[School]) -> None:
    council = from_address(COUNCIL)
    first, *others = schools
    for school in others:
        guess(council, school.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS - 1)
    guess(council, "not-a-urn", 10)
    assert sign_in(council, first.urn).status_code == 302


def test_one_address_trying_every_name_is_stopped(schools: list[School]) -> None:
    """Spread over ten minutes, so that a limit per minute would not stop it."""
    spraying = from_address(STRANGER)
    start = timezone.now()
    for minute in range(10):
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            guess(spraying, f"9{minute:05d}", GUESSES_FROM_ONE_NETWORK // 10)
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        for school in schools:  # accounts it never tried, right passwords
            assert refusal(sign_in(spraying, school.urn)) == FROM_THE_NETWORK
        assert sign_in(from_address(SCHOOL_NETWORK), schools[0].urn).status_code == 302


def test_one_person_on_a_council_network_cannot_keep_out_heads_who_signed_in_there_before(
    schools: list[School],
) -> None:
    first, second, third = schools
    head_browsers = [signed_in_before(school.urn, COUNCIL) for school in (first, second)]
    flood(COUNCIL)
    for browser, school in zip(head_browsers, (first, second), strict=True):
        assert sign_in(browser, school.urn).status_code == 302
        assert signed_in_as(browser) == school.urn
    # A head on a browser new to them is refused, and told it is the network, not them.
    refused = sign_in(from_address(COUNCIL), third.urn)
    assert refusal(refused) == FROM_THE_NETWORK
    assert "I have forgotten my password" in refused.content.decode()


def test_a_head_refused_for_the_networks_failures_resets_and_is_signed_in(
    schools: list[School],
) -> None:
    flood(COUNCIL)
    new_browser = from_address(COUNCIL)
    assert refusal(sign_in(new_browser, schools[0].urn)) == FROM_THE_NETWORK
    assert reset_signs_in(new_browser, schools[0])
    # ...and from then on that browser is known: the network's failures no longer refuse it.
    new_browser.post("/accounts/logout/")
    assert sign_in(new_browser, schools[0].urn, "river copper violet meadow").status_code == 302


def test_a_browser_is_known_only_to_its_account_and_only_with_its_password(
    schools: list[School],
) -> None:
    first, second, _ = schools
    spraying = signed_in_before(second.urn, COUNCIL)  # someone with an account of their own
    head_browser = signed_in_before(first.urn, COUNCIL)
    flood(COUNCIL)
    assert sign_in(spraying, second.urn).status_code == 302  # its own account: known
    spraying.post("/accounts/logout/")
    assert refusal(sign_in(spraying, first.urn)) == FROM_THE_NETWORK
    # Its cookie for its own account, given the name of another's, is worth nothing.
    own = spraying.cookies[f"keystage_known_{User.objects.get(username=second.urn).pk}"].value
    head = User.objects.get(username=first.urn)
    spraying.cookies[f"keystage_known_{head.pk}"] = own
    assert refusal(sign_in(spraying, first.urn)) == FROM_THE_NETWORK
    # A new password makes every browser new to the account again.
    head.set_password("harbour lantern quartz maple")
    head.save()
    refused = sign_in(head_browser, first.urn, "harbour lantern quartz maple")
    assert refusal(refused) == FROM_THE_NETWORK


def test_a_browser_signed_in_before_still_has_five_guesses_from_one_address(
    school_a: School,
) -> None:
    head_browser = signed_in_before(school_a.urn, SCHOOL_NETWORK)
    guess(head_browser, school_a.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    assert refusal(sign_in(head_browser, school_a.urn)) == THROTTLED


def test_guesses_at_one_account_from_many_addresses_stop_at_fifty_an_hour(
    school_a: School,
) -> None:
    head_browser = signed_in_before(school_a.urn, SCHOOL_NETWORK)
    start = timezone.now()
    addresses = GUESSES_PER_ACCOUNT_AN_HOUR // GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS
    for n in range(addresses):  # five from each address, an address every five minutes
        with time_machine.travel(start + dt.timedelta(minutes=5 * n), tick=False):
            guess(from_address(f"198.51.100.{n}"), school_a.urn, 5)
    last = start + dt.timedelta(minutes=5 * (addresses - 1))
    with time_machine.travel(last + dt.timedelta(minutes=1), tick=False):
        elsewhere = from_address("198.51.100.200")
        refused = sign_in(elsewhere, school_a.urn)  # the right password
        assert refusal(refused) == AT_THE_ACCOUNT
        assert "computer you have signed in on before" in refused.content.decode()
        assert refusal(sign_in(from_address(SCHOOL_NETWORK), school_a.urn)) == AT_THE_ACCOUNT
        assert sign_in(head_browser, school_a.urn).status_code == 302  # known: in
        assert reset_signs_in(elsewhere, school_a)


def test_the_cap_on_an_account_ends_an_hour_after_its_failures(school_a: School) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(GUESSES_PER_ACCOUNT_AN_HOUR // GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS):
            guess(from_address(f"198.51.100.{n}"), school_a.urn, 5)
    with time_machine.travel(start + dt.timedelta(minutes=59), tick=False):
        assert refusal(sign_in(from_address(SCHOOL_NETWORK), school_a.urn)) == AT_THE_ACCOUNT
    with time_machine.travel(start + dt.timedelta(minutes=60, seconds=1), tick=False):
        assert sign_in(from_address(SCHOOL_NETWORK), school_a.urn).status_code == 302


def test_a_browser_signed_in_before_counts_its_own_failures_towards_fifty(
    school_a: School,
) -> None:
    """A copy of its cookie, tried from many addresses, is stopped as a stranger is."""
    head_browser = signed_in_before(school_a.urn, SCHOOL_NETWORK)
    for n in range(GUESSES_PER_ACCOUNT_AN_HOUR // GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS):
        guess(head_browser, school_a.urn, 5, REMOTE_ADDR=f"198.51.100.{n}")
    refused = head_browser.post(
        "/accounts/login/",
        {"login": school_a.urn, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.200",
    )
    assert refusal(refused) == AT_THE_ACCOUNT


def test_the_refusal_ends_fifteen_minutes_after_the_last_wrong_password(school_a: School) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        guess(from_address(STRANGER), school_a.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert THROTTLED in sign_in(from_address(STRANGER), school_a.urn).content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert sign_in(from_address(STRANGER), school_a.urn).status_code == 302


def test_a_throttled_head_resets_their_password_and_is_signed_in(school_a: School) -> None:
    at_school = from_address(SCHOOL_NETWORK)
    guess(at_school, school_a.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    assert refusal(sign_in(at_school, school_a.urn)) == THROTTLED
    assert reset_signs_in(at_school, school_a)


def test_a_reset_link_still_asks_an_la_account_for_its_code(db: None) -> None:
    secret = generate_totp_secret()
    officer = make_officer("data.officer", secret=secret)
    client = from_address(SCHOOL_NETWORK)
    client.post("/accounts/password/reset/", {"email": officer.email})
    form = client.get(
        emailed_link(officer.email, "/accounts/password/reset/key/"), follow=True
    ).redirect_chain[-1][0]
    new = "harbour lantern quartz maple"
    done = client.post(form, {"password1": new, "password2": new})
    assert done["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/la/").status_code == 302  # not in until the code
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.get("/la/").status_code == 200


def test_failures_and_refusals_are_in_the_audit_trail(school_a: School) -> None:
    guess(from_address(STRANGER), school_a.main_email, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    sign_in(from_address(STRANGER), school_a.urn)
    failed = actions(AuditEvent.Action.SIGN_IN_FAILED)
    assert len(failed) == GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS
    assert {event.ip for event in failed} == {STRANGER}
    assert {event.school for event in failed} == {school_a.laestab}
    [refused] = actions(AuditEvent.Action.THROTTLED)
    assert refused.ip == STRANGER and refused.school == school_a.laestab
    assert refused.detail["tried"] == school_a.urn
    # A right password is no failure: it leaves nothing behind but the sign-in.
    assert sign_in(from_address(SCHOOL_NETWORK), school_a.urn).status_code == 302
    assert len(actions(AuditEvent.Action.SIGN_IN_FAILED)) == GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS


@override_settings(KEYSTAGE_BEHIND_PROXY=True)
def test_behind_the_proxy_the_address_is_the_one_it_saw(school_a: School) -> None:
    """REMOTE_ADDR is the proxy's; the last X-Forwarded-For entry is the one the proxy added,
    whatever the browser sent before it."""
    for n in range(GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS):
        proxied = from_address("127.0.0.1")
        proxied.post(
            "/accounts/login/",
            {"login": school_a.urn, "password": "wrong-guess"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {STRANGER}",
        )
    assert {event.ip for event in actions(AuditEvent.Action.SIGN_IN_FAILED)} == {STRANGER}

    def right_password_from(address: str) -> object:
        return from_address("127.0.0.1").post(
            "/accounts/login/",
            {"login": school_a.urn, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR=address,
        )

    assert THROTTLED in right_password_from(STRANGER).content.decode()
    assert right_password_from(SCHOOL_NETWORK).status_code == 302
