"""gunicorn settings for `make run` (``gunicorn -c gunicorn.conf.py``).

Four single-threaded worker processes (measured best on 2 cores: threads in one process fight over the GIL
and stretch the p99; each process holds its own model and index, ~0.5 GB at demo size). The access log leaves
out query strings (a staff search may hold an ID number). The scheduler starts in every worker; its jobs take
a lock in the database so each runs once.

The model loads when a worker process starts, never inside a request: ``post_worker_init`` runs
``matching.service.warm_up`` (encoder, jieba + the lexical index, both vector indexes) after the worker has
built the app and before it accepts its first connection. Not ``preload_app``: loading torch and starting the
scheduler's threads in the master and then forking is what PyTorch and APScheduler both advise against.
"""
from __future__ import annotations

import logging
import os
import threading
import time

wsgi_app = "app:create_app()"
bind = os.environ.get("TONGBANG_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("TONGBANG_WORKERS", "4"))
threads = 1
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
timeout = 60
#: Loading m3e-small took 38 s on this shared 2-core machine (9 s idle): longer than ``timeout``, after which
#: the master would kill a worker that has not reported. While it warms up, a worker reports every few seconds,
#: for at most this long; a warm-up that hangs past it is killed like a hung request.
WARM_UP_LIMIT = 300

log = logging.getLogger("gunicorn.error")


def post_worker_init(worker) -> None:
    """Warm the worker up before it serves: the model, the lexical index and both vector indexes."""
    from app.database import get_db
    from matching.service import warm_up

    app = worker.wsgi
    done = threading.Event()

    def heartbeat() -> None:
        deadline = time.monotonic() + WARM_UP_LIMIT
        while not done.wait(5) and time.monotonic() < deadline:
            worker.notify()

    threading.Thread(target=heartbeat, name="warm-up-heartbeat", daemon=True).start()
    try:
        with app.app_context():
            steps = warm_up(get_db(), notify=worker.notify)
    finally:
        done.set()
    log.info("worker %s warmed up before serving: %s", worker.pid,
             ", ".join(f"{name} {seconds:.1f}s" for name, seconds in steps.items()))
