"""The authorisation matrix for pages: every actor of the rulebook world (``tests/rulebook_world.py``) against
every page and form (the API has its own matrix in tests/api/test_authz_matrix.py).

For each route: who may use it; who must get 404 because the object is not theirs to know (another
employer's closed posting, a worker outside a staff member's counties who no longer seeks work, a placement
or import batch outside their scope); everyone else signed in gets 403 (the page is not for their role, or they
may see the object but not do this to it); anonymous users are sent to the login page. A refused POST must
change nothing in the database. A final test fails when a page is added without a row here.

The world: county_staff cover 酉阳 (workers A and C, the placement C-out), city_staff cover 青岛 (postings X1–X3,
the placement D-X1); B (东乡) seeks work, so every staff member may see B masked; D (东乡) does not, so only the
admin sees D. One app serves the whole module; each test gets a fresh copy of the world.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.rulebook_app import site_fixture
from tests.rulebook_world import ACTORS, snapshot

ROLES = ACTORS
WORKERS = {"worker", "other_worker"}
EMPLOYERS = {"employer", "other_employer"}
STAFF = {"county_staff", "city_staff", "admin"}
SIGNED_IN = set(ROLES) - {"anonymous"}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: Callable  # world -> path
    allowed: frozenset
    hidden: frozenset = frozenset()  # signed-in roles that must get 404 (the object is not theirs to know)
    absent: bool = False  # the URL names an object that does not exist: allowed roles get 404 too
    data: Callable | None = None  # world -> form fields of a POST


def case(endpoint, method, url, allowed, hidden=(), absent=False, data=None):
    return Case(endpoint, method, url if callable(url) else (lambda w, u=url: u), frozenset(allowed),
                frozenset(hidden), absent, data)


def worker(key):
    return lambda w: w.workers[key]


def job(key):
    return lambda w: w.jobs[key]


A, B, D = worker("A"), worker("B"), worker("D")
X1, X3, Y2 = job("X1"), job("X3"), job("Y2")

CASES = [
    # job seekers (their own record only: the worker id comes from the session, never the URL)
    case("seekers.matches", "GET", "/me/matches", WORKERS),
    case("seekers.applications", "GET", "/me/applications", WORKERS),
    case("seekers.profile", "GET", "/me/profile", WORKERS),
    case("seekers.profile_edit", "GET", "/me/profile/edit", WORKERS),
    case("seekers.profile_edit", "POST", "/me/profile/edit", WORKERS),
    case("seekers.search", "GET", "/jobs", SIGNED_IN),
    case("seekers.job_detail", "GET", lambda w: f"/jobs/{X1(w)}", SIGNED_IN),
    case("seekers.job_detail", "GET", lambda w: f"/jobs/{X3(w)}", {"employer", "city_staff", "admin"},
         {"worker", "other_worker", "other_employer", "county_staff"}),
    case("seekers.apply", "POST", lambda w: f"/jobs/{X1(w)}/apply", WORKERS),
    # answering a recommendation or withdrawing: the worker's own only; another worker's is not theirs to know
    case("seekers.answer", "POST", lambda w: f"/me/applications/{w.applications['rec-A-Y2']}/accept", {"worker"},
         {"other_worker"}),
    # employers (their own employer's postings and applications)
    case("employers.postings", "GET", "/employer/", EMPLOYERS),
    case("employers.posting_new", "GET", "/employer/postings/new", EMPLOYERS),
    case("employers.posting_new", "POST", "/employer/postings/new", EMPLOYERS),
    case("employers.posting_edit", "GET", lambda w: f"/employer/postings/{X1(w)}/edit", {"employer"}),
    case("employers.posting_edit", "GET", lambda w: f"/employer/postings/{X3(w)}/edit", {"employer"},
         {"other_employer"}),
    case("employers.posting_edit", "POST", lambda w: f"/employer/postings/{X1(w)}/edit", {"employer"}),
    case("employers.posting_close", "POST", lambda w: f"/employer/postings/{X1(w)}/close", {"employer"}),
    case("employers.posting_reopen", "POST", lambda w: f"/employer/postings/{X3(w)}/reopen", {"employer"},
         {"other_employer"}),
    case("employers.candidates", "GET", lambda w: f"/employer/postings/{X1(w)}/candidates", {"employer"}),
    case("employers.applications", "GET", "/employer/applications", EMPLOYERS),
    case("employers.application_update", "POST",
         lambda w: f"/employer/applications/{w.applications['A-X1']}", {"employer"}, {"other_employer"}),
    case("employers.profile", "GET", "/employer/profile", EMPLOYERS),
    case("employers.profile", "POST", "/employer/profile", EMPLOYERS),
    # staff: the registry and the worker's file (B seeks work: masked to staff who do not cover B; D does not:
    # hidden from them)
    case("staff.home", "GET", "/staff/", STAFF),
    case("staff.workers", "GET", "/staff/workers", STAFF),
    case("staff.worker_new", "GET", "/staff/workers/new", STAFF),
    case("staff.worker_new", "POST", "/staff/workers/new", STAFF),
    case("staff.worker_detail", "GET", lambda w: f"/staff/workers/{A(w)}", STAFF),
    case("staff.worker_detail", "GET", lambda w: f"/staff/workers/{B(w)}", STAFF),
    # D works at X1 in 青岛: the city's staff see D's contact details (not D's file's actions); 酉阳's do not
    case("staff.worker_detail", "GET", lambda w: f"/staff/workers/{D(w)}", {"city_staff", "admin"}, {"county_staff"}),
    case("staff.worker_edit", "GET", lambda w: f"/staff/workers/{A(w)}/edit", {"county_staff", "admin"}),
    case("staff.worker_edit", "GET", lambda w: f"/staff/workers/{D(w)}/edit", {"admin"},
         {"county_staff"}),
    case("staff.worker_edit", "POST", lambda w: f"/staff/workers/{B(w)}/edit", {"admin"}),
    case("staff.worker_edit", "POST", lambda w: f"/staff/workers/{D(w)}/edit", {"admin"},
         {"county_staff"}),
    case("staff.worker_reveal_id", "POST", lambda w: f"/staff/workers/{A(w)}/reveal", {"county_staff", "admin"}),
    case("staff.worker_reveal_id", "POST", lambda w: f"/staff/workers/{D(w)}/reveal", {"admin"},
         {"county_staff"}),
    case("staff.worker_account", "POST", lambda w: f"/staff/workers/{B(w)}/account", {"admin"},
         data=lambda w: {"username": "mxh", "password": "mxh-pass-2026"}),
    case("staff.worker_account", "POST", lambda w: f"/staff/workers/{D(w)}/account", {"admin"},
         {"county_staff"}, data=lambda w: {"username": "mdf", "password": "mdf-pass-2026"}),
    case("staff.worker_matches", "GET", lambda w: f"/staff/workers/{A(w)}/matches", {"county_staff", "admin"}),
    case("staff.worker_matches", "GET", lambda w: f"/staff/workers/{D(w)}/matches", {"admin"},
         {"county_staff"}),
    case("staff.recommend", "POST", lambda w: f"/staff/workers/{B(w)}/recommend", {"admin"},
         {"county_staff", "city_staff"}, data=lambda w: {"job_id": Y2(w)}),
    case("staff.record_consent", "POST", lambda w: f"/staff/applications/{w.applications['rec-A-Y2']}/consent",
         {"county_staff", "admin"}, {"city_staff"}, data=lambda w: {"note": "12月2日电话，本人同意"}),
    # staff: postings, candidates, ledger imports (the batch is county staff's)
    case("staff.jobs", "GET", "/staff/jobs", STAFF),
    case("staff.job_candidates", "GET", lambda w: f"/staff/jobs/{X1(w)}/candidates", STAFF),
    case("staff.job_candidates", "GET", lambda w: f"/staff/jobs/{X3(w)}/candidates", {"city_staff", "admin"},
         {"county_staff"}),
    case("staff.imports", "GET", "/staff/imports", STAFF),
    case("staff.imports", "POST", "/staff/imports", STAFF),
    case("staff.import_report", "GET", lambda w: f"/staff/imports/{w.batch}", {"county_staff", "admin"},
         {"city_staff"}),
    case("staff.import_rejections_xlsx", "GET", lambda w: f"/staff/imports/{w.batch}/rejections.xlsx",
         {"county_staff", "admin"}, {"city_staff"}),
    # follow-ups, placements, dashboard, reports (D-X1 is in 青岛: city staff's; C-out is C's: county staff's)
    case("followups.queue", "GET", "/staff/followups/", STAFF),
    case("followups.detail", "GET", lambda w: f"/staff/followups/{w.placements['D-X1']}", {"city_staff", "admin"},
         {"county_staff"}),
    case("followups.detail", "GET", lambda w: f"/staff/followups/{w.placements['C-out']}",
         {"county_staff", "admin"}, {"city_staff"}),
    case("followups.record", "POST", lambda w: f"/staff/followups/{w.placements['D-X1']}", {"city_staff", "admin"},
         {"county_staff"}),
    case("followups.quick", "POST", lambda w: f"/staff/followups/{w.placements['C-out']}/quick",
         {"county_staff", "admin"}, {"city_staff"}, data=lambda w: {"channel": "电话", "still_employed": "1"}),
    case("followups.end", "POST", lambda w: f"/staff/followups/{w.placements['D-X1']}/end", {"city_staff", "admin"},
         {"county_staff"}),
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
    # the programme: subsidies, 务工证明, 点对点 batches, exchange (D-X1: city staff's; 酉阳: county staff's)
    case("programme.subsidies", "GET", "/staff/subsidies", STAFF),
    case("programme.subsidies_xlsx", "GET", "/staff/subsidies.xlsx", STAFF),
    case("programme.subsidy_step", "POST", lambda w: f"/staff/subsidies/{w.placements['D-X1']}/transport_gansu/claim",
         {"city_staff", "admin"}, {"county_staff"}),
    case("programme.certificate_pdf", "GET", lambda w: f"/staff/certificates/{w.placements['D-X1']}.pdf",
         {"city_staff", "admin"}, {"county_staff"}),
    case("programme.certificate_sign", "POST", lambda w: f"/staff/certificates/{w.placements['D-X1']}/sign",
         {"city_staff", "admin"}, {"county_staff"}),
    case("programme.certificates_county", "GET", "/staff/certificates/county.xlsx?county=酉阳",
         {"county_staff", "admin"}),
    case("programme.batches", "GET", "/staff/batches", STAFF),
    case("programme.batches", "POST", "/staff/batches", STAFF),
    case("programme.batch_detail", "GET", "/staff/batches/999", STAFF, absent=True),
    case("programme.batch_add", "POST", "/staff/batches/999/passengers", STAFF, absent=True),
    case("programme.batch_arrive", "POST", "/staff/batches/999/passengers/W-A/arrive", STAFF, absent=True),
    case("programme.batch_passengers_xlsx", "GET", "/staff/batches/999/passengers.xlsx", STAFF, absent=True),
    case("programme.exchange", "GET", "/staff/exchange", STAFF),
    case("programme.exchange_xlsx", "GET", "/staff/exchange.xlsx?county=酉阳", {"county_staff", "admin"}),
]


def _batch(db, world) -> None:
    """An import batch run by the county staff (its report names people: theirs and the admin's only)."""
    from models.actions.imports import import_ledger
    from models.store.config import data_dir

    ledger = data_dir() / "ledger.jsonl"
    ledger.write_text('{"external_id": "L1", "name": "张三", "hukou_province": "重庆市", "hukou_county": "酉阳"}\n'
                      '{"external_id": "L2"}\n', encoding="utf-8")
    world.batch = import_ledger(db, world.user(db, "county_staff"), "workers", ledger).batch_id


site = site_fixture(prepare=_batch, WTF_CSRF_ENABLED=True)

PARAMS = [pytest.param(c, r, id=f"{c.method} {c.endpoint}#{i} {r}") for i, c in enumerate(CASES) for r in ROLES
          # An allowed POST does real work (it is tested in the feature tests); here: every refusal.
          if not (c.method == "POST" and r in c.allowed)]


@pytest.mark.parametrize("entry,role", PARAMS)
def test_page_matrix(entry: Case, role: str, site, encoder):
    site.reset()
    world = site.world
    client = site.client(role)
    path = entry.url(world)
    before = snapshot(site.db_file)
    if entry.method == "GET":
        response = client.get(path)
    else:
        # Every page (login included) carries the session's CSRF token, so a refusal is the view's, not CSRF's.
        data = {"csrf_token": _token_from_home(client), **(entry.data(world) if entry.data else {})}
        response = client.post(path, data=data)
    status = response.status_code
    assert status < 500, (path, role, status)
    if role == "anonymous":
        assert status == 302 and "/login" in response.location, (path, status)
    elif role in entry.hidden:
        assert status == 404, (path, role, status)
    elif role in entry.allowed:
        assert status < 400 or (entry.absent and status == 404), (path, role, status,
                                                                  response.get_data(as_text=True)[:300])
    else:
        assert status == 403, (path, role, status)
    if entry.method == "POST":
        assert snapshot(site.db_file) == before, f"refused {path} as {role} changed the database"


def _token_from_home(client) -> str | None:
    for url in ("/", "/login"):
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                          client.get(url, follow_redirects=True).get_data(as_text=True))
        if found:
            return found.group(1)
    return None


def test_every_page_is_in_the_matrix(site):
    """A page added without a row in CASES fails here."""
    listed = {(c.endpoint, c.method) for c in CASES}
    missing = []
    for rule in site.app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("api", "static", "auth") or rule.endpoint in ("healthz", "index"):
            continue
        for method in rule.methods & {"GET", "POST"}:
            if (rule.endpoint, method) not in listed:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, missing
