"""deploy/systemd/: each unit passes `systemd-analyze verify`; each timer runs a real command."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nclw.cli import nclw_cli
from tests.support.ci import unavailable
from tests.support.live_server import PROJECT_ROOT

UNITS = PROJECT_ROOT / "deploy" / "systemd"
# Where the units expect the project and its virtual environment on the server.
SERVER_APP = "/srv/nclw/app"
SERVER_BIN = f"{SERVER_APP}/.venv/bin/"
INSTANCE = "nclw-task@{}.service"


def unit_files() -> list[Path]:
    return sorted(path for path in UNITS.iterdir() if path.suffix in (".service", ".timer"))


def read_unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def render(folder: Path) -> Path:
    """The units with the server's paths swapped for this checkout's and this venv's, so that
    `verify` finds the programs they start."""
    for path in unit_files():
        text = path.read_text()
        if path.suffix == ".service":
            assert SERVER_APP in text, f"{path.name} no longer runs from {SERVER_APP}"
        text = text.replace(SERVER_BIN, f"{Path(sys.executable).parent}/")
        (folder / path.name).write_text(text.replace(SERVER_APP, str(PROJECT_ROOT)))
    return folder


def to_verify(folder: Path) -> list[str]:
    """Every unit, with each timer's instance of the task template in place of the template."""
    names = [path.name for path in unit_files() if path.name != INSTANCE.format("")]
    tasks = [
        read_unit(UNITS / name)["Timer"].get("Unit") for name in names if name.endswith(".timer")
    ]
    return [str(folder / name) for name in names + [task for task in tasks if task]]


@pytest.mark.thorough  # runs systemd-analyze on every unit
def test_every_unit_passes_systemd_analyze_verify(tmp_path: Path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        unavailable("systemd-analyze is not installed: deploy/systemd/ unverified")
    folder = render(tmp_path)
    for unit in to_verify(folder):
        # nclw-task@x.service: verify finds the template beside it.
        result = subprocess.run(
            [analyze, "verify", "--man=no", unit],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=folder,
        )
        # verify only warns about an unknown or misspelt key: treat a word about ours as failure.
        ours = [line for line in result.stderr.splitlines() if "nclw" in line]
        assert result.returncode == 0 and not ours, f"{unit}:\n{result.stderr}"


def test_every_timer_runs_a_command_the_app_has():
    commands = set(nclw_cli.commands)
    timers = [path for path in unit_files() if path.suffix == ".timer"]
    assert len(timers) >= 6
    for timer in timers:
        unit = read_unit(timer)["Timer"].get("Unit", timer.stem + ".service")
        assert (UNITS / unit).exists() or (
            re.fullmatch(r"nclw-task@[a-z-]+\.service", unit)
            and unit.split("@")[1].removesuffix(".service") in commands
        ), f"{timer.name} starts {unit}, which is neither a unit here nor a flask nclw command"


@pytest.mark.parametrize("path", unit_files(), ids=lambda path: path.name)
def test_every_service_is_hardened(path: Path):
    if path.suffix != ".service":
        return
    service = read_unit(path)["Service"]
    assert service["User"] == "nclw"
    assert service["EnvironmentFile"] == "/etc/nclw/nclw.env"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert "/var/lib/nclw" in service["ReadWritePaths"].split()
    if service.get("Type") != "oneshot":
        assert service["Restart"] in ("always", "on-failure")


def test_the_services_run_the_commands_the_readme_names():
    web = read_unit(UNITS / "nclw-web.service")["Service"]["ExecStart"]
    assert f"--config {SERVER_APP}/gunicorn.conf.py" in web and web.endswith("wsgi:app")
    mail = read_unit(UNITS / "nclw-mail.service")["Service"]["ExecStart"]
    assert mail.endswith("flask --app wsgi nclw send-mail --loop")
    replies = read_unit(UNITS / "nclw-replies.service")["Service"]["ExecStart"]
    assert "nclw receive-mail" in replies and "--lmtp" in replies
    assert {"send-mail", "receive-mail", "backup"} <= set(nclw_cli.commands)
