"""The head's page for the school's staff accounts and who may sign."""

from __future__ import annotations

from allauth.account.forms import ResetPasswordForm
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from keystage.web.access import own_staff, school_of, school_user_required
from keystage.web.forms import StaffForm, StaffRightsForm
from keystage.web.models import Role, User


def _head_only(request: HttpRequest) -> None:
    if not isinstance(request.user, User) or request.user.role != Role.HEAD:
        raise Http404("Only the head teacher's account manages staff accounts.")


@school_user_required
def people(request: HttpRequest) -> HttpResponse:
    _head_only(request)
    school = school_of(request)
    form = StaffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = User(
            username=data["email"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=Role.STAFF,
            school=school,
            can_sign=data["can_sign"],
        )
        person.set_unusable_password()
        person.save()
        _send_password_email(request, person)
        messages.success(
            request,
            f"{person.get_full_name()} has an account. We have emailed {person.email} a link "
            "to set their password.",
        )
        return redirect("portal:people")
    staff = User.objects.filter(school=school, role=Role.STAFF).order_by("last_name")
    return render(
        request,
        "portal/people.html",
        {"school": school, "staff": staff, "form": form},
        status=400 if form.errors else 200,
    )


def _send_password_email(request: HttpRequest, person: User) -> None:
    reset = ResetPasswordForm(data={"email": person.email})
    if reset.is_valid():
        reset.save(request)


@school_user_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    _head_only(request)
    member = own_staff(request, user_id)
    form = StaffRightsForm(
        request.POST or None, initial={"can_sign": member.can_sign, "active": member.is_active}
    )
    if request.method == "POST" and form.is_valid():
        member.can_sign = form.cleaned_data["can_sign"]
        member.is_active = form.cleaned_data["active"]
        member.save(update_fields=["can_sign", "is_active"])
        messages.success(request, f"{member.get_full_name()}'s account is updated.")
        return redirect("portal:people")
    return render(
        request,
        "portal/person.html",
        {"school": school_of(request), "member": member, "form": form},
    )
