"""A worker starts with its templates compiled and its translations loaded (nclw.templating):
made once in gunicorn's master, and kept on disk between restarts."""

from __future__ import annotations

import gc
import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale, get_translations
from jinja2 import Environment, FileSystemLoader

from nclw import PROJECT_ROOT, templating
from nclw.extensions import db
from nclw.i18n import LANGUAGES
from nclw.templating import _CompiledTemplates, init_templating, warm
from tests.e2e.signup_storm import server_env
from tests.support.migrated import upgrade_to_heads


def test_warming_compiles_every_template_and_loads_every_language(own_app, monkeypatch):
    environment = own_app.jinja_env
    environment.cache.clear()
    warm(own_app)

    def loaded_again(*args, **kwargs):
        raise AssertionError("a template was loaded again after warming")

    # Every template is now kept compiled: none is even read from its file again.
    monkeypatch.setattr(environment.loader, "get_source", loaded_again)
    for name in environment.list_templates():
        environment.get_template(name)
    assert len(environment.list_templates()) > 100  # every page and email: a real list
    # The catalogues are kept by Flask-Babel for the process: loaded once, given again.
    with own_app.test_request_context():
        for code in LANGUAGES:
            with force_locale(code):
                assert get_translations() is get_translations()


def test_compiled_templates_are_kept_on_disk_and_loaded_by_the_next_process(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("Hello {{ name }}")
    kept = tmp_path / "compiled"
    kept.mkdir()

    def environment() -> Environment:
        return Environment(
            loader=FileSystemLoader(tmp_path / "templates"),
            bytecode_cache=_CompiledTemplates(str(kept)),
        )

    assert environment().get_template("page.html").render(name="Sam") == "Hello Sam"
    assert len(list(kept.iterdir())) == 1
    later = environment()  # as a restarted worker would
    later.compile = None  # type: ignore[method-assign] - would fail if it compiled
    assert later.get_template("page.html").render(name="Ali") == "Hello Ali"
    # An edited template is compiled afresh, never taken from the old one.
    (tmp_path / "templates" / "page.html").write_text("Hi {{ name }}")
    assert environment().get_template("page.html").render(name="Sam") == "Hi Sam"


def test_a_cache_that_cannot_be_written_fails_no_page(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(templating.FileSystemBytecodeCache, "dump_bytecode", full)
    (tmp_path / "page.html").write_text("Hello")
    environment = Environment(
        loader=FileSystemLoader(tmp_path), bytecode_cache=_CompiledTemplates(str(tmp_path))
    )
    assert environment.get_template("page.html").render() == "Hello"


def test_a_running_site_keeps_its_compiled_templates(tmp_path, monkeypatch):
    site = Flask("site")
    site.config["SITE_NAME"] = "NCLW Events"
    init_templating(site)
    assert isinstance(site.jinja_env.bytecode_cache, _CompiledTemplates)
    # Under systemd, in the service's cache folder (CacheDirectory=), which outlives restarts.
    monkeypatch.setenv("CACHE_DIRECTORY", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    served = Flask("served")
    served.config["SITE_NAME"] = "NCLW Events"
    init_templating(served)
    assert served.jinja_env.bytecode_cache.directory == str(tmp_path / "cache" / "templates")
    assert (tmp_path / "cache" / "templates").is_dir()
    tested = Flask("tested")
    tested.config.update(SITE_NAME="NCLW Events", TESTING=True)
    init_templating(tested)  # the tests keep compiled templates in memory instead
    assert tested.jinja_env.bytecode_cache is None


def test_gunicorn_freezes_the_master_after_warming_it(own_app, monkeypatch):
    # gunicorn.conf.py's when_ready, as gunicorn calls it before forking the workers. The
    # freeze is watched, not done: here it would keep every later test's garbage for good.
    hooks = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    own_app.jinja_env.cache.clear()
    templates_compiled_when_frozen = []
    monkeypatch.setattr(
        gc, "freeze", lambda: templates_compiled_when_frozen.append(len(own_app.jinja_env.cache))
    )
    server = SimpleNamespace(
        app=SimpleNamespace(wsgi=lambda: own_app),
        cfg=SimpleNamespace(preload_app=True, workers=1),
        log=SimpleNamespace(warning=lambda *args: None),
    )
    hooks["when_ready"](server)
    # Frozen once, after every template was compiled, so the workers share those too.
    assert templates_compiled_when_frozen == [len(own_app.jinja_env.list_templates())]


@pytest.mark.slow  # a process of its own
def test_the_entry_point_freezes_the_app_it_built(tmp_path):
    env = {**os.environ, **server_env(f"sqlite:///{tmp_path / 'site.sqlite'}", tmp_path)}
    counts = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc; n = gc.get_freeze_count(); import wsgi; print(n, gc.get_freeze_count())",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    before, after = int(counts[-2]), int(counts[-1])
    # The app and the libraries it loaded: a real heap, not a handful of objects.
    assert before == 0 and after > 50_000


@pytest.mark.slow  # a process of its own
def test_a_command_closes_its_database_connections_before_it_exits(tmp_path):
    # The frozen pool is never collected: the entry point closes its connections at exit, so
    # the SQLite file is whole, its write-ahead log folded in.
    database = tmp_path / "site.sqlite"
    upgrade_to_heads(server_env(f"sqlite:///{database}", tmp_path))
    assert database.stat().st_size > 0
    assert not Path(f"{database}-wal").exists()


def test_a_worker_closes_its_database_connections_as_it_exits(own_app):
    hooks = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    db.session.execute(sa.text("SELECT 1"))
    db.session.remove()
    pool = db.engine.pool
    assert pool.checkedin() == 1  # kept open for the next request
    hooks["worker_exit"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: own_app)), None)
    assert pool.checkedin() == 0


FIRST_SIGN_UP = """
import sys
from nclw import create_app
from nclw.extensions import db
from nclw.templating import warm
from tests.factories import make_event

folder = sys.argv[1]
app = create_app({
    "SECRET_KEY": "k" * 48, "QUESTION_ASKER_KEY": "q" * 48, "TESTING": True,
    "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "MAIL_SERVER": None,
    "MAIL_SEND_AFTER_COMMIT": False, "MAIL_FILE_DIRECTORY": folder + "/mail",
    "SQLALCHEMY_DATABASE_URI": "sqlite:///" + folder + "/site.sqlite",
})
warm(app)  # as gunicorn's master does before it forks the workers
with app.app_context():
    db.create_all()
    slug = make_event(capacity=5).slug
    db.session.remove()
client = app.test_client()
assert client.get(f"/events/{slug}/register").status_code == 200
before = set(sys.modules)
details = {"first_name": "Sam", "email": "sam@example.com"}
answer = client.post(f"/events/{slug}/register", data=details)
assert answer.status_code == 200, answer.status_code
print(" ".join(sorted(set(sys.modules) - before)))
"""


@pytest.mark.slow  # a process of its own
def test_a_workers_first_sign_up_imports_nothing(tmp_path):
    """Everything a sign-up runs is loaded with the app, so in the master before the fork:
    a module imported on first use (WTForms imports the email checker so) made each
    worker's first sign-up wait for it, and load its own copy."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SIGN_UP, str(tmp_path)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "NCLW_INSTANCE_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
