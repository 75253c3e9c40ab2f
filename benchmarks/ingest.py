"""Ingest benchmark: read and check a Birmingham-sized collection and one 100 MB file, and
time a bare `lxml.etree.iterparse` over the same bytes for comparison.

    .venv/bin/python benchmarks/ingest.py [--schools 300] [--collection KS1] [--big-mb 100]

Each measurement runs in a fresh child process so that its peak RSS is its own. Prints
files, pupils, MB, seconds, pupils per second, the ratio to bare iterparse and peak RSS.
Targets (issue 2): ratio at most 4 (aim 3); peak RSS under 250 MB on the 100 MB file.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure_keystage(paths: list[str], collection: str) -> dict[str, float]:
    from keystage.validate import default_codeset, validate_file

    codeset = default_codeset()
    start = time.perf_counter()
    pupils = findings = 0
    for path in paths:
        result = validate_file(path, codeset=codeset, collection=collection, max_bytes=1 << 40)
        pupils += result.pupils
        findings += len(result.findings)
    return {"seconds": time.perf_counter() - start, "pupils": pupils, "findings": findings}


def measure_bare(paths: list[str], collection: str) -> dict[str, float]:
    from lxml import etree

    del collection
    start = time.perf_counter()
    for path in paths:
        for _event, _element in etree.iterparse(path):
            pass
    return {"seconds": time.perf_counter() - start}


MODES = {"keystage": measure_keystage, "bare": measure_bare}


def child(mode: str, list_file: str, collection: str) -> None:
    paths = Path(list_file).read_text().split("\n")
    figures = MODES[mode](paths, collection)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def run_child(mode: str, paths: list[Path], collection: str, workdir: Path) -> dict[str, float]:
    list_file = workdir / f"{mode}-files.txt"
    list_file.write_text("\n".join(str(p) for p in paths))
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(list_file), collection],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


def compare(label: str, paths: list[Path], collection: str, workdir: Path) -> None:
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    ours = run_child("keystage", paths, collection, workdir)
    bare = run_child("bare", paths, collection, workdir)
    rate = ours["pupils"] / ours["seconds"]
    print(f"\n{label}")
    print(
        f"  files {len(paths)}  pupils {int(ours['pupils'])}  MB {megabytes:.1f}"
        f"  findings {int(ours['findings'])}"
    )
    print(
        f"  keystage read+check: {ours['seconds']:.2f} s, {rate:,.0f} pupils/s, "
        f"peak RSS {ours['peak_rss_mb']:.0f} MB"
    )
    print(f"  bare iterparse:      {bare['seconds']:.2f} s, peak RSS {bare['peak_rss_mb']:.0f} MB")
    print(
        f"  ratio to bare iterparse: {ours['seconds'] / bare['seconds']:.2f} (target <= 4, aim 3)"
    )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    options.add_argument("--schools", type=int, default=300)
    options.add_argument("--collection", default="KS1")
    options.add_argument("--big-mb", type=float, default=100.0)
    options.add_argument("--seed", type=int, default=1)
    args = options.parse_args()

    from keystage.synth import write_big_file, write_la
    from keystage.validate import default_codeset

    year = default_codeset().academic_year
    with tempfile.TemporaryDirectory(prefix="keystage-bench-") as tmp:
        workdir = Path(tmp)
        write_la(
            la="330",
            schools=args.schools,
            collection=args.collection,
            seed=args.seed,
            out=workdir / "la",
            academic_year=year,
        )
        files = sorted((workdir / "la" / args.collection).glob("*.xml"))
        compare(
            f"Synthetic LA: {args.schools} schools, {args.collection}",
            files,
            args.collection,
            workdir,
        )
        big = workdir / "big.xml"
        write_big_file(big, args.big_mb, args.collection, args.seed, academic_year=year)
        compare(
            f"One {args.big_mb:.0f} MB file, {args.collection}", [big], args.collection, workdir
        )
        print("  (target: peak RSS under 250 MB on the 100 MB file)")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
