"""Every environment variable the code reads is documented in one place, the tables of
docs/production.md's "Settings (environment)" section (as Datasette's tests do for its
settings): a variable read in src/keystage or deploy/ and missing there fails this test, which
names the file and line that read it; so does a row for a variable nothing reads any more.

Reads are found in each module's syntax tree, not by a text pattern: os.environ.get(NAME),
os.environ[NAME], os.environ.setdefault(NAME, ...), NAME in os.environ and os.getenv(NAME),
where NAME is a string or a module-level constant holding one. A name that cannot be worked
out that way fails the test too: a variable must be findable to be documented.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "production.md"
SECTION = "## Settings (environment)"
CODE = [ROOT / "src" / "keystage", ROOT / "deploy"]
# Documented for the operator's sake, but read by other software (boto3), never by ours.
READ_BY_OTHERS = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
DOCUMENTED_NAME = re.compile(r"`([A-Z][A-Z0-9_]+)`")


def is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def is_getenv(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "getenv") or (
        isinstance(node, ast.Name) and node.id == "getenv"
    )


def name_arguments(tree: ast.Module) -> Iterator[ast.expr]:
    """The expression naming the variable, for each read of the environment."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            call = node.func
            if isinstance(call, ast.Attribute) and call.attr in ("get", "setdefault"):
                if is_environ(call.value):
                    yield node.args[0]
            elif is_getenv(call):
                yield node.args[0]
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if is_environ(node.value):
                yield node.slice
        elif isinstance(node, ast.Compare) and any(is_environ(c) for c in node.comparators):
            yield node.left


def module_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "text"`: how a variable's name is sometimes kept."""
    found: dict[str, str] = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(getattr(node, "value", None), "value", None)
        if isinstance(target, ast.Name) and isinstance(value, str):
            found[target.id] = value
    return found


def variables_read(source: str, where: str) -> dict[str, str]:
    """Each variable `source` reads, with where it is read (file:line)."""
    tree = ast.parse(source)
    constants = module_constants(tree)
    found: dict[str, str] = {}
    for name in name_arguments(tree):
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            variable = name.value
        elif isinstance(name, ast.Name) and name.id in constants:
            variable = constants[name.id]
        else:
            raise AssertionError(f"{where}:{name.lineno} reads a variable whose name is computed")
        found.setdefault(variable, f"{where}:{name.lineno}")
    return found


def read_by_the_code() -> dict[str, str]:
    found: dict[str, str] = {}
    for folder in CODE:
        for path in sorted(folder.rglob("*.py")):
            reads = variables_read(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
            for name, where in reads.items():
                found.setdefault(name, where)
    return found


def documented() -> set[str]:
    """The names in the first column of every table in the Settings section."""
    text = DOC.read_text(encoding="utf-8")
    assert SECTION in text, f"docs/production.md has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = (line.split("|")[1] for line in section.splitlines() if line.startswith("| `"))
    return {name for first in rows for name in DOCUMENTED_NAME.findall(first)}


def test_every_way_of_reading_the_environment_is_found() -> None:
    source = """
import os
from os import environ, getenv
STARTED = "E_CONSTANT"
os.environ.get("E_GET", "x")
os.environ["E_ITEM"]
os.environ.setdefault("E_DEFAULT", "x")
"E_IN" in os.environ
os.getenv("E_GETENV")
environ.get("E_BARE")
getenv("E_BARE_GETENV")
os.environ.get(STARTED)
os.environ["E_WRITTEN"] = "not a read"
"""
    assert set(variables_read(source, "example.py")) == {
        "E_GET", "E_ITEM", "E_DEFAULT", "E_IN", "E_GETENV", "E_BARE", "E_BARE_GETENV",
        "E_CONSTANT",
    }  # fmt: skip


def test_every_variable_the_code_reads_is_documented() -> None:
    read = read_by_the_code()
    assert {"KEYSTAGE_SECRET_KEY", "DATABASE_URL", "KEYSTAGE_BIND"} <= set(read)  # it looked
    missing = {name: where for name, where in read.items() if name not in documented()}
    assert not missing, f"read but not in docs/production.md's {SECTION!r} tables: {missing}"


def test_every_variable_documented_is_read() -> None:
    stale = documented() - set(read_by_the_code()) - READ_BY_OTHERS
    assert not stale, f"docs/production.md documents variables nothing reads: {sorted(stale)}"
