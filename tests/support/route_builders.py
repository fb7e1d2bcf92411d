"""URL builders compiled once for every app of the test session.

Werkzeug turns each route into two small Python functions that build its URLs, writing and
compiling their source when the route is added to an app: about 40 ms of the 50 ms that
`create_app` takes. A production worker makes one app; the tests make hundreds, always with
the same routes. The functions depend only on the route's pattern and its defaults, and
reach the route itself through the `self` they are bound to, so one function serves the same
route in every app. (Jinja's compiled templates are shared the same way: see conftest.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule

_compiled: dict[tuple, Callable[..., Any]] = {}
#: Werkzeug's own compiler, kept for `compile_unshared`.
_werkzeug_compile_builder = Rule._compile_builder


def _key(rule: Rule, append_unknown: bool) -> tuple | None:
    """What the compiled builder depends on, or None where a default is folded into it."""
    defaults = rule.defaults or {}
    trace = tuple(rule._trace)
    if any(is_dynamic and part in defaults for is_dynamic, part in trace):
        # Werkzeug writes such a default into the function through the route's converter.
        return None
    return (rule.rule, append_unknown, trace, tuple(defaults))


def share_route_builders() -> None:
    """Make every Rule reuse a builder already compiled for an identical route."""
    if getattr(Rule._compile_builder, "shared", False):
        return
    original = _werkzeug_compile_builder

    def compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        key = _key(self, append_unknown)
        if key is None:
            return original(self, append_unknown)
        builder = _compiled.get(key)
        if builder is None:
            builder = _compiled[key] = original(self, append_unknown)
        return builder

    compile_builder.shared = True  # type: ignore[attr-defined]
    Rule._compile_builder = compile_builder  # type: ignore[method-assign]


def compile_unshared(rule: Rule, append_unknown: bool) -> Callable[..., Any]:
    """The builder Werkzeug compiles for `rule` on its own."""
    return _werkzeug_compile_builder(rule, append_unknown)


def builders_compiled() -> int:
    """How many distinct builders the session has compiled."""
    return len(_compiled)
