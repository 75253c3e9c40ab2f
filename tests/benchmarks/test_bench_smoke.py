"""The national and load benchmarks at their smallest, so they keep running as the code moves.

Each runs the script as `make bench` does, against PostgreSQL on 127.0.0.1:5432 (skipped when
there is none), with a database of its own, and reads the figures it prints. Benchmarks exit 0
whatever their figures; these tests fail when one could not run or lost work.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
TIMEOUT_S = 300

pytestmark = pytest.mark.slow


def postgres_listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


needs_postgres = pytest.mark.skipif(
    not postgres_listening(), reason="no PostgreSQL on 127.0.0.1:5432"
)


def run(script: str, *arguments: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"{script} could not run:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@needs_postgres
def test_national_checks_every_file_of_a_tiny_england(tmp_path: Path) -> None:
    out = run(
        "national.py", "--schools", "4", "--workers", "1", "--resend", "0",
        "--cache", str(tmp_path / "cache"), "--database", "keystage_bench_national_smoke",
    )  # fmt: skip
    row = re.search(r"^\s+1\s+(\d+)\s+([\d,]+)\s+[\d.]+\s+([\d,]+)\s", out, re.MULTILINE)
    assert row is not None, out
    files, pupils, rate = int(row[1]), int(row[2].replace(",", "")), row[3]
    assert files == 4 and pupils > 0 and rate != "0", out
    assert "every file checked, no check failed: 0 not  PASS" in out
    assert "checked again:" in out and "plan (" in out  # one check's queries were explained
    assert (tmp_path / "cache").is_dir()  # the files are kept for the next run


@needs_postgres
def test_load_walks_three_heads_through_deadline_day() -> None:
    out = run(
        "load.py", "--users", "3", "--think", "0.05", "--ramp", "0.5", "--duration", "240",
        "--database", "keystage_bench_load_smoke",
    )  # fmt: skip
    assert "journeys completed 3 of 3" in out, out
    assert re.search(r"confirmations signed\s+3$", out, re.MULTILINE), out
    assert re.search(r"answers stored\s+1$", out, re.MULTILINE), out  # the shared pupil's query
    assert "errors: 0  PASS" in out, out
    for page in ("account_login POST", "portal:collection POST (upload)", "portal:status",
                 "portal:answer POST", "portal:confirm POST"):  # fmt: skip
        assert re.search(rf"^\s+{re.escape(page)}\s+\d+", out, re.MULTILINE), page
