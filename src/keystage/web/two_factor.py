"""Two-factor sign-in (allauth.mfa): who must use it, its secrets encrypted at rest, its refusals
in the audit trail.

An authenticator app's secret and the seed recovery codes are made from are stored in the
database (allauth's Authenticator.data). allauth passes both through its MFA adapter's
encrypt() and decrypt(): here they are sealed with Fernet (AES and an HMAC) under a key from
settings.KEYSTAGE_MFA_KEYS, else one derived from SECRET_KEY, so a copy of the database or a
backup alone cannot make anyone's codes. Migration 0010 sealed the secrets stored before.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError

from keystage.web import audit
from keystage.web.models import Role, User

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


class AuthenticateForm(AllauthAuthenticateForm):
    """The code step of signing in: a refusal for too many wrong codes goes in the audit trail
    (each wrong code is there already, from allauth's authentication_failed signal)."""

    def clean_code(self) -> Any:
        try:
            return super().clean_code()
        except ValidationError as refused:
            if refused.code == "too_many_login_attempts":
                audit.throttled(context.request, self.user, self.user.username, step="code")
            raise
