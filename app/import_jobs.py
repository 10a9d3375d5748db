"""Ledger imports in the background (issue 9, finding 8): the staff page hands an upload's import to a thread
of the serving process and answers at once; the report page shows the batch's progress until it is done.

A thread per upload, each with its own store connection (``models.store.db.connect``): imports are rare and
SQLite serialises their writes anyway, so there is no queue in which a waiting job could look dead. The
threads are daemons: when the process ends (a crash, a restart), a running import stops, its batch keeps the
counts of the chunks it committed and is shown as 中断 once its heartbeat is stale
(``models.intake.ledger.STALE_AFTER``), and staff re-run it from the kept upload (``imports.rerun``).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from models.store.db import connect

log = logging.getLogger(__name__)


class ImportJobs:
    """The running import threads of this process."""

    def __init__(self) -> None:
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()

    def submit(self, job: Callable[[Any], None]) -> None:
        """Run ``job(db)`` on a new thread with a store connection of its own."""
        thread = threading.Thread(target=self._run, args=(job,), name="ledger-import", daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()

    def _run(self, job: Callable[[Any], None]) -> None:
        db = connect()
        try:
            job(db)
        finally:
            db.conn.close()
            with self._lock:
                self._threads.discard(threading.current_thread())

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every running import (tests; a graceful shutdown)."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)


def init_app(app: Flask) -> None:
    app.extensions["import_jobs"] = ImportJobs()


def submit(job: Callable[[Any], None]) -> None:
    """Run an import job in the background of the current app (``models.actions.imports.Background``)."""
    current_app.extensions["import_jobs"].submit(job)
