"""`keystage serve`: the README's run command starts a working portal with its worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return int(response.status)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.mark.slow
def test_serve_migrates_starts_a_worker_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "keystage.cli", "serve", "--data", str(tmp_path),
         "--port", str(port), "--no-demo"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        assert wait_for(f"http://127.0.0.1:{port}/health") == 200
        assert wait_for(f"http://127.0.0.1:{port}/accounts/login/") == 200
        assert (tmp_path / "keystage.sqlite3").exists()
        workers = subprocess.run(
            ["pgrep", "-f", f"keystage.cli worker --data {tmp_path}"], capture_output=True
        )
        assert workers.returncode == 0, "no worker child is running"
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert f"Keystage is running at http://127.0.0.1:{port}/" in output
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-f", f"keystage.cli worker --data {tmp_path}"])
    assert left.returncode == 1, "the worker child outlived serve"
