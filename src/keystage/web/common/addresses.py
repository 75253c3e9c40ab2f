"""Whose email address is whose.

The LA sets head teachers' addresses and its own people's (in the admin); a head sets their
staff's (People). A member of staff changes their own at /accounts/email/: the new address
counts only once they open the link we send to it, and replaces the old one then. Nobody can
take an address another account has. The one exception is the LA's to make: several head
teachers' accounts may share one address (the executive head of a federation), and signing in
by such an address is refused in favour of the school's URN (keystage.web.accounts.signin).

Signing in and password resets look only at an account's own address (User.email), never at
an address still waiting for its link.
"""

from __future__ import annotations

from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from keystage.web.models import Role, User

TAKEN = "This email address belongs to another account. Use an email address of your own"
SHARING = "Only head teachers' accounts may share one (the executive head of a federation)"


def holders(email: str, *, other_than: User | None = None) -> list[User]:
    """Accounts with the address: as their own, as their sign-in name (staff are named by
    theirs), or confirmed through its link."""
    found = User.objects.filter(
        Q(email__iexact=email)
        | Q(username__iexact=email)
        | Q(emailaddress__email__iexact=email, emailaddress__verified=True)
    ).distinct()
    if other_than is not None:
        found = found.exclude(pk=other_than.pk)
    return list(found)


def refusal(email: str, account: User) -> str | None:
    """Why `account` may not have `email`; None when it may."""
    others = holders(email, other_than=account)
    if not others:
        return None
    if account.role == Role.HEAD and all(other.role == Role.HEAD for other in others):
        return None  # a federation: the LA sets one address on its heads' accounts
    return TAKEN


def sign_in_owners(email: str) -> list[User]:
    """The accounts signing in by this address would mean: by their own address only."""
    return list(User.objects.filter(email__iexact=email.strip()))


def may_change_own(user: User) -> bool:
    """Staff change their own address; heads' and the LA's are the LA's to set."""
    return user.role == Role.STAFF


def _waiting(user: User) -> QuerySet[EmailAddress]:
    # allauth keeps a row for the account's own address too (unconfirmed, as the LA set it).
    return EmailAddress.objects.filter(user=user, verified=False).exclude(email__iexact=user.email)


def pending(user: User) -> EmailAddress | None:
    """The address a member of staff is changing to, until they open its link."""
    return _waiting(user).order_by("pk").last()


def start_change(request: HttpRequest, user: User, email: str) -> EmailAddress:
    """Keeps the new address aside (unconfirmed) and sends its link; an earlier one is dropped.

    Not allauth's add_new_email: it takes the row of the account's own address for the one
    waiting, and removing that blanks the account's address."""
    _waiting(user).delete()
    address, _ = EmailAddress.objects.get_or_create(user=user, email=email.strip().lower())
    send_link(request, address)
    return address


def send_link(request: HttpRequest, address: EmailAddress) -> bool:
    """Emails the address its link; False when one went in the last 3 minutes (allauth's
    limit per address: a page cannot be used to flood someone's mailbox)."""
    return bool(send_verification_email_to_address(request, address))


def follow_address(user: User, old_email: str) -> None:
    """A member of staff's sign-in name is their address: it follows a confirmed change, so
    the old address names nobody any more."""
    if user.role == Role.STAFF and user.username.lower() == old_email.lower():
        user.username = user.email
        user.save(update_fields=["username"])
