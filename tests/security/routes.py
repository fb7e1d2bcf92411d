"""Walk every route of the app with real object ids: helpers for the route-walk tests."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from nclw.extensions import db
from tests.support.database import sqlite_path

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row, for every table the models define."""
    state = {}
    inspector_tables = set(sa.inspect(db.engine).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name not in inspector_tables:
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(sa.select(table).order_by(*order)).all()
        digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
        state[table.name] = (len(rows), digest)
    db.session.rollback()
    return state


class Snapshots:
    """Snapshots of the database (see `snapshot`), read afresh only when something was
    committed since the last one.

    Reading every row of every table before and after each of about two thousand requests
    was most of the walk's time. On SQLite a connection of the walk's own asks
    `PRAGMA data_version`, which changes whenever another connection commits: while it has
    not, the database is exactly as the last snapshot read it. Elsewhere every snapshot is
    read in full.
    """

    def __init__(self) -> None:
        path = sqlite_path(db.engine.url.render_as_string(hide_password=False))
        self._watch = sqlite3.connect(path) if path is not None else None
        self._version: int | None = None
        self._last: dict[str, tuple[int, str]] | None = None

    def now(self) -> dict[str, tuple[int, str]]:
        """The database's rows as they are now."""
        # Asked before the rows are read: a commit in between is seen at the next call.
        version = self._data_version()
        if self._last is None or version is None or version != self._version:
            self._version = version
            self._last = snapshot()
        return self._last

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()

    def _data_version(self) -> int | None:
        if self._watch is None:
            return None
        return self._watch.execute("PRAGMA data_version").fetchone()[0]


@contextlib.contextmanager
def snapshots():
    """`Snapshots` of the app's database for the block."""
    watched = Snapshots()
    try:
        yield watched
    finally:
        watched.close()


def changed_tables(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ between two snapshots."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


@dataclass
class Values:
    """Real values for URL arguments, from the seeded database."""

    by_name: dict[str, object]
    # Where one argument name means different things: {("/account/reset/<token>", "token"): ..}
    by_rule: dict[tuple[str, str], object] = field(default_factory=dict)

    def for_argument(self, rule: Rule, name: str) -> object:
        """A real value for argument `name` of `rule` (an id from the matching table)."""
        if (rule.rule, name) in self.by_rule:
            return self.by_rule[(rule.rule, name)]
        if name in self.by_name:
            return self.by_name[name]
        converter = rule._converters.get(name)
        stem = name.removesuffix("_id") if name != "id" else _stem_from_rule(rule)
        if isinstance(converter, IntegerConverter) or name.endswith("_id") or name == "id":
            return first_id(stem)
        token = _token_for(stem)
        return token if token is not None else "x"


def _stem_from_rule(rule: Rule) -> str:
    # "/admin/events/<int:id>/edit" -> "event"; "/partner/proposals/<int:id>" -> "proposal"
    parts = [part for part in rule.rule.split("/") if part and "<" not in part]
    before_id = rule.rule.split("<", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return (before_id or (parts[-1] if parts else "event")).rstrip("s")


def _table_for(stem: str) -> sa.Table | None:
    tables = db.metadata.tables
    for candidate in (stem + "s", stem + "es", stem, stem.replace("-", "_") + "s"):
        if candidate in tables:
            return tables[candidate]
    matches = [table for name, table in tables.items() if name.startswith(stem)]
    return matches[0] if matches else None


def first_id(stem: str) -> int:
    """The lowest id in the table named like `stem`, or 1 when there is none."""
    table = _table_for(stem)
    if table is None or "id" not in table.c:
        return 1
    value = db.session.scalar(sa.select(sa.func.min(table.c.id)))
    return value or 1


def _token_for(stem: str) -> str | None:
    table = _table_for(stem)
    if table is None:
        return None
    for column in ("slug", "manage_token", "token"):
        if column in table.c:
            return db.session.scalar(sa.select(table.c[column]).limit(1))
    return None


def build_path(app: Flask, rule: Rule, values: Values) -> str:
    """The rule's path with real values filled in."""
    arguments = {name: values.for_argument(rule, name) for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **arguments)


def routes(app: Flask, method: str) -> list[Rule]:
    """Every rule that answers `method`, in a stable order."""
    return sorted(
        (rule for rule in app.url_map.iter_rules() if method in (rule.methods or ())),
        key=lambda rule: rule.rule,
    )
