"""The shape docs/architecture.md promises: no module over 400 lines, and an import inside a
function only where it must be, for the reason given here. (The layers and the absence of
import circles are import-linter's, run by `make test`.)"""

from __future__ import annotations

import ast
from pathlib import Path

import keystage

SRC = Path(keystage.__file__).parent
MAX_LINES = 400

WEASYPRINT = "WeasyPrint takes seconds to import; only workers render"
OPENPYXL = "openpyxl takes a third of a second to import; only a workbook's route needs it"
AFTER_SETUP = "the portal's modules need the app registry: imported after django.setup()"
CLI = "the command line loads Django and the heavy parts only for the commands that use them"

# (module, imported module or a package it is in) -> why it is imported inside a function.
MUST_BE_INSIDE: dict[tuple[str, str], str] = {
    ("keystage.web.common.pdf", "weasyprint"): WEASYPRINT,
    ("keystage.web.common.pdf", "cssselect2"): WEASYPRINT,
    ("keystage.web.common.pdf", "keystage.web.common.pdf.fetcher"): WEASYPRINT,
    ("keystage.web.common.xlsx", "openpyxl"): OPENPYXL,
    ("keystage.web.submissions.template_upload", "keystage.template"): OPENPYXL,
    ("keystage.template.start", "keystage.template"): OPENPYXL,
    ("keystage.validate", "keystage.template"): OPENPYXL,
    ("keystage.web.ops.demo_settings", "openpyxl"): OPENPYXL,
    ("keystage.web.ops.demo_settings", "keystage.template"): OPENPYXL,
    ("keystage.web.settings", "botocore"): "only when the files are kept in object storage",
    ("keystage.web.apps", "keystage.web"): "AppConfig.ready: the models are ready only then",
    ("keystage.web.ops.serve", "keystage.web"): AFTER_SETUP,
    ("keystage.cli", "keystage.web"): CLI,
    ("keystage.cli", "django"): CLI,
    ("keystage.cli", "keystage.template"): CLI,
    ("keystage.cli", "keystage.synth"): CLI,
}


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = ["keystage", *path.relative_to(SRC).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), path))
    return found


def _imports_inside_functions(module: str, path: Path) -> list[tuple[str, int]]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            here = inside or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if here and isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno) for alias in child.names)
            elif here and isinstance(child, ast.ImportFrom):
                found.append((_absolute(child, package), child.lineno))
            visit(child, here)

    visit(ast.parse(path.read_text(encoding="utf-8")), inside=False)
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    up = parts[: len(parts) - node.level + 1]
    return ".".join([*up, node.module] if node.module else up)


def _allowed(module: str, imported: str) -> bool:
    return any(
        module == where and (imported == what or imported.startswith(what + "."))
        for where, what in MUST_BE_INSIDE
    )


def test_no_module_is_over_400_lines() -> None:
    long = {
        name: lines
        for name, path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_imports_inside_functions_are_only_where_they_must_be() -> None:
    stray = [
        f"{path.relative_to(SRC)}:{line} imports {imported}"
        for module, path in _modules()
        for imported, line in _imports_inside_functions(module, path)
        if not _allowed(module, imported)
    ]
    assert stray == []


def test_the_rule_catches_an_import_inside_a_function(tmp_path: Path) -> None:
    """The walk above finds what it is meant to: a nested function's relative import too."""
    source = tmp_path / "__init__.py"
    source.write_text("def f():\n    def g():\n        from . import views\n")
    assert _imports_inside_functions("keystage.web.results", source) == [
        ("keystage.web.results", 3)
    ]
