"""Receipts: a short email to the school (its main address and its head) each time something
happens that someone there should be able to notice if they did not do it: an account's first
sign-in, and a changed email address (to the old address too, whose owner may be the one who
did not change it). The signature's receipt is sent by submissions.confirmations with `send`.

Each is sent once the change is saved (on commit), and a mail server that refuses it is logged,
never the reason a sign-in or a change fails.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from keystage.web.common import clock, mail
from keystage.web.models import School, User

log = logging.getLogger(__name__)


def when(moment: dt.datetime) -> str:
    """ "10:42am on Monday 9 March 2026": the time a receipt gives, in the LA's time zone."""
    local = timezone.localtime(moment)
    return f"{local:%-I:%M}{local:%p}".lower() + f" on {local:%A %-d %B %Y}"


def send(
    template: str, school: School, context: dict[str, Any], also: tuple[str, ...] = ()
) -> None:
    """Emails `email/<template>.txt` to the school's main address, its head and `also`, once
    the present transaction is saved."""
    to = sorted(set(mail.school_addresses(school)) | {a.strip().lower() for a in also if a})
    context = {"school": school, "contact": settings.ENQUIRIES_EMAIL, **context}
    transaction.on_commit(lambda: _send(template, to, context))


def _send(template: str, to: list[str], context: dict[str, Any]) -> None:
    try:
        mail.send(template, to, context)
    except (smtplib.SMTPException, OSError):
        log.exception("the %s receipt to %s could not be sent", template, context["school"].pk)


def first_sign_in(person: User) -> None:
    """A head's or staff member's first sign-in (LA accounts have no school to tell)."""
    if person.school is None or not person.is_school_user:
        return
    send("receipt_first_sign_in", person.school, {
        "person": person, "name": name_of(person), "at": when(clock.now()),
    })  # fmt: skip


def email_changed(person: User, old_email: str, *, how: str) -> None:
    """`person`'s address changed from `old_email`; `how` says who changed it ("the LA's
    administrator, as the school has a new head teacher")."""
    if person.school is None or old_email.strip().lower() == person.email.strip().lower():
        return
    send("receipt_email_changed", person.school, {
        "person": person, "name": name_of(person), "old": old_email, "new": person.email,
        "how": how, "at": when(clock.now()),
    }, also=(old_email,))  # fmt: skip


def name_of(person: User) -> str:
    """ "Sam Officer (school staff)", or the sign-in name when the account has no name."""
    return (
        f"{person.get_full_name().strip() or person.username} ({person.get_role_display().lower()})"
    )
