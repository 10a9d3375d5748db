"""Web load benchmark: the worker's 推荐岗位 page and ``GET /api/v1/workers/<id>/matches``.

Served the way the README serves it (``make run``: gunicorn, 4 single-threaded workers, on loopback) over the
demo data, with load from a second process: ``wrk`` (Debian package; installed when missing and apt is
available), else a Python thread pool. 20 concurrent connections, each request for a random one of 40
job-seeking demo workers (their own signed-in session for the page; a staff API token for the API), so
results are not one worker's cached page.

Prints requests/s, p50/p90/p99 latency and error counts per endpoint. Target: p99 ≤ 100 ms at 20 clients
(issue 12: ≤ 60 ms for the page, first load ≤ 100 KB).

Before the load, the page's cost per part is measured in this process for the same 40 workers (``page_parts``):
ranking (``jobs_for_worker``, cold — the ranked-list cache emptied — and warm), loading the posting records,
and rendering the template; and the first-load weight (page + stylesheet + script + icon).

Usage: ``.venv/bin/python scripts/bench_web.py [--seconds 20] [--connections 20] [--parts-only]``
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GUNICORN_ARGS = ["--workers", "4", "--threads", "1"]  # as in the Makefile's `run`
PASSWORD = "bench-pass-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(data: Path) -> tuple[list[int], str]:
    """Load the demo into ``data``; make 40 worker accounts and a staff API token."""
    env = dict(os.environ, TONGBANG_DATA_DIR=str(data), TONGBANG_SCHEDULER="0")
    subprocess.run([str(BIN / "flask"), "--app", "app", "demo", "load", "--no-progress"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    os.environ["TONGBANG_DATA_DIR"] = str(data)
    sys.path.insert(0, str(ROOT))
    from models.people.api_tokens import create_token
    from models.people.users import create_user, get_user_by_username
    from models.store.db import connect

    db = connect()
    rng = random.Random(7)
    ids = [r[0] for r in db.execute("SELECT id FROM workers WHERE seeking = 1 AND id NOT IN"
                                    " (SELECT worker_id FROM users WHERE worker_id IS NOT NULL) ORDER BY id")]
    chosen = sorted(rng.sample(ids, 40))
    for n, worker_id in enumerate(chosen):
        if get_user_by_username(db, f"bench{n}") is None:
            create_user(db, f"bench{n}", PASSWORD, "worker", worker_id=worker_id)
    _token_id, token = create_token(db, get_user_by_username(db, "staff")["id"], "bench")
    externals = [db.execute("SELECT external_id FROM workers WHERE id = ?", (i,)).fetchone()[0] for i in chosen]
    db.conn.close()
    return externals, token


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def page_parts(rounds: int = 5) -> dict:
    """推荐岗位's cost per part for the 40 bench workers, in this process (ms): ranking cold and warm, loading
    the postings, rendering; and the first-load weight in bytes. Mirrors ``app.seekers.matches``."""
    from flask import render_template
    from flask_login import login_user

    from app import create_app
    from app.database import get_db
    from app.seekers import MATCHES_FIRST, thin_profile
    from app.web import SessionUser
    from matching import service
    from models.hiring import applications as applications_model
    from models.hiring.jobs import get_job
    from models.people.users import get_user_by_username
    from models.people.workers import get_worker
    from models.placement.placements import left_job_ids

    app = create_app({"TESTING": True, "START_SCHEDULER": False})
    parts: dict[str, list[float]] = {"ranking cold": [], "ranking warm": [], "loading": [], "rendering": []}
    weight = 0
    with app.test_request_context("/me/matches"):
        db = get_db()
        users = [get_user_by_username(db, f"bench{n}") for n in range(40)]
        for _ in range(rounds):
            for user in users:
                login_user(SessionUser(user))
                service.forget_results()  # cold: as after any posting is saved
                for label in ("ranking cold", "ranking warm"):
                    t = time.perf_counter()
                    found = service.jobs_for_worker(db, user["worker_id"], k=MATCHES_FIRST + 1,
                                                    exclude_job_ids=left_job_ids(db, user["worker_id"]))
                    parts[label].append((time.perf_counter() - t) * 1000)
                found = found[:MATCHES_FIRST]
                t = time.perf_counter()
                worker = get_worker(db, user["worker_id"])
                jobs = {j["id"]: j for j in (get_job(db, m.job_id) for m in found) if j}
                applied = applications_model.applied_job_ids(db, worker["id"], active_only=True)
                parts["loading"].append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                html = render_template("seekers/matches.html", worker=worker, matches=found, jobs=jobs,
                                       applied=applied, missing=thin_profile(worker), more="/me/matches?page=2")
                parts["rendering"].append((time.perf_counter() - t) * 1000)
                weight = max(weight, len(html.encode()))
    static = Path(app.static_folder)
    weight += sum((static / f).stat().st_size for f in ("css/site.css", "js/worker.js", "favicon.svg"))
    return {"parts": {k: (statistics.median(v), _pct(v, 0.99)) for k, v in parts.items()}, "first_load_bytes": weight}


def print_parts(result: dict) -> None:
    print("推荐岗位 per part, in process (40 workers × rounds):")
    for label, (p50, p99) in result["parts"].items():
        print(f"  {label:<14} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
    print(f"  first load (page + css + js + icon): {result['first_load_bytes'] / 1024:.1f} KB  target ≤ 100 KB")


def start_server(data: Path, port: int) -> subprocess.Popen:
    # As `make run` serves it, except: no scheduler, and no login rate limit (40 sign-ins during set-up).
    env = dict(os.environ, TONGBANG_DATA_DIR=str(data), TONGBANG_SCHEDULER="0", TONGBANG_RATELIMIT="0")
    proc = subprocess.Popen([str(BIN / "gunicorn"), *GUNICORN_ARGS, "--bind", f"127.0.0.1:{port}",
                             "app:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def login(base: str, username: str) -> str:
    """Sign in through the real form; return the session cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(base + "/login", body)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def lua_script(requests: list[tuple[str, dict]]) -> str:
    def quote(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    entries = ",\n".join("{" + quote(path) + ", {" + ", ".join(f"[{quote(k)}]={quote(v)}" for k, v in hdrs.items())
                         + "}}" for path, hdrs in requests)
    return f"""local reqs = {{
{entries}
}}
math.randomseed(os.time())
request = function()
  local r = reqs[math.random(#reqs)]
  return wrk.format("GET", r[1], r[2])
end
"""


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    try:
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True,
                       timeout=300)
    except (OSError, subprocess.SubprocessError):
        return None
    return shutil.which("wrk")


def run_wrk(wrk: str, base: str, requests, seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua_script(requests))
    out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", fh.name, base],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(fh.name)

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "p50": ms("50"), "p90": ms("90"), "p99": ms("99"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "errors": errors.group(1) if errors else "none"}


def run_python(base: str, requests, seconds: int, connections: int, keep: bool = False) -> dict:
    """Fallback load generator: a thread per connection, keep-alive via http.client (``keep``: the result also
    holds every latency, for a caller that merges several runs)."""
    import http.client

    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    stop = time.perf_counter() + seconds
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        mine = []
        while time.perf_counter() < stop:
            path, headers = rng.choice(requests)
            t = time.perf_counter()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            mine.append((time.perf_counter() - t) * 1000)
            if resp.status != 200:
                bad[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    result = {"rps": len(latencies) / elapsed, "requests": len(latencies), "p50": q[49], "p90": q[89],
              "p99": q[98], "non2xx": bad[0], "errors": "none"}
    if keep:
        result["latencies"] = latencies
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--parts-only", action="store_true", help="only the in-process cost per part")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="tongbang-bench-web-"))
    started = time.perf_counter()
    externals, token = prepare(data)
    print(f"demo data loaded and 40 worker accounts made in {time.perf_counter() - started:.1f} s ({data})")
    print_parts(page_parts())
    if args.parts_only:
        shutil.rmtree(data, ignore_errors=True)
        return 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(data, port)
    try:
        cookies = [login(base, f"bench{n}") for n in range(len(externals))]
        pages = [("/me/matches", {"Cookie": c}) for c in cookies]
        api = [(f"/api/v1/workers/{e}/matches?k=10", {"Authorization": f"Bearer {token}"}) for e in externals]
        for path, headers in (pages + api) * 2:  # warm every worker process (model load, index open)
            urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=60).read()
        wrk = ensure_wrk()
        print(f"server: gunicorn {' '.join(GUNICORN_ARGS)}; load: {'wrk' if wrk else 'Python threads'}, "
              f"{args.connections} connections, {args.seconds} s each, random worker per request")
        print(f"{'endpoint':<36}{'req/s':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'non-200':>9}  target p99≤100ms")
        ok = True
        for label, reqs in (("worker page /me/matches", pages), ("GET /api/v1/workers/<id>/matches", api)):
            result = (run_wrk(wrk, base, reqs, args.seconds, args.connections) if wrk
                      else run_python(base, reqs, args.seconds, args.connections))
            met = result["p99"] <= 100 and result["non2xx"] == 0
            ok &= met
            print(f"{label:<36}{result['rps']:>8.1f}{result['p50']:>9.1f}{result['p90']:>9.1f}{result['p99']:>9.1f}"
                  f"{result['non2xx']:>9}  {'met' if met else 'NOT met'} (socket errors: {result['errors']})")
        return 0
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
