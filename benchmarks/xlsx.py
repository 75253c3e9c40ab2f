"""XLSX export benchmark: the time and memory `keystage.web.common.xlsx.workbook` takes to write
the data team's two kinds of spreadsheet export.

    .venv/bin/python benchmarks/xlsx.py [--repeat 3]

Two workbooks of synthetic rows shaped like the real exports: the collection page's export of
a Birmingham-sized LA (300 schools x 20 columns, school-level text, counts and dates) and a
pupil-level export (15,000 pupils x 30 columns: identifiers, names, flags and scores). Each is
written in a fresh process, so nothing one case imported or allocated flatters the next:

- first: the first call's seconds, including any import the writer makes on first use;
- best: the fastest of --repeat further calls;
- traced: the most memory Python held while writing (tracemalloc, one more call);
- RSS: how much the process's peak resident memory grew over the whole case;
- size: the bytes of the workbook.

Then the cost of importing openpyxl alone in a fresh process (what a web process pays, once,
on its first spreadsheet export if the writer imports openpyxl when first called).

Benchmarks print figures: it exits 0 whatever they are, and non-zero only when it could not run.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

CASES = {"progress": (300, 20), "pupils": (15_000, 30)}
STATES = ["Submitted", "Not started", "Checked, with errors", "Confirmed", "Locked"]
SURNAMES = ["Smith", "O'Brien", "Khan", "Nguyen", "Kowalski", "Adébáyọ̀", "Jones & Co <x>"]


def progress_row(n: int, rng: random.Random) -> list[object]:
    """A school's line: codes and names as text, counts as numbers, some cells blank."""
    confirmed = rng.random() < 0.5
    return [
        f"330{n:04d}", str(100_000 + n), f"School number {n} Primary", "District 4", "Primary",
        rng.choice(STATES), "Confirm", rng.randint(1, 4), "2026-06-12 09:41", "Checked",
        rng.randint(1, 4), rng.randint(10, 90), rng.randint(0, 5), rng.randint(0, 9),
        rng.randint(0, 2), "Ada Head" if confirmed else None, "Head teacher" if confirmed else None,
        "2026-06-14 15:02" if confirmed else None, "No", rng.randint(0, 3),
    ][:20]  # fmt: skip


def pupil_row(n: int, rng: random.Random) -> list[object]:
    """A pupil's line: identifiers, names and dates as text, flags, then scores and outcomes."""
    who: list[object] = [
        f"330{n % 300:04d}", f"School number {n % 300}", f"A{n:012d}", rng.choice(SURNAMES),
        "Forename", f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "M", "Y2",
        "N", "Y", "N", "N", "WBRI", "ENG",
    ]  # fmt: skip
    outcomes = [rng.choice(["EXS", "WTS", "GDS", "PK4", None]) for _ in range(8)]
    scores = [rng.randint(60, 120) for _ in range(6)] + [rng.random() * 100, rng.random()]
    return (who + outcomes + scores)[:30]


def sheet(case: str) -> list[list[object]]:
    rows, columns = CASES[case]
    make: Callable[[int, random.Random], list[object]] = (
        progress_row if case == "progress" else pupil_row
    )
    rng = random.Random(15)
    head: list[object] = [f"Heading {c + 1}" for c in range(columns)]
    return [head, *(make(n, rng) for n in range(rows))]


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_case(case: str, repeat: int) -> dict[str, float]:
    """Runs in the fresh process: the writer's figures for one workbook."""
    from keystage.web.common.xlsx import workbook

    rows = sheet(case)
    before = peak_rss_mb()
    started = time.perf_counter()
    body = workbook({"KS1 2026": rows})
    first = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        workbook({"KS1 2026": rows})
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    workbook({"KS1 2026": rows})
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "first": first,
        "best": min(times),
        "traced": traced,
        "rss": peak_rss_mb() - before,
        "size": len(body) / 1024,
    }


def in_fresh_process(arguments: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, *arguments], capture_output=True, text=True, check=True
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def import_seconds() -> float:
    code = "import time; t = time.perf_counter(); import openpyxl; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


def report(repeat: int) -> None:
    print(f"keystage.web.common.xlsx.workbook; best of {repeat}")
    print(f"{'case':<26}{'first s':>9}{'best s':>9}{'traced MB':>11}{'RSS MB':>9}{'size KB':>9}")
    for case, (rows, columns) in CASES.items():
        f = in_fresh_process(["--case", case, "--repeat", str(repeat)])
        label = f"{case} ({rows:,} x {columns})"
        print(
            f"{label:<26}{f['first']:>9.3f}{f['best']:>9.3f}{f['traced']:>11.1f}"
            f"{f['rss']:>9.1f}{f['size']:>9.0f}"
        )
    imports = sorted(import_seconds() for _ in range(3))
    print(f"import openpyxl in a fresh process: {imports[1] * 1000:.0f} ms (median of 3)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="timed calls after the first")
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)  # the child
    args = parser.parse_args()
    try:
        if args.case:
            print(json.dumps(one_case(args.case, max(1, args.repeat))))
        else:
            report(max(1, args.repeat))
    except (OSError, subprocess.CalledProcessError, ValueError) as error:
        said = getattr(error, "stderr", "") or ""
        print(f"keystage: the benchmark could not run: {error}\n{said}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
