"""Head teachers' accounts, as the LA makes and hands them on. A school has one: its sign-in
name is the school's URN, and it belongs to whoever is head now.

The LA makes them in bulk for the open schools that have none, from the head's name in the
register (GIAS) and the head's address from the LA's own list; each new head is invited to
choose a password (accounts.invitations, in a task: accounts.tasks). When GIAS names a new head,
the LA gives the school's account to them: the new name and address, no password (so the old
head's, their signed-in browsers and their two-factor app stop working), a new invitation, and a
receipt to the school and to the old address. Both are audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from keystage.web.accounts import receipts
from keystage.web.common import addresses, audit
from keystage.web.common.clock import today
from keystage.web.models import Role, School, User


@dataclass(frozen=True)
class Head:
    """Who the head is: as the register and the LA's list give them, or as the LA types."""

    title: str
    first_name: str
    last_name: str
    email: str

    @classmethod
    def of(cls, school: School) -> Head:
        return cls(school.head_title, school.head_first_name, school.head_last_name,
                   school.head_email.strip().lower())  # fmt: skip


def account_of(school: School) -> User | None:
    return User.objects.filter(username=school.urn).first()


def schools_without_account() -> list[School]:
    """Open schools (by the register's dates) with no account named by their URN."""
    taken = set(User.objects.values_list("username", flat=True))
    day = today()
    return [s for s in School.objects.order_by("name") if s.is_open_on(day) and s.urn not in taken]


def make_accounts(request: HttpRequest, schools: list[School]) -> list[User]:
    """A head's account for each school that has a head's address and no account yet; schools
    without an address are left for the LA to give one (the school's head page)."""
    made = []
    with transaction.atomic():
        for school in schools:
            if school.head_email and account_of(school) is None:
                made.append(_new_account(school, Head.of(school)))
    if made:
        audit.record(audit.Action.ACCOUNT, f"made {len(made)} head teachers' accounts",
                     request=request, accounts=[a.pk for a in made])  # fmt: skip
    return made


def _new_account(school: School, head: Head) -> User:
    account = User(username=school.urn, role=Role.HEAD, school=school, email=head.email,
                   first_name=head.first_name, last_name=head.last_name)  # fmt: skip
    account.set_unusable_password()
    account.save()
    return account


def address_problem(school: School, email: str) -> str | None:
    """Why the school's head may not have this address (another school's staff has it)."""
    account = account_of(school) or User(username=school.urn, role=Role.HEAD, school=school)
    return addresses.refusal(email, account)


def hand_on(request: HttpRequest, school: School, head: Head) -> User:
    """The school's account becomes the new head's (made if the school had none). Their
    predecessor's access ends: no password, no two-factor app, no signed-in browser."""
    with transaction.atomic():
        account = account_of(school)
        if account is None:
            account = _new_account(school, head)
            old_email, what = "", f"made the head teacher's account of {school.reference}"
        else:
            old_email, what = account.email, f"gave {school.reference}'s account to a new head"
            _take_back(account, head)
        _note_in_register(school, head)
        audit.record(audit.Action.ACCOUNT, f"{what}: {head.first_name} {head.last_name}, "
                     f"{head.email}", request=request, school=school, account=account.pk,
                     old_email=old_email, new_email=head.email)  # fmt: skip
    if old_email:
        how = (f"the {settings.LA_NAME} assessment data team, as the school has a new head "
               "teacher (the previous head can no longer sign in with this account)")  # fmt: skip
        receipts.email_changed(account, old_email, how=how)
    return account


def _take_back(account: User, head: Head) -> None:
    """Whoever held the account loses it: the password (and with it every signed-in browser,
    remembered device and unused link), the two-factor app and the addresses they added."""
    account.first_name, account.last_name, account.email = (head.first_name, head.last_name,
                                                            head.email)  # fmt: skip
    account.set_unusable_password()
    account.last_login = None  # the new head's first sign-in is still to come
    account.is_active = True
    account.save()
    Authenticator.objects.filter(user=account).delete()
    EmailAddress.objects.filter(user=account).delete()


def _note_in_register(school: School, head: Head) -> None:
    """The school's record names the head the LA gave the account to, until GIAS says more."""
    school.head_title, school.head_first_name, school.head_last_name = (
        head.title, head.first_name, head.last_name)  # fmt: skip
    school.head_email = head.email
    school.save(update_fields=["head_title", "head_first_name", "head_last_name", "head_email"])


def differs_from_register(account: User, school: School) -> bool:
    """GIAS (or the LA's list) names someone else as head than the account's holder."""
    named = Head.of(school)
    if not (named.first_name or named.last_name or named.email):
        return False
    held = (account.first_name.strip().lower(), account.last_name.strip().lower())
    if (named.first_name.lower(), named.last_name.lower()) != held:
        return True
    return bool(named.email) and named.email != account.email.strip().lower()
