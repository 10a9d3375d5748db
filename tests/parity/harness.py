"""The parity harness: drive one domain action through its page and through the API, as one actor of the
rulebook world (``tests/rulebook_world.py``), each on a fresh copy of the world, and say what happened.

An outcome is ``done`` (the database changed, or a read answered with the record) or ``refused`` (nothing
changed, or the read was refused). For writes the judge is the database itself: every table but the audit
log before and after (``rulebook_world.snapshot``); a page's redirect or flash message is not trusted. A
refusal must also be a 4xx on the API (never a 5xx anywhere), and a page refusal never a 5xx.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    multipart: bool = False


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
    #: The actors tested (default: all of them). A read with no page for some roles (a worker reads their
    #: placements through the API only) lists the actors both doors serve.
    actors: tuple[str, ...] = rulebook_world.ACTORS
    #: The tables that judge a write (default: every table). An import writes its report even when every row
    #: is refused, so it is judged on the workers/jobs tables.
    tables: tuple[str, ...] = ()
    #: The action answers even when it refuses the rows (an import: 201 with the refused rows in its report).
    reports_refusals: bool = False
    #: A list: it refuses nobody signed in, it leaves out what the actor may not see (200 without the record).
    filters: bool = False
    #: Run on each fresh copy of the world before the door is tried (``prepare(db_file, world)``): state the
    #: action needs that the shared world does not have (a confirmed follow-up, a transport batch).
    prepare: Callable[[Path, rulebook_world.World], None] | None = None


def row(action: str, target: str, *, page: Door | None, api: Door | None, allowed=(), write: bool = True,
        note: str = "", actors: tuple[str, ...] = rulebook_world.ACTORS, tables: tuple[str, ...] = (),
        reports_refusals: bool = False, filters: bool = False,
        prepare: Callable[[Path, rulebook_world.World], None] | None = None) -> Row:
    return Row(action, target, page, api, frozenset(allowed), write, note, actors, tables, reports_refusals,
               filters, prepare)


def const(value) -> Builder:
    return lambda _w: value


# --- running one door -------------------------------------------------------------------------------------

def sign_in(app, client, world: rulebook_world.World, actor: str) -> str:
    """Sign ``actor`` in on a test client (the session Flask-Login reads) and return a CSRF token for its
    forms, minted the way Flask-WTF does (raw token in the session, signed token in the form)."""
    from itsdangerous import URLSafeTimedSerializer

    raw = "parity-" + actor
    with client.session_transaction() as session:
        session["csrf_token"] = raw
        if actor != "anonymous":
            session["_user_id"] = str(world.users[actor])
            session["_fresh"] = True
            session.update(world.session_extra.get(actor, {}))
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


@dataclass
class Outcome:
    status: int
    changed: bool
    shown: bool

    def done(self, write: bool) -> bool:
        return self.changed if write else self.shown


def run_page(app, world, actor: str, door: Door, db_file: Path, tables: tuple[str, ...] = ()) -> Outcome:
    client = app.test_client()
    token = sign_in(app, client, world, actor)
    data = dict(door.data(world)) if door.data else {}
    if door.method != "GET":
        data.setdefault("csrf_token", token)
    before = rulebook_world.snapshot(db_file, tables)
    response = client.open(door.url(world), method=door.method, data=data if door.method != "GET" else None,
                           content_type="multipart/form-data" if door.method != "GET" else None)
    text = response.get_data().decode("utf-8", "replace")
    shown = response.status_code == 200 and (door.shown is None or str(door.shown(world)) in text)
    return Outcome(response.status_code, rulebook_world.snapshot(db_file, tables) != before, shown)


def run_api(app, world, actor: str, door: Door, db_file: Path, tables: tuple[str, ...] = ()) -> Outcome:
    client = app.test_client()
    headers = {} if actor == "anonymous" else {"Authorization": f"Bearer {world.tokens[actor]}"}
    body = door.data(world) if door.data else None
    before = rulebook_world.snapshot(db_file, tables)
    if door.multipart:
        response = client.open(door.url(world), method=door.method, data=dict(body or {}), headers=headers,
                                content_type="multipart/form-data")
    else:
        response = client.open(door.url(world), method=door.method, json=body, headers=headers)
    text = response.get_data().decode("utf-8", "replace")
    shown = 200 <= response.status_code < 300 and (door.shown is None or str(door.shown(world)) in text)
    return Outcome(response.status_code, rulebook_world.snapshot(db_file, tables) != before, shown)
