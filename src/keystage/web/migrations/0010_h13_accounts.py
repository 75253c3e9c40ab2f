"""Two-factor secrets stored before they were encrypted at rest are encrypted now.

Each authenticator app's secret (Authenticator.data["secret"]) and each set of recovery
codes' seed (data["seed"], and any codes carried over from django-allauth's older format in
data["migrated_codes"]) is sealed with keystage.web.two_factor's key; values sealed already are
left as they are, so the migration can run twice. Going back opens them again.
"""

from typing import Any

from django.db import migrations

from keystage.web.two_factor import is_sealed, seal, unseal


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
