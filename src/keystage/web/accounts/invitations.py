"""Invitations: the email that gives a new account its first password.

A head adds a member of staff (People), or the LA adds an account in the admin; either way the
person is emailed who set the account up, for which school, what the service is for, the name
they will sign in with, and a link to choose their password. The link is allauth's password
reset key (the same token, expiry and one use: settings.PASSWORD_RESET_TIMEOUT) at its own
address, /accounts/invitation/..., whose page is worded for someone new
(keystage.web.accounts.views.invitation). Until they choose a password the account has none
that works; whoever set it up can send the invitation again, to the account's own address only.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from urllib.parse import quote

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from keystage.web.accounts.staff import rights_of
from keystage.web.common import clock, mail
from keystage.web.models import Role, User

log = logging.getLogger(__name__)


def link(person: User) -> str:
    """The address of the page where `person` chooses their first password."""
    key = f"{user_pk_to_url_str(person)}-{default_token_generator.make_token(person)}"
    # As allauth does for its own link: the key is opaque, the URL pattern splits it.
    path = reverse("account_invitation", kwargs={"uidb36": "UID", "key": "KEY"})
    return mail.link(path.replace("UID-KEY", quote(key)))


def waiting(person: User) -> bool:
    """Invited, and has not chosen a password yet: the invitation may be sent again."""
    return person.is_active and not person.has_usable_password() and bool(person.email)


def may_send(person: User) -> bool:
    """An invitation can go to the account: it is on and has an address."""
    return person.is_active and bool(person.email)


def lasts() -> str:
    """How long a link works, in words ("3 days")."""
    seconds = int(settings.PASSWORD_RESET_TIMEOUT)
    if seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, seconds // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def expires(sent: dt.datetime) -> str:
    """When a link sent at `sent` stops working, as a person reads it: "5:30pm on Thursday
    12 March 2026"."""
    ends = timezone.localtime(sent + dt.timedelta(seconds=int(settings.PASSWORD_RESET_TIMEOUT)))
    return f"{ends:%-I:%M}{ends:%p}".lower() + f" on {ends:%A %-d %B %Y}"


def sign_in_name(person: User) -> str:
    """What the person types to sign in, in words."""
    if person.role == Role.HEAD and person.school is not None:
        if person.school.is_setting:
            return f"your setting's early years URN, {person.username}"
        return f"your school's URN, {person.username}"
    if person.username.lower() == person.email.lower():
        return f"your email address, {person.email}"
    return f"the name {person.username}"


def who_to_ask(person: User) -> str:
    """Who sends the invitation again, by the person's role."""
    if person.role == Role.STAFF:
        manager = (
            "setting's manager" if person.school and person.school.is_setting else "head teacher"
        )
        return f"your {manager} to send you another from the People page"
    if person.role == Role.HEAD:
        return (
            f"the {settings.LA_NAME} assessment data team to send you another: email "
            f"{settings.ENQUIRIES_EMAIL}"
        )
    return "your LA administrator to send you another"


def send(person: User, *, invited_by: User) -> bool:
    """Emails the invitation to the account's own address, and notes when (the LA's readiness
    page shows it); False when it could not be sent (the account stays, and the invitation can
    be sent again)."""
    sent = clock.now()
    context = {
        "person": person,
        "school": person.school,
        "by_head": invited_by.role == Role.HEAD and person.role == Role.STAFF,
        "inviter": _name(invited_by),
        "link": link(person),
        "lasts": lasts(),
        "expires": expires(sent),
        "sign_in_name": sign_in_name(person),
        "rights": rights_of(person).in_words(),
        "ask_again": who_to_ask(person),
        "contact": settings.ENQUIRIES_EMAIL,
    }
    try:
        if mail.send("invitation", [person.email], context) != 1:
            return False
    except (smtplib.SMTPException, OSError):
        log.exception("the invitation to account %s could not be sent", person.pk)
        return False
    User.objects.filter(pk=person.pk).update(invited_at=sent)
    person.invited_at = sent
    return True


def _name(user: User) -> str:
    return user.get_full_name().strip()
