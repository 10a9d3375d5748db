"""One Flask app per test module on the rulebook world (``tests/rulebook_world.py``) or a world of the module's
own, for modules that send hundreds of requests (the authorisation matrices): the app and the world are built
once per module, and before each test the world's SQLite file is copied back (a file copy: no app, no world
and no password hash is rebuilt per test).

Usage in a test module::

    site = site_fixture(prepare=add_a_batch, WTF_CSRF_ENABLED=True)

    def test_something(site):
        site.reset()                      # a fresh copy of the world (and what ``prepare`` added)
        client = site.client("county_staff")

``prepare(db, world)`` runs once on the module's copy (to add what the module needs, such as an import batch)
and may set attributes on its own copy of the ``World``.
"""
from __future__ import annotations

import copy
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The PostgreSQL database of a ``make test-pg`` run (None: SQLite files, as before).
TEST_PG = (os.environ.get("TONGBANG_TEST_DATABASE_URL") or "").strip() or None


@dataclass
class Site:
    app: object
    folder: Path
    template: Path
    world: object
    pg_urls: tuple[str, str] | None = None   # on PostgreSQL: (the site's store, its template), two schemas

    @property
    def db_file(self) -> Path | str:
        """The store ``rulebook_world.snapshot`` reads: the SQLite file, or on PostgreSQL the site's URL."""
        return self.pg_urls[0] if self.pg_urls is not None else self.folder / "tongbang.db"

    def reset(self) -> None:
        """Put the module's copy of the world back into the store."""
        from tests.rulebook_world import copy_store

        if self.pg_urls is not None:
            from models.store import pg

            pg.copy_rows(self.pg_urls[1], self.pg_urls[0])
            return
        copy_store(self.template, self.db_file)

    def client(self, actor: str):
        """A test client signed in as ``actor`` (a rulebook key; ``anonymous`` stays signed out)."""
        client = self.app.test_client()
        if actor != "anonymous":
            with client.session_transaction() as session:
                session["_user_id"] = str(self.world.users[actor])
                session["_fresh"] = True
        return client


def site_fixture(prepare: Callable | None = None, *, build: Callable | None = None, **config) -> Callable:
    """A module-scoped fixture giving a :class:`Site` on a copy of the rulebook world — or, with ``build``, on
    the world ``build(db)`` writes into an empty store and returns (another module's own world)."""

    @pytest.fixture(scope="module")
    def site(rulebook_template, tmp_path_factory):
        from app import create_app
        from models.store.db import connect
        from tests.rulebook_world import copy_store

        source, world = rulebook_template
        folder = tmp_path_factory.mktemp("site")
        template = tmp_path_factory.mktemp("site-template") / "tongbang.db"
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TONGBANG_DATA_DIR", str(folder))
            pg_urls = None
            if TEST_PG is not None:   # the site's store and its template are schemas of their own
                from models.store import pg
                from models.store.db import migrate

                pg_urls = tuple(pg.create_schema(TEST_PG, f"{kind}_{uuid.uuid4().hex[:12]}") for kind in ("site", "sitet"))
                patch.setenv("TONGBANG_DATABASE_URL", pg_urls[0])
                for url in pg_urls:
                    made = pg.connect(url)
                    migrate(made)
                    made.close()
                if build is None:
                    world = copy.deepcopy(world)
                    shutil.copyfile(source / "keys.json", folder / "keys.json")
                    pg.copy_rows((source / "store_url").read_text(), pg_urls[0])
                db = connect()
            else:
                if build is None:
                    world = copy.deepcopy(world)
                    shutil.copyfile(source / "keys.json", folder / "keys.json")
                    copy_store(source / "tongbang.db", folder / "tongbang.db")
                db = connect(folder / "tongbang.db")
            if build is not None:
                world = build(db)
            if prepare is not None:
                prepare(db, world)
            if pg_urls is None:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                db.conn.close()
                shutil.copyfile(folder / "tongbang.db", template)
            else:
                db.conn.close()
                pg.copy_rows(pg_urls[0], pg_urls[1])
            app = create_app({"TESTING": True, "START_SCHEDULER": False, "RATELIMIT_ENABLED": False,
                              "API_AUTH_FAILURES_PER_MINUTE": 100_000, **config})
            yield Site(app, folder, template, world, pg_urls)
            if pg_urls is not None:
                for url in pg_urls:
                    pg.drop_schema(TEST_PG, pg.schema_of(url))

    return site
