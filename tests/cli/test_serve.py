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


@pytest.mark.slow
def test_import_keeps_files_it_cannot_attribute(tmp_path: Path) -> None:
    from keystage.synth import write_la

    write_la(out=tmp_path / "la", la="330", schools=2, collection="KS1", seed=3)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "keystage.cli", "import", "--data", str(tmp_path / "data"),
         str(tmp_path / "la" / "KS1")],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 files" in done.stdout and "not attributed" in done.stdout
    assert len(list((tmp_path / "data" / "files" / "unattributed").iterdir())) == 2


def test_links_in_emails_use_the_address_serve_was_started_on(tmp_path: Path) -> None:
    """serve passes its address on (KEYSTAGE_BASE_URL unless set): a link made in the web
    process or its worker points where serve answers, whatever the port."""
    from keystage.web.ops.serve import served_at

    assert served_at("127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert served_at("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert served_at("::1", 9000) == "http://[::1]:9000"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    program = (
        "import argparse, os\n"
        "from keystage.web.ops import serve\n"
        "address = serve.served_at('127.0.0.1', 8765)\n"
        "serve.configure(__import__('pathlib').Path(os.environ['DATA']), address)\n"
        "import django; django.setup()\n"
        "from keystage.web.common.mail import link\n"
        "print(link('/files/1/'))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", program], env={**env, "DATA": str(tmp_path)},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert shown.stdout.strip() == "http://127.0.0.1:8765/files/1/"
