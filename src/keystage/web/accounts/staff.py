"""A school's staff accounts, as the head keeps them: adding one, and what it may do.

A head decides three rights for each member of staff (models.User): uploading the school's
files, signing the confirmation form, and downloading the pupil-level reports. A head always
has all three. Each is enforced where it is used: the upload form (submissions.views.school),
the confirmation (submissions.confirmations) and the report download (reports.views).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from keystage.web.common.audit import Action, record
from keystage.web.models import Role, School, User


@dataclass(frozen=True)
class Rights:
    can_upload: bool
    can_sign: bool
    can_see_pupil_reports: bool

    def in_words(self) -> str:
        """What they may do, for the invitation and the audit trail."""
        said = [words for right, words in zip(self.held(), WORDS, strict=True) if right]
        if not said:
            return NONE
        return ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]

    def held(self) -> tuple[bool, bool, bool]:
        return (self.can_upload, self.can_sign, self.can_see_pupil_reports)


NONE = "see the school's collections, but not upload, sign or download pupil-level reports"
WORDS = ("upload the school's files", "sign the confirmation form",
         "download the pupil-level reports")  # fmt: skip


def rights_of(person: User) -> Rights:
    if person.role == Role.HEAD:
        return Rights(True, True, True)
    return Rights(person.can_upload, person.can_sign, person.can_see_pupil_reports)


def add_staff(
    school: School, *, email: str, first_name: str, last_name: str, rights: Rights
) -> User:
    """A member of staff named by their address, with no password until they choose one (the
    invitation's link: keystage.web.accounts.invitations)."""
    person = User(
        username=email, email=email, first_name=first_name, last_name=last_name,
        role=Role.STAFF, school=school, can_upload=rights.can_upload, can_sign=rights.can_sign,
        can_see_pupil_reports=rights.can_see_pupil_reports,
    )  # fmt: skip
    person.set_unusable_password()
    person.save()
    return person


def set_rights(request: HttpRequest, member: User, rights: Rights, *, active: bool) -> bool:
    """The head's choices for one member of staff, audited; False when nothing changed."""
    before = (rights_of(member), member.is_active)
    if before == (rights, active):
        return False
    member.can_upload, member.can_sign, member.can_see_pupil_reports = rights.held()
    member.is_active = active
    member.save(update_fields=["can_upload", "can_sign", "can_see_pupil_reports", "is_active"])
    state = "on" if active else "off"
    record(Action.ACCOUNT, f"set {member.username}'s account {state}; they may "
           f"{rights.in_words()}", request=request, school=member.school, account=member.pk,
           can_upload=rights.can_upload, can_sign=rights.can_sign,
           can_see_pupil_reports=rights.can_see_pupil_reports, active=active)  # fmt: skip
    return True


def staff_of(school: School) -> list[User]:
    return list(User.objects.filter(school=school, role=Role.STAFF).order_by("last_name"))
