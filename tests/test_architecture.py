"""The shape of the code: imports flow one way, no hidden circles, no file grows too long."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nclw"
LONGEST_MODULE = 400
# The app factory imports the blueprints when it runs: importing any module of the package
# imports the package first, so importing them at the top would load the whole app.
FACTORY = PACKAGE / "__init__.py"


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_import_contracts_hold():
    """The contracts in pyproject.toml: layers, and no circles even through deferred imports."""
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.fail("lint-imports is missing: run `make install-dev`")
    result = subprocess.run(
        [lint_imports, "--no-cache"],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _deferred_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nclw"):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.module}")
            elif isinstance(node, ast.Import) and any(
                alias.name.startswith("nclw") for alias in node.names
            ):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_no_import_of_our_own_code_hides_inside_a_function():
    """A deferred import hides a circle from the reader; the factory is the one exception."""
    deferred = [hit for path in _modules() if path != FACTORY for hit in _deferred_imports(path)]
    assert deferred == []


def test_no_module_is_longer_than_400_lines():
    long = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    }
    assert long == {}
