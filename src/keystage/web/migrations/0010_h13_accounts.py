"""Two-factor secrets stored before they were encrypted at rest are encrypted now.

Each authenticator app's secret (Authenticator.data["secret"]) and each set of recovery
codes' seed (data["seed"], and any codes carried over from django-allauth's older format in
data["migrated_codes"]) is sealed with the key keystage.web.accounts.two_factor uses; values sealed
already are left as they are, so the migration can run twice. Going back opens them again.

The sealing is copied here from keystage.web.accounts.two_factor as it was, not imported: a migration
must run the same whatever later becomes of the live code (tests/web/test_two_factor.py checks
that the two still open each other's tokens).
"""

import base64
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import migrations

SEALED_PREFIX = "gAAAAA"  # a Fernet token's version byte, base64-encoded


def _box() -> MultiFernet:
    """KEYSTAGE_MFA_KEYS, else SECRET_KEY and its fallbacks: the first seals, each opens."""
    keys = tuple(settings.KEYSTAGE_MFA_KEYS) or (
        settings.SECRET_KEY,
        *getattr(settings, "SECRET_KEY_FALLBACKS", ()),
    )
    return MultiFernet([_fernet(key) for key in keys])


def _fernet(key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"keystage two-factor secrets"
    ).derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED_PREFIX)


def seal(secret: str) -> str:
    return _box().encrypt(secret.encode()).decode("ascii")


def unseal(stored: str) -> str:
    try:
        return _box().decrypt(stored.encode("ascii")).decode()
    except InvalidToken as wrong_key:
        raise RuntimeError(
            "A two-factor secret cannot be decrypted: KEYSTAGE_MFA_KEY (or, unset, "
            "KEYSTAGE_SECRET_KEY) is not the key it was stored with. Put the old key back, "
            "or list it after the new one in KEYSTAGE_MFA_KEY."
        ) from wrong_key


def _each_secret(data: dict[str, Any], change: Any) -> bool:
    changed = False
    for key in ("secret", "seed"):
        if isinstance(data.get(key), str):
            new = change(data[key])
            changed |= new != data[key]
            data[key] = new
    if isinstance(data.get("migrated_codes"), list):
        new_codes = [change(code) for code in data["migrated_codes"]]
        changed |= new_codes != data["migrated_codes"]
        data["migrated_codes"] = new_codes
    return changed


def _rewrite(apps: Any, change: Any) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        if _each_secret(authenticator.data, change):
            authenticator.save(update_fields=["data"])


def seal_plaintext(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, lambda text: text if is_sealed(text) else seal(text))


def open_sealed(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, lambda text: unseal(text) if is_sealed(text) else text)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0009_audit_and_held"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(seal_plaintext, open_sealed)]
