"""What the register's page and the provider list's page share: the list a person uploaded and
has not yet applied or discarded, and that only LA administrators load one."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from keystage.web.accounts.access import signed_in
from keystage.web.models import RegisterLoad, User


def pending(user: User, kind: str) -> RegisterLoad | None:
    """The files of `kind` (SCHOOL: the register; SETTING: the provider list) this person
    uploaded and has not yet applied or discarded."""
    return RegisterLoad.objects.filter(uploaded_by=user, applied_at__isnull=True, kind=kind).first()


def admin_loading(request: HttpRequest, what: str) -> User:
    """The LA administrator loading `what`; anyone else is told the page is not theirs."""
    user = signed_in(request)
    if not user.is_la_admin:
        raise Http404(f"Loading {what} is for LA administrators.")
    return user
