"""The authorisation matrix for pages: every role against every page and form (the API has its own matrix
in tests/api/test_authz_matrix.py).

For each route: who may use it; who must get 404 because the object is someone else's (another employer's
posting, a worker outside a staff member's counties); everyone else signed in gets 403; anonymous users are
sent to the login page. A refused POST must change nothing in the database. A final test fails when a page
is added without a row here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.database import get_db

ROLES = ("anonymous", "worker_a", "worker_b", "employer_x", "employer_y", "staff", "staff_cq", "admin")
STAFF = {"staff", "staff_cq", "admin"}
SIGNED_IN = set(ROLES) - {"anonymous"}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: Callable  # world -> path
    allowed: frozenset
    hidden: frozenset = frozenset()  # signed-in roles that must get 404 (the object is not theirs)
    absent: bool = False  # the URL names an object that does not exist: allowed roles get 404 too


def case(endpoint, method, url, allowed, hidden=(), absent=False):
    return Case(endpoint, method, url if callable(url) else (lambda w, u=url: u), frozenset(allowed),
                frozenset(hidden), absent)


A = lambda w: w.workers["A"]
B = lambda w: w.workers["B"]
X1 = lambda w: w.jobs["X1"]

CASES = [
    # job seekers (their own record only: the worker id comes from the session, never the URL)
    case("seekers.matches", "GET", "/me/matches", {"worker_a", "worker_b"}),
    case("seekers.applications", "GET", "/me/applications", {"worker_a", "worker_b"}),
    case("seekers.profile", "GET", "/me/profile", {"worker_a", "worker_b"}),
    case("seekers.profile_edit", "GET", "/me/profile/edit", {"worker_a", "worker_b"}),
    case("seekers.profile_edit", "POST", "/me/profile/edit", {"worker_a", "worker_b"}),
    case("seekers.search", "GET", "/jobs", SIGNED_IN),
    case("seekers.job_detail", "GET", lambda w: f"/jobs/{X1(w)}", SIGNED_IN),
    case("seekers.apply", "POST", lambda w: f"/jobs/{X1(w)}/apply", {"worker_a", "worker_b"}),
    # employers (their own employer's postings and applications)
    case("employers.postings", "GET", "/employer/", {"employer_x", "employer_y"}),
    case("employers.posting_new", "GET", "/employer/postings/new", {"employer_x", "employer_y"}),
    case("employers.posting_new", "POST", "/employer/postings/new", {"employer_x", "employer_y"}),
    case("employers.posting_edit", "GET", lambda w: f"/employer/postings/{X1(w)}/edit", {"employer_x"},
         {"employer_y"}),
    case("employers.posting_edit", "POST", lambda w: f"/employer/postings/{X1(w)}/edit", {"employer_x"},
         {"employer_y"}),
    case("employers.posting_close", "POST", lambda w: f"/employer/postings/{X1(w)}/close", {"employer_x"},
         {"employer_y"}),
    case("employers.posting_reopen", "POST", lambda w: f"/employer/postings/{X1(w)}/reopen", {"employer_x"},
         {"employer_y"}),
    case("employers.candidates", "GET", lambda w: f"/employer/postings/{X1(w)}/candidates", {"employer_x"},
         {"employer_y"}),
    case("employers.applications", "GET", "/employer/applications", {"employer_x", "employer_y"}),
    case("employers.application_update", "POST", lambda w: f"/employer/applications/{w.application}",
         {"employer_x"}, {"employer_y"}),
    case("employers.profile", "GET", "/employer/profile", {"employer_x", "employer_y"}),
    case("employers.profile", "POST", "/employer/profile", {"employer_x", "employer_y"}),
    # staff (scope: staff_cq covers 酉阳 only)
    case("staff.home", "GET", "/staff/", STAFF),
    case("staff.workers", "GET", "/staff/workers", STAFF),
    case("staff.worker_new", "GET", "/staff/workers/new", STAFF),
    case("staff.worker_new", "POST", "/staff/workers/new", STAFF),
    case("staff.worker_detail", "GET", lambda w: f"/staff/workers/{A(w)}", STAFF),
    case("staff.worker_detail", "GET", lambda w: f"/staff/workers/{B(w)}", {"staff", "admin"}, {"staff_cq"}),
    case("staff.worker_edit", "GET", lambda w: f"/staff/workers/{B(w)}/edit", {"staff", "admin"}, {"staff_cq"}),
    case("staff.worker_edit", "POST", lambda w: f"/staff/workers/{B(w)}/edit", {"staff", "admin"}, {"staff_cq"}),
    case("staff.worker_reveal_id", "POST", lambda w: f"/staff/workers/{B(w)}/reveal", {"staff", "admin"},
         {"staff_cq"}),
    case("staff.worker_account", "POST", lambda w: f"/staff/workers/{B(w)}/account", {"staff", "admin"},
         {"staff_cq"}),
    case("staff.worker_matches", "GET", lambda w: f"/staff/workers/{B(w)}/matches", {"staff", "admin"},
         {"staff_cq"}),
    case("staff.recommend", "POST", lambda w: f"/staff/workers/{B(w)}/recommend", {"staff", "admin"},
         {"staff_cq"}),
    case("staff.jobs", "GET", "/staff/jobs", STAFF),
    case("staff.job_candidates", "GET", lambda w: f"/staff/jobs/{X1(w)}/candidates", STAFF),
    case("staff.imports", "GET", "/staff/imports", STAFF),
    case("staff.imports", "POST", "/staff/imports", STAFF),
    # an import report is its importer's and admins' (the batch here was imported by no staff member)
    case("staff.import_report", "GET", lambda w: f"/staff/imports/{w.batch}", {"admin"}, {"staff", "staff_cq"}),
    case("staff.import_rejections_xlsx", "GET", lambda w: f"/staff/imports/{w.batch}/rejections.xlsx", {"admin"},
         {"staff", "staff_cq"}),
    # follow-ups, placements, dashboard, reports (staff pages of the placement side)
    case("followups.queue", "GET", "/staff/followups/", STAFF),
    case("followups.detail", "GET", lambda w: f"/staff/followups/{w.placement_b}", {"staff", "admin"},
         {"staff_cq"}),
    case("followups.record", "POST", lambda w: f"/staff/followups/{w.placement_b}", {"staff", "admin"},
         {"staff_cq"}),
    case("followups.quick", "POST", lambda w: f"/staff/followups/{w.placement_b}/quick", {"staff", "admin"},
         {"staff_cq"}),
    case("followups.end", "POST", lambda w: f"/staff/followups/{w.placement_b}/end", {"staff", "admin"},
         {"staff_cq"}),
    case("followups.new_placement", "GET", "/staff/followups/new", STAFF),
    case("followups.new_placement", "POST", "/staff/followups/new", STAFF),
    case("followups.risk_list", "GET", "/staff/followups/risk", STAFF),
    case("followups.message_done", "POST", "/staff/followups/outbox/999/done", STAFF, absent=True),
    case("dashboard.dashboard", "GET", "/staff/dashboard", STAFF),
    case("dashboard.reports", "GET", "/staff/reports", STAFF),
    case("dashboard.subsidy_xlsx", "GET", "/staff/reports/subsidy.xlsx", STAFF),
    case("dashboard.annual_xlsx", "GET", "/staff/reports/annual/2026.xlsx", STAFF),
    case("dashboard.saved_report", "GET", "/staff/reports/saved/none.xlsx", STAFF, absent=True),
    case("dashboard.comparison", "GET", "/staff/comparison", STAFF),
    case("dashboard.comparison", "POST", "/staff/comparison", STAFF),
    case("dashboard.comparison_result", "GET", "/staff/comparison/999", STAFF, absent=True),
    case("dashboard.comparison_apply", "POST", "/staff/comparison/999/apply", STAFF, absent=True),
]


@pytest.fixture
def matrix_world(world, web_app):
    """The shared world plus one application (W-A → J-X1), placements for W-A and W-B, an import batch."""
    from models.access import EVERYTHING
    from models.hiring import applications
    from models.intake.ledger import import_file
    from models.placement.placements import create_placement

    with web_app.app_context():
        db = get_db()
        world.application = applications.apply(db, world.workers["A"], world.jobs["X1"])
        world.placement_a = create_placement(db, world.workers["A"], job_id=world.jobs["Y1"],
                                             start_date="2026-01-05")
        world.placement_b = create_placement(db, world.workers["B"], employer_name="烟台食品厂", city="烟台",
                                             title="包装工", start_date="2026-01-05")
        ledger = Path(db_file(db)).with_name("ledger.jsonl")
        ledger.write_text('{"external_id": "L1", "name": "张三"}\n{"external_id": "L2"}\n', encoding="utf-8")
        world.batch = import_file(db, "workers", ledger, scope=EVERYTHING, progress=False).batch_id
    return world


def db_file(db) -> str:
    return db.execute("PRAGMA database_list").fetchone()[2]


def fingerprint(db) -> dict:
    """Row counts and the latest change of every table but the audit log (reads may be audited)."""
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                       " AND name NOT LIKE 'sqlite_%' AND name NOT IN ('audit_log', 'scheduler_locks',"
                                       " 'job_runs')")]
    out = {}
    for table in tables:
        columns = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        latest = ", MAX(updated_at)" if "updated_at" in columns else ""
        out[table] = db.execute(f"SELECT COUNT(*){latest} FROM {table}").fetchone()
    return out


def sign_in(client, user_id: int | None) -> None:
    with client.session_transaction() as session:
        if user_id is not None:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True


PARAMS = [pytest.param(c, r, id=f"{c.method} {c.endpoint} {r}") for c in CASES for r in ROLES
          # An allowed POST does real work (it is tested in the feature tests); here: every refusal.
          if not (c.method == "POST" and r in c.allowed)]


@pytest.mark.parametrize("entry,role", PARAMS)
def test_page_matrix(entry: Case, role: str, web_app, matrix_world, encoder):
    client = web_app.test_client()
    sign_in(client, matrix_world.users.get(role))
    # Every page (login included) carries the session's CSRF token, so a refusal is the view's, not CSRF's.
    token = _token_from_home(client) if entry.method == "POST" else None
    path = entry.url(matrix_world)
    with web_app.app_context():
        before = fingerprint(get_db())
    if entry.method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={"csrf_token": token} if token else {})
    status = response.status_code
    if role == "anonymous":
        assert status == 302 and "/login" in response.location, (path, status)
    elif role in entry.hidden:
        assert status == 404, (path, role, status)
    elif role in entry.allowed:
        assert status < 400 or (entry.absent and status == 404), (path, role, status, response.get_data(as_text=True)[:300])
    else:
        assert status == 403, (path, role, status)
    if entry.method == "POST":
        with web_app.app_context():
            assert fingerprint(get_db()) == before, f"refused {path} as {role} changed the database"


def _token_from_home(client) -> str | None:
    import re

    response = client.get("/", follow_redirects=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else None


def test_every_page_is_in_the_matrix(web_app):
    """A page added without a row in CASES fails here."""
    listed = {(c.endpoint, c.method) for c in CASES}
    missing = []
    for rule in web_app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("api", "static", "auth") or rule.endpoint in ("healthz", "index"):
            continue
        for method in rule.methods & {"GET", "POST"}:
            if (rule.endpoint, method) not in listed:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, missing
