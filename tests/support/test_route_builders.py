"""The test session's shared URL builders (tests/support/route_builders.py) are the ones
Werkzeug would compile for each app: same code, same constants, same arguments."""

from __future__ import annotations

from flask import Flask, url_for
from werkzeug.routing import Map, Rule

from tests.conftest import make_test_app
from tests.support.route_builders import _key, builders_compiled, compile_unshared


def _same_function(one, other) -> bool:
    a, b = one.__code__, other.__code__
    return (a.co_code, a.co_consts, a.co_varnames, a.co_names, one.__defaults__) == (
        b.co_code,
        b.co_consts,
        b.co_varnames,
        b.co_names,
        other.__defaults__,
    )


def test_two_apps_share_each_routes_builder_and_it_is_werkzeugs_own(app: Flask, tmp_path):
    other = make_test_app(tmp_path)
    shared = 0
    for rule in app.url_map.iter_rules():
        [twin] = [r for r in other.url_map.iter_rules() if r.endpoint == rule.endpoint]
        for append_unknown, built in ((False, rule._build), (True, rule._build_unknown)):
            fresh = compile_unshared(rule, append_unknown)
            assert _same_function(built.__func__, fresh), rule.rule
            if _key(rule, append_unknown) is not None:
                twin_built = twin._build_unknown if append_unknown else twin._build
                assert twin_built.__func__ is built.__func__, rule.rule
                shared += 1
    assert shared > 100
    assert builders_compiled() > 100
    with app.test_request_context():
        url = url_for("events.detail", slug="careers-q-and-a", ref="x y")
    with other.test_request_context():
        assert url_for("events.detail", slug="careers-q-and-a", ref="x y") == url
    assert url == "/events/careers-q-and-a?ref=x+y"


def test_a_default_in_the_path_gets_a_builder_of_its_own():
    routes = Map(
        [
            Rule("/page/<int:number>", endpoint="first", defaults={"number": 1}),
            Rule("/page/<int:number>", endpoint="page"),
        ]
    )
    first, page = routes.iter_rules()
    assert _key(first, False) is None
    assert _key(page, False) is not None
    urls = routes.bind("nclw.test")
    assert urls.build("first", {}) == "/page/1"
    assert urls.build("page", {"number": 7}) == "/page/7"
