"""Guesses sent at once from several web processes: each is written down as failed before it
is counted, so however they interleave, no more are checked than the limit allows. Here every
process is held (a barrier) between writing its guess down and counting, the worst moment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from account_support import set_up_app, wrong_code
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from fault_support import process_env
from portal_support import PASSWORD, signed_in

from keystage.web.models import AuditEvent, School, User

pytestmark = pytest.mark.django_db(transaction=True)
AT_ONCE = 6
LIMIT = 5  # wrong passwords for one account from one address; wrong codes for one account
ONE_ADDRESS = ["192.0.2.1"] * AT_ONCE
# Each signs in with the right password first, which from one address would count too.
MANY_ADDRESSES = [f"192.0.2.{n}" for n in range(1, AT_ONCE + 1)]

GUESS = """
import json, os
from django.test import Client
login, password, code, address = (os.environ[f"GUESS_{part}"] for part in
                                  ("LOGIN", "PASSWORD", "CODE", "ADDRESS"))
browser = Client(REMOTE_ADDR=address)
answer = browser.post("/accounts/login/", {"login": login, "password": password})
if code:
    assert answer.get("Location") == "/accounts/2fa/authenticate/", answer.status_code
    answer = browser.post("/accounts/2fa/authenticate/", {"code": code})
text = answer.content.decode()
print(json.dumps("too many times" in text))
"""


def guesses_at_once(
    meeting: Path, point: str, addresses: list[str], login: str, password: str, code: str = ""
) -> list[bool]:
    """A process for each address sends the guess, all together; whether each was refused
    unchecked."""
    env = process_env(
        KEYSTAGE_FAULT_POINT=point, KEYSTAGE_FAULT_DIR=str(meeting),
        KEYSTAGE_FAULT_PARTIES=str(AT_ONCE), GUESS_LOGIN=login, GUESS_PASSWORD=password,
        GUESS_CODE=code,
    )  # fmt: skip
    command = [sys.executable, "-m", "keystage.cli", "manage", "--data", str(settings.DATA_DIR),
               "shell", "--no-imports", "-c", GUESS]  # fmt: skip
    running = [
        subprocess.Popen(
            command, env={**env, "GUESS_ADDRESS": address}, stdout=subprocess.PIPE, text=True
        )
        for address in addresses
    ]
    answers = [process.communicate(timeout=180)[0] for process in running]
    assert all(process.returncode == 0 for process in running), answers
    assert len(list(meeting.glob("*.reached"))) == AT_ONCE  # all were held together
    return [json.loads(answer.strip().splitlines()[-1]) for answer in answers]


def test_wrong_passwords_sent_at_once_never_pass_the_limit(
    school_a: School, tmp_path: Path
) -> None:
    refused = guesses_at_once(tmp_path, "password-written", ONE_ADDRESS, school_a.urn, "wrong")
    checked = refused.count(False)
    assert checked <= LIMIT
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert failed.count() == checked
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.THROTTLED).count() == AT_ONCE - checked
    )


def test_wrong_codes_sent_at_once_never_pass_the_limit(school_a: School, tmp_path: Path) -> None:
    head = User.objects.get(username=school_a.urn)
    secret = set_up_app(signed_in(head))
    # The processes run the service's own settings, whose hashers the tests' quick one is not
    # among: a hash they read, made quick by its few rounds.
    head.password = PBKDF2PasswordHasher().encode(PASSWORD, "parallelguesses", iterations=1000)
    head.save()
    refused = guesses_at_once(
        tmp_path, "code-written", MANY_ADDRESSES, school_a.urn, PASSWORD, wrong_code(secret)
    )
    checked = refused.count(False)
    assert checked <= LIMIT
    wrong = AuditEvent.objects.filter(action=AuditEvent.Action.MFA_FAILED)
    assert wrong.count() == checked
