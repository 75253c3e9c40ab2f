"""The embedded default until the portal lands: a synthetic LA, validated, with its report.

`keystage serve` writes the demo LA once into the data folder, then checks every file with
the same rules the portal will run, and prints what a school office would read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from keystage.report import render_all
from keystage.synth import write_la
from keystage.validate import default_codeset, validate_file

DEMO_SCHOOLS = 30
DEMO_DEFECTS = 0.01


def serve(args: argparse.Namespace) -> int:
    folder = Path(args.data) / "demo"
    codeset = default_codeset()
    if not (folder / "schools.csv").exists():
        write_la(
            la="330",
            schools=DEMO_SCHOOLS,
            collection="ALL",
            seed=1,
            out=folder,
            defects=DEMO_DEFECTS,
            academic_year=codeset.academic_year,
        )
    files = sorted((folder / "KS1").glob("*.xml"))
    results = [validate_file(path, codeset=codeset) for path in files]
    print(render_all(r for r in results if r.findings))
    print(
        f"\nDemo LA in {folder}: {len(files)} KS1 files checked against the "
        f"{codeset.academic_year} code table."
    )
    print("The school portal is not built yet; `keystage validate FILE` checks any CTF.")
    return 0
