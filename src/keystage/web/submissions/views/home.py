from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from keystage.web.models import User
from keystage.web.submissions.views import school


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Everyone lands here after signing in; the LA's people go to their own pages."""
    if isinstance(request.user, User) and request.user.is_la:
        return redirect("portal:la")
    return school.home(request)
