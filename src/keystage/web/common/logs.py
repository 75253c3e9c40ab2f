"""Structured logs: one JSON object a line, each carrying the request or task it belongs to.

A request's id (and a task's submission id) live in a context variable, bound by the request
middleware or the task signals; a filter copies them onto every record, so a line logged deep
inside a view or a check names its request without being passed it.

Settings and gunicorn's config import this module: it imports nothing of Django at load time.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import inspect
import json
import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django.tasks.signals import task_finished, task_started

_NOTHING: Mapping[str, object] = MappingProxyType({})
_request: contextvars.ContextVar[Mapping[str, object]] = contextvars.ContextVar(
    "keystage_log_request", default=_NOTHING
)
_task: contextvars.ContextVar[Mapping[str, object]] = contextvars.ContextVar(
    "keystage_log_task", default=_NOTHING
)

# A record's own attributes; anything else on it came as `extra` and goes into the line.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Django's request logger passes the request object itself: the line has its id instead.
_LEFT_OUT = frozenset({"request", "server_time"})


def bind_request(**fields: object) -> contextvars.Token[Mapping[str, object]]:
    return _request.set(MappingProxyType(dict(fields)))


def unbind_request(token: contextvars.Token[Mapping[str, object]]) -> None:
    _request.reset(token)


def current() -> Mapping[str, object]:
    return {**_task.get(), **_request.get()}


class ContextFilter(logging.Filter):
    """Adds the current request's id (or task's ids) to every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in current().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def _extras(record: logging.LogRecord) -> dict[str, object]:
    """What the line carries beyond the standard fields: the request's or task's ids (from
    ContextFilter) and whatever the caller passed as `extra`."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD and key not in _LEFT_OUT and not key.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, then every extra field.

    JSON escapes newlines and quotes, so a hostile path or file name cannot forge a line.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_extras(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The embedded default's lines, for a person reading a terminal: time, level, logger, the
    extra fields as [key=value ...] (the request id among them), then the message. The 500 page
    shows the request id as its reference: whoever is quoted it finds the error's line, and the
    traceback below it, by searching for it.
    """

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(_fields)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        fields = " ".join(f"{key}={value}" for key, value in _extras(record).items())
        record._fields = f" [{fields}]" if fields else ""
        return super().formatMessage(record)


def logging_config(*, json_lines: bool, level: str, requests: bool) -> dict[str, Any]:
    """Django's LOGGING: everything to standard error, as JSON lines or as plain text.

    `requests` turns on one line per request (logger keystage.request) at INFO.
    """
    formatter: dict[str, Any] = {
        "()": "keystage.web.common.logs.JsonFormatter"
        if json_lines
        else "keystage.web.common.logs.TextFormatter"
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "keystage.web.common.logs.ContextFilter"}},
        "formatters": {"keystage": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "keystage",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "keystage.request": {"level": "INFO" if requests else "WARNING"},
            # Django's own handlers would print 4xx/5xx a second time, without the context.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
        },
    }


# -- Tasks: the ids a task was given are on every line it logs ------------------------------------


def _task_started(sender: object, task_result: Any, **kwargs: object) -> None:
    fields: dict[str, object] = {"task": task_result.task.name, "task_id": str(task_result.id)}
    fields.update(_ids(task_result.task.func, task_result.args, task_result.kwargs))
    _task.set(MappingProxyType(fields))


def _task_finished(sender: object, task_result: Any, **kwargs: object) -> None:
    _task.set(_NOTHING)


def _ids(func: Any, args: list[Any], kwargs: dict[str, Any]) -> dict[str, object]:
    """The task's id arguments by name (submission_id=42): never other values, which may be
    pupils' data."""
    try:
        bound = inspect.signature(func).bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return {}
    return {
        name: value
        for name, value in bound.arguments.items()
        if name.endswith("_id") and isinstance(value, int | str)
    }


def connect_task_logging() -> None:
    task_started.connect(_task_started, dispatch_uid="keystage.logs.task_started")
    task_finished.connect(_task_finished, dispatch_uid="keystage.logs.task_finished")
