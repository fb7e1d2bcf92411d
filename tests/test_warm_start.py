"""A worker starts with its templates compiled and its translations loaded (nclw.templating):
made once in gunicorn's master, and kept on disk between restarts."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale, get_translations
from jinja2 import Environment, FileSystemLoader

from nclw import templating
from nclw.i18n import LANGUAGES
from nclw.templating import _CompiledTemplates, init_templating, warm


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
