"""Reads one file as the portal would and prints what happened as JSON, for test_hostile.py.

    python probe.py PATH [--max-bytes N] [--stream]

Run in a child process so that its peak memory and time are its own, and so that a hang
can be cut off. Prints {code, message, line, column, pupils, seconds, peak_rss_mb}; any
exception other than CTFError escapes with a traceback and a non-zero exit, failing the test.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path
from typing import Any

from keystage.ctf.errors import CTFError
from keystage.ctf.reader import DEFAULT_MAX_BYTES, CTFReader, read_ctf


def read(path: str, max_bytes: int, stream: bool) -> dict[str, Any]:
    outcome: dict[str, Any] = {"code": None, "message": None, "line": None, "column": None}
    outcome["pupils"] = 0
    try:
        if stream:  # a file object: the reader must count bytes, it cannot stat
            with open(path, "rb") as raw, read_ctf(raw, max_bytes=max_bytes) as reader:
                count(reader, outcome)
        else:
            with read_ctf(path, max_bytes=max_bytes) as reader:
                count(reader, outcome)
    except CTFError as refused:
        outcome.update(
            code=refused.code,
            message=refused.message,
            line=refused.line,
            column=refused.column,
        )
    return outcome


def count(reader: CTFReader, outcome: dict[str, Any]) -> None:
    for _ in reader:  # counted as they come: a refused file may yield some pupils first
        outcome["pupils"] += 1


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    VmHWM where Linux has it: ru_maxrss survives exec, so in a child forked from a big pytest
    process it would report the parent's size rather than the probe's own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("path")
    options.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES)
    options.add_argument("--stream", action="store_true")
    args = options.parse_args()
    start = time.perf_counter()
    outcome = read(args.path, args.max_bytes, args.stream)
    outcome["seconds"] = round(time.perf_counter() - start, 3)
    outcome["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
