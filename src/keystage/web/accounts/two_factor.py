"""Two-factor sign-in (allauth.mfa): who must use it, its secrets encrypted at rest, wrong codes
counted and refused in the audit trail.

An authenticator app's secret and the seed recovery codes are made from are stored in the
database (allauth's Authenticator.data). allauth passes both through its MFA adapter's
encrypt() and decrypt(): here they are sealed with Fernet (AES and an HMAC) under a key from
settings.KEYSTAGE_MFA_KEYS, else one derived from SECRET_KEY, so a copy of the database alone
cannot make anyone's codes. (`keystage serve` keeps its SECRET_KEY in the data folder beside the
SQLite database, so a copy of that folder can: production sets KEYSTAGE_MFA_KEY outside it.)
Migration 0010 sealed the secrets stored before, with its own copy of this sealing.
"""

from __future__ import annotations

import base64
import datetime as dt
from functools import lru_cache
from typing import Any

from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter, get_adapter
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import BaseAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from keystage.web.common import audit, clock, faultpoints
from keystage.web.models import AuditEvent, Role, User

Action = AuditEvent.Action
CODE_WINDOW = dt.timedelta(minutes=15)
CODES_AN_ACCOUNT = 5
# The kinds that take a typed code (a security key cannot; none is offered here anyway).
CODE_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)

# Every Fernet token starts with its version byte, 0x80, base64-encoded: no base32 TOTP secret
# (A-Z, 2-7) nor hex recovery seed (0-9, a-f) can start so.
SEALED_PREFIX = "gAAAAA"


class SecretUnreadableError(RuntimeError):
    """A stored secret does not open with any configured key."""


def _fernet(key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"keystage two-factor secrets"
    ).derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


@lru_cache(maxsize=4)
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(key) for key in keys])


def _keys() -> tuple[str, ...]:
    configured = tuple(settings.KEYSTAGE_MFA_KEYS)
    if configured:
        return configured
    return (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED_PREFIX)


def seal(secret: str) -> str:
    return _box(_keys()).encrypt(secret.encode()).decode("ascii")


def unseal(stored: str) -> str:
    try:
        return _box(_keys()).decrypt(stored.encode("ascii")).decode()
    except InvalidToken as wrong_key:
        raise SecretUnreadableError(
            "A two-factor secret cannot be decrypted: KEYSTAGE_MFA_KEY (or, unset, "
            "KEYSTAGE_SECRET_KEY) is not the key it was stored with. Put the old key back, "
            "or list it after the new one in KEYSTAGE_MFA_KEY."
        ) from wrong_key


def must_use_two_factor(user: User) -> bool:
    """LA accounts reach every school's pupils and admin (staff) accounts reach everything;
    head teachers too when the LA says so (KEYSTAGE_HEADS_MUST_USE_2FA)."""
    if user.is_la or user.is_superuser or user.is_staff:
        return True
    return bool(settings.KEYSTAGE_HEADS_MUST_USE_2FA) and user.role == Role.HEAD


def has_authenticator_app(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class TwoFactorAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "The code is not right. Enter the 6-digit code your authenticator "
        "app shows now, or one of your recovery codes",
        "too_many_codes": "You have entered a wrong code too many times. Wait 15 minutes and "
        "try again with the code your app shows at that time, or one of your recovery codes. "
        "If you have lost your phone and your recovery codes, ask the LA's administrator to "
        "reset your two-factor sign-in",
        "cannot_delete_authenticator": "Your account must use two-factor sign-in, so you "
        "cannot turn it off. If you have a new phone, ask the LA's administrator to reset "
        "your two-factor sign-in",
    }

    def encrypt(self, text: str) -> str:
        return seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        return unseal(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return not must_use_two_factor(authenticator.user)


class CodeCounted(BaseAuthenticateForm):
    """A code checked against the account's authenticators, wrong ones counted in the audit
    trail (MFA_FAILED) in place of allauth's count in the cache, which a busy cache forgets
    (the database cache culls a third of itself when full) and parallel requests can race.

    As with passwords (signin.py), the code is written down as wrong, committed, *before* it is
    checked, and taken out again if it was right: guesses sent at once, from any number of web
    processes, count each other, so at most CODES_AN_ACCOUNT of them are ever checked in
    CODE_WINDOW. The count is per account, whatever the address: only someone with the password
    gets this far. A refused code is not checked (THROTTLED in the trail).
    """

    reauthentication = False

    def clean_code(self) -> Any:
        request = context.request
        wrong = self._written_as_wrong(request)
        if _wrong_codes(self.user) > CODES_AN_ACCOUNT:
            wrong.delete()
            audit.throttled(request, self.user, self.user.username, step="code")
            raise get_adapter().validation_error("too_many_codes")
        code = self.cleaned_data["code"]
        if not self._right(code):
            raise get_adapter().validation_error("incorrect_code")
        wrong.delete()
        return code

    def _right(self, code: str) -> bool:
        """Whether the app (or an unused recovery code) takes the code; allauth's form's check,
        without its count. A wrong code is announced to the app, else the recovery codes."""
        kept = sorted(
            Authenticator.objects.filter(user=self.user, type__in=CODE_TYPES),
            key=lambda kind: kind.type != Authenticator.Type.TOTP,
        )
        for authenticator in kept:
            if authenticator.wrap().validate_code(code):
                authenticator.user = self.user
                self.authenticator = authenticator
                return True
        if kept:
            self._emit_authentication_failed(kept[0])
        return False

    def _written_as_wrong(self, request: HttpRequest | None) -> AuditEvent:
        user = self.user
        with transaction.atomic(durable=True):  # seen by every other process before counting
            wrong = audit.record(Action.MFA_FAILED, f"a wrong two-factor code for {user.username}",
                                 request=request, school=user.school, account=user.pk,
                                 reauthentication=self.reauthentication)  # fmt: skip
        faultpoints.reached("code-written")
        return wrong


def _wrong_codes(user: User) -> int:
    return AuditEvent.objects.filter(
        action=Action.MFA_FAILED, detail__account=user.pk, at__gt=clock.now() - CODE_WINDOW
    ).count()


class AuthenticateForm(CodeCounted, AllauthAuthenticateForm):
    """The code step of signing in."""


class ReauthenticateForm(CodeCounted, AllauthReauthenticateForm):
    """The code asked again of someone signed in, before a sensitive step."""

    reauthentication = True
