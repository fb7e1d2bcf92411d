"""deploy/nginx.conf as the tests run it: the file as shipped, its paths and ports changed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.live_server import PROJECT_ROOT
from tests.support.net import free_port, wait_for_port

SITE = PROJECT_ROOT / "deploy" / "nginx.conf"
# Debian puts nginx in /usr/sbin, which is not on every user's PATH.
CANDIDATES = ("nginx", "/usr/sbin/nginx")


def nginx_binary() -> str | None:
    """The nginx program, or None when it is not installed."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def render_site(
    folder: Path,
    *,
    port: int,
    app_port: int | None = None,
    app_ports: Sequence[int | str] = (),
    static: Path | None = None,
) -> Path:
    """deploy/nginx.conf with the machine's paths and ports swapped for the test's own.

    `app_ports` names several app servers (one `server` line each, as the file's comment
    says to add them); `static` serves another folder as /static/ (default: the project's)."""
    ports = [*([app_port] if app_port is not None else []), *app_ports]
    assert ports, "no app server to send requests to"
    # A port is on this machine's loopback; "host:port", an app server on another host.
    upstream = "\n    ".join(
        f"server {each};" if isinstance(each, str) else f"server 127.0.0.1:{each};"
        for each in ports
    )
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "listen [::]:80;": "",  # the test machine may have no IPv6
        "server 127.0.0.1:8000;": upstream,
        "/srv/nclw/app/static/": f"{static or PROJECT_ROOT / 'static'}/",
        "/var/cache/nginx/nclw": str(folder / "cache"),
        "/var/log/nginx/nclw.access.log": str(folder / "access.log"),
    }
    text = SITE.read_text()
    for old, new in replacements.items():
        # Fail loudly if the file changed under the test, rather than test the machine's paths.
        assert old in text, f"deploy/nginx.conf no longer contains {old!r}"
        text = text.replace(old, new)
    site = folder / "site.conf"
    site.write_text(text)
    return site


def render_main(folder: Path, site: Path, *, connections: int = 128) -> Path:
    """A main nginx.conf that runs the site from `folder`, as Debian's includes sites-enabled/.

    `connections` per worker: each proxied request holds two (the visitor's and the app's)."""
    mime_types = Path("/etc/nginx/mime.types")
    types = (
        f"include {mime_types};"
        if mime_types.exists()
        else "types { text/html html; text/css css; application/javascript js; }"
    )
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would become "nobody", who cannot read a checkout under /root
    # or write the test's temporary folder: keep them as the test's own user.
    user = "user root;" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"""{user}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
daemon off;
events {{ worker_connections {connections}; }}
http {{
    {types}
{temp}
    include {site};
}}
"""
    )
    return main


def check_config(binary: str, main: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on a main config."""
    return subprocess.run(
        [binary, "-t", "-p", str(main.parent), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@dataclass
class RunningNginx:
    """nginx serving the site: its base URL, its master's process id, and its folder (the
    rendered configuration, the cache and access.log)."""

    url: str
    pid: int
    folder: Path


@contextmanager
def nginx_in_front(binary: str, folder: Path, app_port: int) -> Iterator[str]:
    """Run deploy/nginx.conf on a free port in front of an app on `app_port`; its base URL."""
    with nginx_running(binary, folder, app_ports=[app_port]) as nginx:
        yield nginx.url


@contextmanager
def nginx_running(
    binary: str,
    folder: Path,
    *,
    app_ports: Sequence[int | str],
    static: Path | None = None,
    connections: int = 128,
) -> Iterator[RunningNginx]:
    """Run deploy/nginx.conf on a free port in front of the apps on `app_ports`."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = render_site(folder, port=port, app_ports=app_ports, static=static)
    main = render_main(folder, site, connections=connections)
    checked = check_config(binary, main)
    assert checked.returncode == 0, checked.stderr
    log = (folder / "nginx.out").open("wb")
    proc = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(main)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        if not wait_for_port("127.0.0.1", port, timeout=10):
            raise RuntimeError(f"nginx did not start:\n{(folder / 'error.log').read_text()}")
        yield RunningNginx(f"http://127.0.0.1:{port}", proc.pid, folder)
    finally:
        proc.send_signal(signal.SIGQUIT)  # graceful: finish the requests in hand
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
