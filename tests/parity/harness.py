"""The parity harness: drive one domain action through its page and through the API, as one actor of the
rulebook world (``tests/rulebook_world.py``), each on a fresh copy of the world, and say what happened.

An outcome is ``done`` (the database changed, or a read answered with the record) or ``refused`` (nothing
changed, or the read was refused). For writes the judge is the database itself: every table but the audit
log before and after (``rulebook_world.snapshot``); a page's redirect or flash message is not trusted. A
refusal must also be a 4xx on the API (never a 5xx anywhere), and a page refusal never a 5xx.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import rulebook_world

Builder = Callable[[rulebook_world.World], object]


@dataclass(frozen=True)
class Door:
    """One way in: ``method`` and ``url(world)``; for pages ``data(world)`` is the form, for the API the JSON
    body. ``shown(world)`` (reads only) is a text the answer contains when the record is shown."""

    method: str
    url: Builder
    data: Builder | None = None
    shown: Builder | None = None


@dataclass(frozen=True)
class Row:
    """One action on one object: the page door, the API door, and the actors for whom it is done.

    ``action`` names the function in ``models.actions`` (``applications.apply``); ``target`` says which
    object and why it matters (in or out of whose scope); ``allowed`` are the rulebook actors for whom the
    action is done — every other actor (anonymous included) must be refused through both doors.
    """

    action: str
    target: str
    page: Door | None
    api: Door | None
    allowed: frozenset[str]
    write: bool = True
    note: str = ""
    ids: tuple[str, ...] = field(default=())


def row(action: str, target: str, *, page: Door | None, api: Door | None, allowed=(), write: bool = True,
        note: str = "") -> Row:
    return Row(action, target, page, api, frozenset(allowed), write, note)


def const(value) -> Builder:
    return lambda _w: value


# --- running one door -------------------------------------------------------------------------------------

def _csrf_token(client) -> str | None:
    response = client.get("/", follow_redirects=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    if found:
        return found.group(1)
    response = client.get("/login")
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else None


def sign_in(client, world: rulebook_world.World, actor: str) -> None:
    """Sign ``actor`` in on a test client (the session Flask-Login reads)."""
    if actor == "anonymous":
        return
    with client.session_transaction() as session:
        session["_user_id"] = str(world.users[actor])
        session["_fresh"] = True


@dataclass
class Outcome:
    status: int
    changed: bool
    shown: bool

    def done(self, write: bool) -> bool:
        return self.changed if write else self.shown


def run_page(app, world, actor: str, door: Door, db_file: Path) -> Outcome:
    client = app.test_client()
    sign_in(client, world, actor)
    data = dict(door.data(world)) if door.data else {}
    if door.method != "GET":
        token = _csrf_token(client)
        if token:
            data.setdefault("csrf_token", token)
    before = rulebook_world.snapshot(db_file)
    response = client.open(door.url(world), method=door.method, data=data if door.method != "GET" else None)
    text = response.get_data(as_text=True)
    shown = response.status_code == 200 and (door.shown is None or str(door.shown(world)) in text)
    return Outcome(response.status_code, rulebook_world.snapshot(db_file) != before, shown)


def run_api(app, world, actor: str, door: Door, db_file: Path) -> Outcome:
    client = app.test_client()
    headers = {} if actor == "anonymous" else {"Authorization": f"Bearer {world.tokens[actor]}"}
    body = door.data(world) if door.data else None
    before = rulebook_world.snapshot(db_file)
    response = client.open(door.url(world), method=door.method, json=body, headers=headers)
    text = response.get_data(as_text=True)
    shown = 200 <= response.status_code < 300 and (door.shown is None or str(door.shown(world)) in text)
    return Outcome(response.status_code, rulebook_world.snapshot(db_file) != before, shown)
