"""A school's staff accounts, as the head keeps them: adding one, and what it may do."""

from __future__ import annotations

from keystage.web.models import Role, School, User


def add_staff(
    school: School, *, email: str, first_name: str, last_name: str, can_sign: bool
) -> User:
    """A member of staff named by their address, with no password until they choose one (the
    invitation's link: keystage.web.accounts.invitations)."""
    person = User(
        username=email, email=email, first_name=first_name, last_name=last_name,
        role=Role.STAFF, school=school, can_sign=can_sign,
    )  # fmt: skip
    person.set_unusable_password()
    person.save()
    return person


def set_rights(member: User, *, can_sign: bool, active: bool) -> None:
    member.can_sign, member.is_active = can_sign, active
    member.save(update_fields=["can_sign", "is_active"])


def staff_of(school: School) -> list[User]:
    return list(User.objects.filter(school=school, role=Role.STAFF).order_by("last_name"))
