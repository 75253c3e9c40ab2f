"""The head's page for the school's staff accounts and what each may do."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from keystage.web.accounts import invitations, staff
from keystage.web.accounts.access import head_required, own_staff, school_of, signed_in
from keystage.web.common.forms import StaffForm, StaffRightsForm
from keystage.web.models import User


@head_required
def people(request: HttpRequest) -> HttpResponse:
    school = school_of(request)
    form = StaffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = staff.add_staff(
            school, email=data["email"], first_name=data["first_name"],
            last_name=data["last_name"], rights=_rights(data),
        )  # fmt: skip
        _invite(request, person, signed_in(request), added=True)
        return redirect("portal:people")
    return render(
        request,
        "portal/people.html",
        {
            "school": school,
            "staff": [(m, invitations.waiting(m)) for m in staff.staff_of(school)],
            "form": form,
            "lasts": invitations.lasts(),
        },
        status=400 if form.errors else 200,
    )


@head_required
def invite_again(request: HttpRequest, user_id: int) -> HttpResponse:
    """Sends a member of staff who has not chosen a password yet a new invitation."""
    member = own_staff(request, user_id)
    if request.method != "POST":
        return redirect("portal:people")
    if not invitations.waiting(member):
        messages.info(
            request,
            f"{member.get_full_name()} has chosen a password already. If they have forgotten "
            "it, they can reset it from the sign-in page.",
        )
    elif not ratelimit.consume(request, action="reset_password", key=member.email.lower()):
        messages.info(
            request,
            f"We have sent {member.get_full_name()} several invitations in the last few "
            "minutes. Wait 5 minutes before you send another.",
        )
    else:
        _invite(request, member, signed_in(request), added=False)
    return redirect("portal:people")


@head_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    member = own_staff(request, user_id)
    held = staff.rights_of(member)
    initial = {
        "can_upload": held.can_upload,
        "can_sign": held.can_sign,
        "can_see_pupil_reports": held.can_see_pupil_reports,
        "active": member.is_active,
    }
    form = StaffRightsForm(request.POST or None, initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if staff.set_rights(request, member, _rights(data), active=data["active"]):
            messages.success(request, f"{member.get_full_name()}'s account is updated.")
        return redirect("portal:people")
    return render(
        request,
        "portal/person.html",
        {"school": school_of(request), "member": member, "form": form},
    )


def _rights(data: dict[str, bool]) -> staff.Rights:
    return staff.Rights(data["can_upload"], data["can_sign"], data["can_see_pupil_reports"])


def _invite(request: HttpRequest, person: User, head: User, *, added: bool) -> None:
    name = person.get_full_name()
    has = f"{name} has an account. " if added else ""
    if invitations.send(person, invited_by=head):
        messages.success(
            request,
            f"{has}We have emailed {person.email} an invitation to set their password. "
            f"The link in it works for {invitations.lasts()}.",
        )
    else:
        messages.warning(
            request,
            f"{has}We could not send the invitation to {person.email}. Try sending it again "
            "from this page in a few minutes.",
        )
