"""The front door's middleware: a request id on every response and log line, one log line per
request, the headers Django does not set itself, no caching of anything but static files, and
sessions that end when left idle.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import empty
from whitenoise.middleware import WhiteNoiseFileResponse

from keystage.web.common import logs

log = logging.getLogger("keystage.request")

Handler = Callable[[HttpRequest], HttpResponseBase]
REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is taken only in this shape: it goes into headers and log lines as it is.
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def request_id(request: HttpRequest) -> str:
    """The id this request is known by in the logs (set by RequestIdMiddleware)."""
    return str(getattr(request, "request_id", "") or "")


class RequestIdMiddleware:
    """Gives each request an id (the trusted proxy's, or a new one), puts it on the response and
    on every log line written while the request is handled, then logs the request in one line.

    First in MIDDLEWARE, so every response gets the header and the timing covers everything.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        rid = self._from_proxy(request) or uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        token = logs.bind_request(request_id=rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = rid
            _log_request(request, response, time.perf_counter() - started)
        finally:
            logs.unbind_request(token)
        return response

    @staticmethod
    def _from_proxy(request: HttpRequest) -> str | None:
        if not settings.KEYSTAGE_BEHIND_PROXY:
            return None  # anyone could send the header: it would let them forge our log lines
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        return offered if _GOOD_ID.fullmatch(offered) else None


def _log_request(request: HttpRequest, response: HttpResponseBase, seconds: float) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    fields: dict[str, object] = {
        "method": request.method,
        "path": request.path,  # without the query string: it may hold what someone searched for
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 1),
    }
    fields.update(_who(request))
    log.info("%s %s %s", request.method, request.path, response.status_code, extra=fields)


def _who(request: HttpRequest) -> dict[str, object]:
    """The signed-in user, if this request already loaded them (never a query just to log)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return {}
    if not getattr(user, "is_authenticated", False):
        return {}
    return {
        "user_id": user.pk,
        "role": getattr(user, "role", ""),
        "school_id": getattr(user, "school_id", None),
    }


class SecurityHeadersMiddleware:
    """The headers SecurityMiddleware does not set: the browser features no page uses."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.KEYSTAGE_PERMISSIONS_POLICY)
        return response


NO_STORE = "no-store, private"


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every response but a static file.

    Pages, downloads, redirects, error pages and the health check may hold pupils' data or
    say who is signed in: no browser (a school office's shared computer) or proxy keeps a copy.
    Static files are the same for everyone and keep WhiteNoise's own caching. Second in
    MIDDLEWARE, so it also sees what the middleware below it answers (an https redirect, an
    upload refused at the door, a 404, a 500).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not isinstance(response, WhiteNoiseFileResponse):
            response["Cache-Control"] = NO_STORE  # replaces a view's own: nothing is kept
        return response


SIGNED_IN_AT = "keystage_signed_in_at"
TOUCHED_AT = "keystage_touched_at"


class SessionTimeoutMiddleware:
    """A session ends after SESSION_COOKIE_AGE of idleness and, used or not, after
    KEYSTAGE_SESSION_MAX_HOURS from signing in.

    Instead of SESSION_SAVE_EVERY_REQUEST (a database write on every page), the session is
    touched at most once every few minutes: its expiry moves on with it, the idle limit is met
    to within that slack, and busy pages on the deadline day do not all queue to write.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is not None and "_auth_user_id" in session:
            now = time.time()
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            if now - float(signed_in_at) > settings.KEYSTAGE_SESSION_MAX_SECONDS:
                session.flush()  # before anything reads request.user: it is anonymous now
            elif now - float(session.get(TOUCHED_AT, 0)) > settings.KEYSTAGE_SESSION_TOUCH_SECONDS:
                session[TOUCHED_AT] = now  # modified: saved with a fresh expiry
        return self.get_response(request)
