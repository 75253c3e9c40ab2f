"""Request ids (ours unless a trusted proxy gives one) and one JSON log line per request, with
who asked and how long it took; lines logged inside a request or a task carry their ids."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings
from front_door_support import PDF
from portal_support import ctf_bytes, run_tasks, upload

from keystage.web.common import logs
from keystage.web.models import Collection, School, Submission, User


def test_request_id_is_ours_unless_a_trusted_proxy_gives_one(client: Client, db: None) -> None:
    offered = "proxy-id-0123456789"
    ignored = client.get("/accounts/login/", HTTP_X_REQUEST_ID=offered)
    assert ignored["X-Request-ID"] != offered  # anyone could send it: not trusted by default
    with override_settings(KEYSTAGE_BEHIND_PROXY=True):
        taken = client.get("/accounts/login/", HTTP_X_REQUEST_ID=offered)
        forged = client.get("/accounts/login/", HTTP_X_REQUEST_ID='x"\n{"level":"INFO"}')
    assert taken["X-Request-ID"] == offered
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The production handler (JSON lines, with the context filter), on our loggers at INFO."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.ContextFilter())
    tops = [logging.getLogger(n) for n in ("keystage", "django.tasks")]
    watched = [*tops, logging.getLogger("keystage.request")]
    levels = [lg.level for lg in watched]
    for lg in tops:
        lg.addHandler(handler)
    for lg in watched:
        lg.setLevel(logging.INFO)
    yield out
    for lg in tops:
        lg.removeHandler(handler)
    for lg, level in zip(watched, levels, strict=True):
        lg.setLevel(level)


def test_each_request_logs_one_json_line_with_who_and_how_long(
    head_a: Client, school_a: School, ks1: Collection, json_log: io.StringIO
) -> None:
    response = head_a.get(f"/collections/{ks1.pk}/?q=pupil-name")
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    (line,) = [x for x in lines if x["logger"] == "keystage.request"]
    head = User.objects.get(username=school_a.urn)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET" and line["path"] == f"/collections/{ks1.pk}/"
    assert line["status"] == 200 and isinstance(line["duration_ms"], float)
    assert (line["user_id"], line["role"], line["school_id"]) == (head.pk, "head", school_a.pk)
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert "pupil-name" not in json_log.getvalue()  # no query strings in the log


def test_lines_logged_inside_a_request_and_a_task_carry_its_ids(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, json_log: io.StringIO
) -> None:
    refused = upload(head_a, ks1, PDF, name="results.xml")
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    (refusal,) = [x for x in lines if x["logger"] == "keystage.web.ops.upload_handlers"]
    assert refusal["request_id"] == refused["X-Request-ID"] and refusal["level"] == "WARNING"
    submission = Submission.objects.get(school=school_a)
    finished = [x for x in lines if x["logger"] == "django.tasks" and "SUCCESSFUL" in x["message"]]
    assert finished and finished[0]["submission_id"] == submission.pk
    assert finished[0]["task"] == "check_upload" and "request_id" not in finished[0]


def test_a_hostile_message_cannot_forge_a_log_line() -> None:
    record = logging.makeLogRecord({"name": "x", "msg": 'a\n{"level": "CRITICAL"}', "args": ()})
    line = logs.JsonFormatter().format(record)
    assert "\n" not in line and json.loads(line)["message"] == 'a\n{"level": "CRITICAL"}'
