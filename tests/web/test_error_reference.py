"""The 500 page's reference is in the log line of that error, in either log format: whoever a
school quotes it to finds the error (and its traceback) by searching the log for it."""

from __future__ import annotations

import logging
import logging.config
import re
from collections.abc import Iterator

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from keystage.web import urls
from keystage.web.common import logs


def _fails(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("a fault deep in a view")


urlpatterns = [*urls.urlpatterns, path("test-only/fails/", _fails)]
handler500 = urls.handler500


class Lines(logging.Handler):
    """Each record as the configured handler would write it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(params=["json", "text"])
def service_log(request: pytest.FixtureRequest) -> Iterator[Lines]:
    """The service's own log handler (settings.LOGGING's formatter and filter, as
    KEYSTAGE_LOG_FORMAT chooses them) on Django's request logger."""
    config = logs.logging_config(json_lines=request.param == "json", level="INFO", requests=False)
    configurator = logging.config.DictConfigurator(config)
    handler = Lines()
    handler.setFormatter(configurator.configure_formatter(config["formatters"]["keystage"]))
    handler.addFilter(logs.ContextFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.mark.urls(__name__)
def test_the_reference_on_the_500_page_is_in_the_errors_log_line(
    db: None, service_log: Lines
) -> None:
    response = Client(raise_request_exception=False).get("/test-only/fails/")
    assert response.status_code == 500
    shown = re.search(r'id="reference">([^<]+)<', response.content.decode())
    assert shown is not None
    reference = shown.group(1).strip()
    [error] = [line for line in service_log.lines if "Internal Server Error" in line]
    first_line = error.splitlines()[0]  # text: the traceback follows on the lines below
    assert reference in first_line
    assert "ZeroDivisionError" in error  # the line is the error's own, with its traceback
