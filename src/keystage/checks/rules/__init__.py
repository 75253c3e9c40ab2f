"""The built-in rules. Importing this package registers them, in the order of this tuple,
which is the catalogue's order (the order of reference/checks.md)."""

import importlib

MODULES = (
    "header", "file", "pupil", "results", "eyfsp", "phonics", "keystages", "store", "template",
)  # fmt: skip

for _name in MODULES:
    importlib.import_module(f"{__name__}.{_name}")
