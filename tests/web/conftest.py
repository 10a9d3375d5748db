"""Fixtures for the page tests: the real app with CSRF on, a small world built through the real store
functions (clean → upsert), one account per role, and helpers to sign in and post forms.

Usage::

    def test_something(site, world):
        page = site.login("worker_a")           # signs in through the real /login form
        html = page.get("/me/matches").text      # .text = decoded body
        page.post("/jobs/1/apply", {"note": ""}) # CSRF token taken from the last page fetched (or `from_url`)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from models.intake.records import clean_job, clean_worker

PASSWORD = "pass-Word-123"


def id_with_check_digit(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


ID_A = id_with_check_digit("50024219900101003")   # 酉阳, male, 1990
ID_B = id_with_check_digit("62292619950315002")   # 东乡, female, 1995

WORKERS = {
    "A": {"external_id": "W-A", "name": "冉大山", "id_number": ID_A, "phone": "13812345678",
          "hukou_province": "重庆市", "hukou_county": "酉阳", "assistance_status": "脱贫享受政策人口",
          "education": "初中", "skills": "电焊、气保焊", "certificates": "电焊证", "experience": "在工地干过三年钢结构焊接",
          "desired_jobs": "电焊工", "desired_cities": "青岛", "expected_salary": "7000", "needs": "包吃住"},
    "B": {"external_id": "W-B", "name": "马小花", "id_number": ID_B, "phone": "13987654321",
          "hukou_province": "甘肃省", "hukou_county": "东乡县", "assistance_status": "防止返贫监测对象",
          "education": "小学", "skills": "缝纫", "experience": "在服装厂踩过缝纫机", "desired_jobs": "服装厂 车工",
          "desired_cities": "潍坊", "expected_salary": "5000", "needs": "长白班"},
}
EMPLOYERS = {"X": "青岛鑫达焊接有限公司", "Y": "潍坊锦绣服饰有限公司"}
JOBS = {
    "X1": {"external_id": "J-X1", "employer_name": EMPLOYERS["X"], "title": "电焊工",
           "description": "钢结构焊接，二保焊，<script>alert(1)</script>", "city": "青岛", "salary_min": "8000",
           "salary_max": "12000", "headcount": "5", "age_min": "18", "age_max": "55",
           "required_certificates": "焊工证", "benefits": "包吃住、五险一金", "status": "open"},
    "X2": {"external_id": "J-X2", "employer_name": EMPLOYERS["X"], "title": "叉车司机", "city": "青岛",
           "salary_min": "6000", "salary_max": "7500", "required_certificates": "叉车证", "benefits": "包住",
           "status": "open"},
    "Y1": {"external_id": "J-Y1", "employer_name": EMPLOYERS["Y"], "title": "缝纫工",
           "description": "服装厂平车工，计件，长白班", "city": "潍坊", "salary_min": "5000", "salary_max": "8000",
           "benefits": "包吃住、夫妻房", "status": "open"},
}


@dataclass
class World:
    users: dict[str, int] = field(default_factory=dict)
    workers: dict[str, int] = field(default_factory=dict)
    jobs: dict[str, int] = field(default_factory=dict)
    employers: dict[str, int] = field(default_factory=dict)

    def user(self, db, key: str) -> dict:
        """The stored account ``key`` as the actor of a domain action (``models.actions``)."""
        from models.people.users import get_user

        return get_user(db, self.users[key])


class Page:
    """A signed-in (or anonymous) browser-like client: remembers the last CSRF token it saw."""

    def __init__(self, client) -> None:
        self.client = client
        self.token: str | None = None

    def _remember(self, response):
        response.text = response.get_data(as_text=True)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text)
        if found:
            self.token = found.group(1)
        return response

    def get(self, url: str, **kw):
        return self._remember(self.client.get(url, **kw))

    def post(self, url: str, data: dict | None = None, *, from_url: str | None = None, csrf: bool = True, **kw):
        if from_url:
            self.get(from_url)
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            if self.token is None:
                self.get("/login")
            data["csrf_token"] = self.token
        return self._remember(self.client.post(url, data=data, **kw))


class Site:
    def __init__(self, app) -> None:
        self.app = app

    def anonymous(self) -> Page:
        return Page(self.app.test_client())

    def login(self, username: str, password: str = PASSWORD) -> Page:
        page = self.anonymous()
        page.get("/login")
        response = page.post("/login", {"username": username, "password": password})
        assert response.status_code == 302, response.text[:500]
        return page


@pytest.fixture
def web_app(data_dir):
    from app import create_app

    return create_app({"TESTING": True, "START_SCHEDULER": False, "WTF_CSRF_ENABLED": True,
                       "RATELIMIT_ENABLED": False})


@pytest.fixture
def site(web_app):
    return Site(web_app)


@pytest.fixture
def world(web_app) -> World:
    """Two workers (W-A welder in 酉阳, W-B seamstress in 东乡), two employers, three open postings, and
    accounts: worker_a, worker_b, employer_x, employer_y, staff (all), staff_cq (scope 酉阳 only), admin."""
    from app.database import get_db
    from models.hiring.jobs import get_job_by_external_id, upsert_job
    from models.people.users import create_user
    from models.people.workers import get_worker_by_external_id, upsert_worker

    w = World()
    with web_app.app_context():
        db = get_db()
        for key, raw in WORKERS.items():
            record, errors = clean_worker(raw)
            assert not errors, errors
            upsert_worker(db, record)
            w.workers[key] = get_worker_by_external_id(db, raw["external_id"])["id"]
        for key, raw in JOBS.items():
            record, errors = clean_job(raw)
            assert not errors, errors
            upsert_job(db, record)
            job = get_job_by_external_id(db, raw["external_id"])
            w.jobs[key] = job["id"]
            w.employers[key[0]] = job["employer_id"]
        w.users["worker_a"] = create_user(db, "worker_a", PASSWORD, "worker", worker_id=w.workers["A"],
                                          display_name="冉大山")
        w.users["worker_b"] = create_user(db, "worker_b", PASSWORD, "worker", worker_id=w.workers["B"])
        w.users["employer_x"] = create_user(db, "employer_x", PASSWORD, "employer", employer_id=w.employers["X"])
        w.users["employer_y"] = create_user(db, "employer_y", PASSWORD, "employer", employer_id=w.employers["Y"])
        w.users["staff"] = create_user(db, "staff", PASSWORD, "staff", scope_counties=["*"], scope_cities=["*"])
        w.users["staff_cq"] = create_user(db, "staff_cq", PASSWORD, "staff",
                                          scope_counties=["酉阳土家族苗族自治县"])
        w.users["admin"] = create_user(db, "admin", PASSWORD, "admin")
    return w


# --- real browser (Debian's chromium through Playwright; see ../shared/RECIPES.md) --------------------------
ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if __import__("os").path.exists(p)),
                None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is missing: run `make browser` (scripts/install_browser.sh)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A phone: most workers use one."""
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "is_mobile": True,
            "has_touch": True, "locale": "zh-CN", "device_scale_factor": 2}


@pytest.fixture
def live_server(web_app, world):
    """The app served on a free loopback port from a thread (werkzeug), with the `world` loaded."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, web_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def shot():
    """``shot(page, "name")`` saves a full-page screenshot under tests/artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    return _shot
