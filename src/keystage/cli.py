"""The `keystage` command line."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    del argv
    print("keystage: not yet", file=sys.stderr)
    return 2
