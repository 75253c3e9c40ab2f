"""The `keystage` command line: one command for people and tests.

Exit status: 0 all well, 1 a checked file has an error, 2 a usage problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from keystage.cli_inputs import (
    UsageError,
    chosen_codeset,
    codes_file,
    files_named,
    missing_year_note,
    school_for,
)
from keystage.codesets import COLLECTIONS, Codeset
from keystage.ctf.errors import CTFError
from keystage.ctf.model import Pupil
from keystage.ctf.reader import DEFAULT_MAX_BYTES, read_all
from keystage.measures.cli import run as run_measures
from keystage.report import render_all
from keystage.validate import FileResult, default_codeset, validate_file

USAGE_ERROR = 2


def _previous(path: str | None) -> dict[str, Pupil] | None:
    """The pupils of an earlier version of the same school's file, by UPN."""
    if path is None:
        return None
    try:
        _, pupils = read_all(path)
    except (CTFError, OSError) as problem:
        raise UsageError(f"--previous {path}: {problem}") from None
    return {p.upn: p for p in pupils if p.upn}


def _validate_codeset(args: argparse.Namespace) -> Codeset | None:
    """--codes, else --year's shipped table; neither: this year's, or a template's own year."""
    if args.codes:
        return codes_file(args.codes, args.year)
    if args.year:
        return chosen_codeset(args.year)
    note = missing_year_note(dt.date.today())
    if note:
        print(f"keystage validate: {note}", file=sys.stderr)
    return None


def cmd_validate(args: argparse.Namespace) -> int:
    school = school_for(args.school)
    codeset = _validate_codeset(args)
    previous = _previous(args.previous)
    results: list[FileResult] = [
        validate_file(
            path,
            codeset=codeset,
            collection=args.collection,
            school=school,
            previous=previous,
            max_bytes=int(args.max_mb * 1024 * 1024),
        )
        for path in files_named(args.files)
    ]
    if args.json:
        json.dump({"files": [r.to_json() for r in results]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_all(results))
    return 1 if any(r.errors for r in results) else 0


def cmd_template(args: argparse.Namespace) -> int:
    from keystage.template.build import build_template  # openpyxl, about 0.3 s: only here

    school = school_for(args.school)
    if school is not None and args.school_name:
        school = replace(school, name=args.school_name)
    codeset = chosen_codeset(args.year)
    out = Path(args.out)
    try:
        out.write_bytes(build_template(args.collection, codeset, school))
    except OSError as problem:
        raise UsageError(f"--out {args.out}: {problem.strerror or problem}") from None
    print(f"{out}: the {args.collection} template for {codeset.academic_year}")
    return 0


def cmd_measures(args: argparse.Namespace) -> int:
    return run_measures(args.files, json_out=args.json, collection=args.collection, year=args.year)


def cmd_synth(args: argparse.Namespace) -> int:
    # Here: the generator (about 45 ms to import) would add half again to every command's start
    from keystage.synth import write_la

    try:
        result = write_la(
            la=args.la,
            schools=args.schools,
            collection=args.collection,
            seed=args.seed,
            out=Path(args.out),
            defects=args.defects,
            academic_year=args.year or default_codeset().academic_year,
        )
    except ValueError as problem:  # SynthConfig refuses impossible settings
        raise UsageError(str(problem)) from None
    print(result.summary())
    return 0


# The portal's commands import Django (keystage.web) inside each function, so that the offline
# commands (validate, measures, template, synth) never load it.


def cmd_serve(args: argparse.Namespace) -> int:
    from keystage.web.ops.serve import serve  # Django: see above

    return serve(args)


def cmd_worker(args: argparse.Namespace) -> int:
    from keystage.web.ops.serve import worker  # Django: see above

    return worker(args)


def cmd_import(args: argparse.Namespace) -> int:
    import django  # Django: see above
    from django.core.management import CommandError, call_command

    from keystage.web.ops.serve import configure

    configure(Path(args.data))
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    try:
        call_command("importctf", *args.paths, collection=args.collection)
    except CommandError as problem:
        raise UsageError(str(problem)) from None
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from keystage.web.ops.serve import manage  # Django: see above

    return manage(args)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="keystage", description="Keystage: collect, check and report assessment results."
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check CTF files with the portal's rules")
    validate.add_argument(
        "files", nargs="+", metavar="FILE",
        help="CTF files or filled spreadsheet templates (.xlsx), or folders of them",
    )  # fmt: skip
    validate.add_argument("--json", action="store_true", help="print the stable JSON shape")
    validate.add_argument("--collection", choices=COLLECTIONS, help="default: from the content")
    validate.add_argument("--school", metavar="LAESTAB", help="the school sending the files")
    validate.add_argument("--year", help="code table year, e.g. 2025-26 (default: this year's)")
    validate.add_argument(
        "--codes", metavar="FILE",
        help="a code tables file downloaded from the portal: check as the portal does",
    )  # fmt: skip
    validate.add_argument("--previous", metavar="FILE", help="the school's earlier version")
    validate.add_argument(
        "--max-mb", type=float, default=DEFAULT_MAX_BYTES / 1024 / 1024, help=argparse.SUPPRESS
    )
    validate.set_defaults(run=cmd_validate)

    template = commands.add_parser(
        "template", help="write a collection's spreadsheet template (.xlsx) to fill in"
    )
    template.add_argument("--collection", choices=COLLECTIONS, required=True)
    template.add_argument("--year", help="code table year, e.g. 2025-26 (default: this year's)")
    template.add_argument("--out", required=True, metavar="FILE", help="the .xlsx to write")
    template.add_argument("--school", metavar="LAESTAB", help="the school it is for (optional)")
    template.add_argument("--school-name", help="the school's name, shown with --school")
    template.set_defaults(run=cmd_template)

    measures = commands.add_parser("measures", help="headline measures of CTF files, pooled")
    measures.add_argument("files", nargs="+", metavar="FILE", help="CTF files, or folders of them")
    measures.add_argument("--json", action="store_true", help="print the stable JSON shape")
    measures.add_argument("--collection", choices=COLLECTIONS, help="default: from the content")
    measures.add_argument("--year", help="code table year, e.g. 2025-26 (default: this year's)")
    measures.set_defaults(run=cmd_measures)

    synth = commands.add_parser("synth", help="write a realistic synthetic LA")
    synth.add_argument("--la", default="330", help="LA number (default 330, Birmingham)")
    synth.add_argument("--schools", type=int, default=300)
    synth.add_argument("--collection", choices=(*COLLECTIONS, "ALL"), default="ALL")
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("--out", required=True, metavar="DIR")
    synth.add_argument(
        "--defects",
        type=float,
        default=0.0,
        metavar="RATE",
        help="chance per pupil of a planted defect, listed in defects.json",
    )
    synth.add_argument("--year", help="code table year (default: this year's)")
    synth.set_defaults(run=cmd_synth)

    serve = commands.add_parser("serve", help="start Keystage on its embedded default")
    serve.add_argument("--data", default="var", help="the data folder (default ./var)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--no-demo", dest="demo", action="store_false", help="start empty: no demo LA or demo date"
    )
    serve.set_defaults(run=cmd_serve)

    worker = commands.add_parser("worker", help="run one task worker (checks uploads)")
    worker.add_argument("--data", default="var", help="the data folder (default ./var)")
    worker.add_argument("--interval", default="0.5", help="seconds between polls when idle")
    worker.add_argument("--worker-id", help="a name for this worker in the task table")
    worker.set_defaults(run=cmd_worker)

    importer = commands.add_parser(
        "import", help="attribute and check CTFs that came by secure transfer"
    )
    importer.add_argument(
        "paths", nargs="+", metavar="DIR_OR_FILE", help="CTF files, or folders of them"
    )
    importer.add_argument(
        "--collection", choices=COLLECTIONS, help="default: from each file's results"
    )
    importer.add_argument("--data", default="var", help="the data folder (default ./var)")
    importer.set_defaults(run=cmd_import)

    manage = commands.add_parser(
        "manage", help="Django management commands (migrate, createsuperuser, loadschools, ...)"
    )
    manage.add_argument("--data", default="var", help="the data folder (default ./var)")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(run=cmd_manage)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except UsageError as problem:
        print(f"keystage {args.command}: {problem}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # the reader (`| head`) stopped early: not an error of ours
        sys.stderr.close()
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
