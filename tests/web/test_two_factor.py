"""Two-factor sign-in: schools may add it, the LA may require it of heads, its secrets are
encrypted at rest and never shown after set-up, and its refusals and changes are audited."""

from __future__ import annotations

import ast
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from account_support import (
    actions,
    current_code,
    from_address,
    set_up_app,
    sign_in,
    signed_in_as,
    wrong_code,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.cache import cache
from django.test import Client, override_settings
from portal_builders import make_admin, make_staff
from portal_support import PASSWORD, signed_in

from keystage.web.models import AuditEvent, School, User


def two_factor() -> Any:
    return importlib.import_module("keystage.web.accounts.two_factor")


def sealing() -> Any:
    return importlib.import_module("keystage.web.migrations.0010_h13_accounts")


def head_of(school: School) -> User:
    return User.objects.get(username=school.urn)


def stored(user: User) -> str:
    """Everything stored of the account's authenticators, as text."""
    return json.dumps([a.data for a in Authenticator.objects.filter(user=user)])


def test_a_head_adds_two_factor_and_is_asked_for_a_code(school_a: School) -> None:
    secret = set_up_app(signed_in(head_of(school_a)))
    client = Client()
    assert sign_in(client, school_a.urn)["Location"] == "/accounts/2fa/authenticate/"
    assert signed_in_as(client) is None
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert signed_in_as(client) == school_a.urn


def test_secrets_are_encrypted_at_rest(school_a: School) -> None:
    head = head_of(school_a)
    client = signed_in(head)
    secret = set_up_app(client)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=head, type=Authenticator.Type.RECOVERY_CODES)
    ).generate_codes()
    data = stored(head)
    assert secret not in data and secret.lower() not in data
    for kept in Authenticator.objects.filter(user=head):
        raw = kept.data.get("secret") or kept.data["seed"]
        assert raw.startswith("gAAAAA")  # a Fernet token
    # ...and they still work: the app's code, then a recovery code.
    assert codes[0] not in data
    for code in (current_code(secret), codes[0]):
        fresh = Client()
        sign_in(fresh, school_a.urn)
        fresh.post("/accounts/2fa/authenticate/", {"code": code})
        assert signed_in_as(fresh) == school_a.urn


def test_the_key_comes_from_settings_and_can_be_changed(db: None) -> None:
    seal, unseal = two_factor().seal, two_factor().unseal
    SecretUnreadableError = two_factor().SecretUnreadableError  # noqa: N806
    with override_settings(KEYSTAGE_MFA_KEYS=["the old key"]):
        token = seal("JBSWY3DPEHPK3PXP")
    with override_settings(KEYSTAGE_MFA_KEYS=["a new key"]), pytest.raises(SecretUnreadableError):
        unseal(token)
    with override_settings(KEYSTAGE_MFA_KEYS=["a new key", "the old key"]):
        assert unseal(token) == "JBSWY3DPEHPK3PXP"  # the old one still opens, the new seals
        assert unseal(seal("X")) == "X"
    with override_settings(KEYSTAGE_MFA_KEYS=[]), pytest.raises(SecretUnreadableError):
        unseal(token)  # unset: a key from the secret key, not the old one


def test_the_migration_encrypts_secrets_stored_in_plain_text(school_a: School) -> None:
    head = head_of(school_a)
    secret = generate_totp_secret()
    # As stored before: plain text, through the model (bypassing the adapter).
    Authenticator.objects.create(user=head, type="totp", data={"secret": secret})
    Authenticator.objects.create(
        user=head, type="recovery_codes", data={"seed": "ab" * 40, "used_mask": 0}
    )
    sealing().seal_plaintext(apps, None)
    sealing().seal_plaintext(apps, None)  # twice changes nothing more
    assert secret not in stored(head) and "ab" * 40 not in stored(head)
    assert TOTP(Authenticator.objects.get(user=head, type="totp")).validate_code(
        current_code(secret)
    )
    sealing().open_sealed(apps, None)  # going back
    assert Authenticator.objects.get(user=head, type="totp").data["secret"] == secret


def test_the_admin_never_shows_a_secret_or_recovery_codes(school_a: School) -> None:
    head = head_of(school_a)
    secret = set_up_app(signed_in(head))
    rc = Authenticator.objects.get(user=head, type=Authenticator.Type.RECOVERY_CODES)
    codes = RecoveryCodes(rc).generate_codes()
    hidden = [secret, *codes, *(a.data.get("secret") or a.data["seed"] for a in [rc])]
    hidden.append(Authenticator.objects.get(user=head, type="totp").data["secret"])
    admin = signed_in(make_admin("la.root", superuser=True))
    pages = ["/admin/mfa/authenticator/", f"/admin/portal/user/{head.pk}/change/"]
    pages += [f"/admin/mfa/authenticator/{a.pk}/change/" for a in Authenticator.objects.all()]
    for page in pages:
        response = admin.get(page)
        assert response.status_code == 200, page
        text = response.content.decode()
        assert not [value for value in hidden if value in text], page


def test_the_la_removes_a_lost_phone_in_the_admin(school_a: School) -> None:
    head = head_of(school_a)
    set_up_app(signed_in(head))
    root = make_admin("la.root", superuser=True)
    app = Authenticator.objects.get(user=head, type="totp")
    response = signed_in(root).post(f"/admin/mfa/authenticator/{app.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=head).exists()  # the recovery codes too
    [removed] = [e for e in actions(AuditEvent.Action.MFA_CHANGED) if e.actor == "la.root"]
    assert removed.school == school_a.laestab and school_a.urn in removed.what


def test_recovery_codes_are_shown_once(school_a: School) -> None:
    client = signed_in(head_of(school_a))
    set_up_app(client)
    rc = Authenticator.objects.get(user=head_of(school_a), type="recovery_codes")
    codes = RecoveryCodes(rc).generate_codes()
    first = client.get("/accounts/2fa/recovery-codes/")
    assert all(code in first.content.decode() for code in codes)
    again = client.get("/accounts/2fa/recovery-codes/")
    assert not [code for code in codes if code in again.content.decode()]
    assert client.get("/accounts/2fa/recovery-codes/download/").status_code in (403, 404)


@override_settings(KEYSTAGE_HEADS_MUST_USE_2FA=True)
def test_the_la_can_require_two_factor_of_heads(school_a: School) -> None:
    head = signed_in(head_of(school_a))
    assert head.get("/")["Location"] == "/accounts/2fa/totp/activate/"
    staff = make_staff(school_a, "officer@school.example")
    assert signed_in(staff).get("/").status_code == 200  # only heads
    set_up_app(head)
    assert head.get("/").status_code == 200
    # ...and a head cannot turn it off while it is required.
    head.post("/accounts/2fa/totp/deactivate/", {})
    assert Authenticator.objects.filter(user=head_of(school_a), type="totp").exists()


def test_a_head_may_turn_it_off_when_not_required(school_a: School) -> None:
    head = signed_in(head_of(school_a))
    set_up_app(head)
    head.post("/accounts/2fa/totp/deactivate/", {})
    assert not Authenticator.objects.filter(user=head_of(school_a)).exists()


def test_wrong_codes_refusals_and_changes_are_audited(
    school_a: School, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """allauth announces set-up and removal once its transaction commits."""
    head = signed_in(head_of(school_a))
    with django_capture_on_commit_callbacks(execute=True):
        secret = set_up_app(head)
    assert [e.detail["kind"] for e in actions(AuditEvent.Action.MFA_CHANGED)] == [
        "totp",
        "recovery_codes",
    ]
    client = from_address("203.0.113.7")
    sign_in(client, school_a.urn)
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": wrong_code(secret)})
    wrong = actions(AuditEvent.Action.MFA_FAILED)
    assert len(wrong) == 5
    assert {(e.ip, e.school) for e in wrong} == {("203.0.113.7", school_a.laestab)}
    refused = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert "too many times" in refused.content.decode()
    [throttled] = actions(AuditEvent.Action.THROTTLED)
    assert throttled.detail["step"] == "code" and throttled.school == school_a.laestab
    head.post("/accounts/reauthenticate/", {"password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        head.post("/accounts/2fa/totp/deactivate/", {})
    turned_off = actions(AuditEvent.Action.MFA_CHANGED)[2:]
    assert {e.detail["kind"] for e in turned_off} == {"totp", "recovery_codes"}
    assert all(e.actor == school_a.urn for e in turned_off)


def migration_file() -> Path:
    return Path(sealing().__file__)


def test_the_migration_carries_its_own_sealing() -> None:
    """Renaming or changing the live module later must not change what the migration runs."""
    tree = ast.parse(migration_file().read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    allowed = ("django", "cryptography", *sys.stdlib_module_names)
    assert {name for name in imported if name and name.split(".")[0] not in allowed} == set()


KEY_SETTINGS = [  # (where a token is sealed, where it must open)
    ({"KEYSTAGE_MFA_KEYS": []}, {"KEYSTAGE_MFA_KEYS": []}),
    ({"KEYSTAGE_MFA_KEYS": ["the key"]}, {"KEYSTAGE_MFA_KEYS": ["the key"]}),
    ({"KEYSTAGE_MFA_KEYS": ["the old key"]}, {"KEYSTAGE_MFA_KEYS": ["a new key", "the old key"]}),
    (
        {"KEYSTAGE_MFA_KEYS": [], "SECRET_KEY": "an older secret key"},
        {"KEYSTAGE_MFA_KEYS": [], "SECRET_KEY_FALLBACKS": ["an older secret key"]},
    ),
]


@pytest.mark.parametrize(("sealed_with", "opened_with"), KEY_SETTINGS)
def test_the_migrations_sealing_and_the_services_open_each_others(
    sealed_with: dict[str, Any], opened_with: dict[str, Any]
) -> None:
    live, copy = two_factor(), sealing()
    for secret in ("JBSWY3DPEHPK3PXP", "ab" * 40):
        with override_settings(**sealed_with):
            by_copy, by_live = copy.seal(secret), live.seal(secret)
        with override_settings(**opened_with):
            assert live.unseal(by_copy) == copy.unseal(by_live) == secret
        assert copy.is_sealed(by_live) and live.is_sealed(by_copy) and not copy.is_sealed(secret)


def at_the_code_step(school: School, address: str = "203.0.113.7") -> Client:
    client = from_address(address)
    assert sign_in(client, school.urn)["Location"] == "/accounts/2fa/authenticate/"
    return client


def test_wrong_codes_are_counted_in_the_database_whatever_the_cache_forgets(
    school_a: School,
) -> None:
    """The database cache culls a third of itself when full, and can be cleared: the count of
    wrong codes must not go with it."""
    secret = set_up_app(signed_in(head_of(school_a)))
    client = at_the_code_step(school_a)
    for _ in range(3):
        client.post("/accounts/2fa/authenticate/", {"code": wrong_code(secret)})
    cache.clear()
    for _ in range(2):
        client.post("/accounts/2fa/authenticate/", {"code": wrong_code(secret)})
    cache.clear()
    refused = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert signed_in_as(client) is None
    assert "entered a wrong code too many times" in refused.content.decode()
    assert len(actions(AuditEvent.Action.MFA_FAILED)) == 5
    [throttled] = actions(AuditEvent.Action.THROTTLED)
    assert throttled.detail["step"] == "code"


def test_wrong_codes_from_any_browser_count_for_the_account(school_a: School) -> None:
    """Only someone with the password reaches the code: five wrong codes in 15 minutes from
    anywhere are all an account has."""
    secret = set_up_app(signed_in(head_of(school_a)))
    for n in range(5):
        client = at_the_code_step(school_a, f"198.51.100.{n}")
        client.post("/accounts/2fa/authenticate/", {"code": wrong_code(secret)})
    elsewhere = at_the_code_step(school_a, "192.0.2.99")
    elsewhere.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert signed_in_as(elsewhere) is None


def test_codes_asked_again_before_a_sensitive_step_are_counted_too(school_a: School) -> None:
    head = signed_in(head_of(school_a))
    secret = set_up_app(head)
    for _ in range(5):
        head.post("/accounts/2fa/reauthenticate/", {"code": wrong_code(secret)})
    cache.clear()
    refused = head.post("/accounts/2fa/reauthenticate/", {"code": current_code(secret)})
    assert refused.status_code == 200  # not let through to the step
    assert "entered a wrong code too many times" in refused.content.decode()
    wrong = actions(AuditEvent.Action.MFA_FAILED)
    assert len(wrong) == 5 and all(event.detail["reauthentication"] for event in wrong)
