"""Issue 9, finding 9: the first keyword search in a process loaded the model inside the request (9 s idle,
over 30 s under load, then the worker was killed). Now each gunicorn worker warms up when it starts
(``gunicorn.conf.py`` → ``matching.service.warm_up``), before it accepts a connection."""
from __future__ import annotations

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class FakeWorker:
    """What gunicorn hands ``post_worker_init``: the loaded app, a heartbeat and a pid."""

    def __init__(self, app) -> None:
        self.wsgi = app
        self.pid = os.getpid()
        self.beats = 0

    def notify(self) -> None:
        self.beats += 1


def test_post_worker_init_loads_encoder_and_indexes_before_serving(app, monkeypatch):
    import matching.encoder as encoder_mod
    import matching.index as index_mod

    monkeypatch.setenv("TONGBANG_ENCODER", "static")
    encoder_mod.set_encoder(None)
    index_mod.forget_indexes()
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["wsgi_app"] == "app:create_app()" and not config.get("preload_app")
    worker = FakeWorker(app)
    config["post_worker_init"](worker)
    assert "static" in encoder_mod._encoders  # the model is in memory: no request will load it
    kinds = {key[0] for key in index_mod._registry}
    assert kinds == set(index_mod.KINDS)
    assert worker.beats >= 2 + len(index_mod.KINDS)  # the master heard from the worker between the steps


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_worker_answers_only_after_warming_up(data_dir):
    port = _free_port()
    log = data_dir / "gunicorn.log"
    env = {**os.environ, "TONGBANG_DATA_DIR": str(data_dir), "TONGBANG_ENCODER": "static", "TONGBANG_SCHEDULER": "0",
           "TONGBANG_WORKERS": "1", "TONGBANG_BIND": f"127.0.0.1:{port}"}
    with open(log, "w") as out:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
        text = log.read_text()
        warmed = text.index("warmed up before serving")
        assert "encoder" in text[warmed:] and "index:jobs" in text[warmed:]
        assert text.find("/healthz") == -1 or text.find("/healthz") > warmed
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_slow_warm_up_keeps_reporting_to_the_master(app, monkeypatch):
    """m3e-small took 38 s to load on the shared machine, over gunicorn's 60 s timeout under worse load: the
    worker must keep telling the master it is alive while the model loads, or it is killed in a boot loop."""
    import matching.service

    def slow(db, notify=None):
        time.sleep(6)
        return {"encoder": 6.0}

    monkeypatch.setattr(matching.service, "warm_up", slow)
    worker = FakeWorker(app)
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"](worker)
    assert worker.beats >= 1
