"""The audit trail: who did what, when, from where. Plain values, no foreign keys to the
things described, so an event outlives the submissions, schools and accounts it names.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        UPLOAD = "upload", "Uploaded a file"
        DOWNLOAD = "download", "Downloaded pupil-level data"
        CONFIRM = "confirm", "Signed the confirmation form"
        DECIDE = "decide", "Decided which school reports a pupil"
        LOCK = "lock", "Locked"
        UNLOCK = "unlock", "Unlocked"
        QUERY = "query", "Raised or answered a data-team query"
        IMPORT = "import", "Imported a file from another channel"
        REMINDERS = "reminders", "Switched reminders on or off"
        PUBLISH = "publish", "Published reports"
        MODERATE = "moderate", "Recorded or told a school its KS2 moderation"
        APPEAL = "appeal", "Appealed a moderation, or reviewed or decided an appeal"
        STATEMENT = "statement", "Published the data-sharing statement"
        RETENTION = "retention", "Set how long a collection's data are kept"
        PURGE = "purge", "Removed pupils' names and files under the retention policy"
        MFA_FAILED = "mfa_failed", "Two-factor code refused"
        THROTTLED = "throttled", "Sign-in refused after too many failed attempts"
        MFA_CHANGED = "mfa_changed", "Set up, changed or removed two-factor sign-in"
        VIEW = "view", "Viewed pupil-level data"
        HOLD = "hold", "Held, released or refused a file with pupils of other schools"
        SCHOOLS = "schools", "Loaded schools from the register, their links or addresses"
        EXPECTED = "expected", "Changed whether a collection expects a school, or opted in or out"
        CODE_TABLES = "code_tables", "Loaded or published a year's code tables"
        ACCOUNT = "account", "Made, invited, turned on or off, or changed an account or its rights"

    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor = models.CharField(max_length=150, blank=True, db_index=True)
    role = models.CharField(max_length=10, blank=True)
    school = models.CharField(max_length=7, blank=True, db_index=True)  # LAESTAB
    collection = models.CharField(max_length=20, blank=True)  # "KS1 2025-26"
    what = models.TextField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
