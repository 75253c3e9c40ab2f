"""The pages people see when something goes wrong: never a stack trace, always a way on.

The 400 and 500 pages are drawn without the request's context (no database, no session: they
must work when those are what failed); the 500 page shows the request id, so a school can
quote it and the data team can find the log lines. Django's own 403 and 404 handlers use the
403.html and 404.html templates as they are.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from keystage.web.common.middleware import request_id

log = logging.getLogger(__name__)


def _page(template: str, request: HttpRequest, **context: object) -> str:
    return render_to_string(
        template,
        {
            "la_name": settings.LA_NAME,
            "service_name": settings.SERVICE_NAME,
            "request_id": request_id(request),
            **context,
        },
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(_page("400.html", request), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return HttpResponse(_page("500.html", request), status=500)
    except Exception:  # the page itself failed (a broken template, say): plain words then
        log.exception("the 500 page could not be drawn")
        reference = request_id(request) or "none"
        return HttpResponse(
            f"Sorry, there is a problem with the service. Try again later. If it keeps "
            f"happening, contact the assessment data team and give them this reference: "
            f"{reference}",
            status=500,
            content_type="text/plain; charset=utf-8",
        )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after its session ended (the usual cause), in words a school office uses."""
    log.warning("form refused by the CSRF check: %s", reason)
    return HttpResponse(_page("403_csrf.html", request), status=403)
