"""Fixtures for the API tests: a small world of users, workers, jobs and applications, and tokens.

``world`` seeds, straight into the real SQLite store (so these tests do not depend on how other
modules create records): employers X (青岛) and Y (烟台); workers A (酉阳, applied to X's posting), B (东乡,
placed, not seeking), and C (平度, seeking, unrelated); postings JX1 (open, X), JX2 (closed, X), JY1 (open, Y);
a placement of B at Y; and one account per role with an API token — staff with every county and city,
``staff_cq`` with 酉阳 only, ``staff_qd`` with 青岛 only — plus a revoked token. ``call(role, method, url, **kw)`` sends a
request as that role ("anonymous" sends no header, "bogus" an unknown token, "revoked" a revoked one).
"""
from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field

import pytest
from werkzeug.security import generate_password_hash

from models.people.pii import protect_id

ROLES = ("anonymous", "bogus", "revoked", "worker_a", "worker_b", "employer_x", "employer_y", "staff", "staff_cq",
         "staff_qd", "admin")


def id_with_check_digit(first17: str) -> str:
    """Complete a 17-digit prefix with its GB 11643 check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


ID_A = id_with_check_digit("50024219900101003")
ID_B = id_with_check_digit("62052319950315002")
ID_C = id_with_check_digit("37028319880707001")


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    workers: dict[str, int] = field(default_factory=dict)
    jobs: dict[str, int] = field(default_factory=dict)
    employers: dict[str, int] = field(default_factory=dict)
    applications: dict[str, int] = field(default_factory=dict)
    placements: dict[str, int] = field(default_factory=dict)


def _now() -> str:
    from models.store.db import utcnow

    return utcnow()


def insert_employer(db, name: str, city: str = "青岛") -> int:
    now = _now()
    return db.execute("INSERT INTO employers (name, city, created_at, updated_at) VALUES (?, ?, ?, ?)",
                      (name, city, now, now)).lastrowid


def insert_worker(db, external_id: str, name: str, *, id_number: str | None = None, phone: str | None = None,
                  county: str = "酉阳土家族苗族自治县", province: str = "重庆市", seeking: int = 1,
                  **extra) -> int:
    now = _now()
    row = {
        "external_id": external_id, "name": name, "phone": phone, "hukou_province": province,
        "hukou_county": county, "education": "初中", "skills": json.dumps(["电焊"], ensure_ascii=False),
        "certificates": json.dumps(["焊工证"], ensure_ascii=False), "desired_cities": json.dumps(["青岛"],
                                                                                               ensure_ascii=False),
        "needs": "[]", "expected_salary": 6000, "seeking": seeking, "assistance_status": "脱贫享受政策人口",
        "experience": "在工地做过三年电焊", "desired_jobs": "焊工", "created_at": now, "updated_at": now,
    }
    if id_number:
        row.update(protect_id(id_number))
        row["gender"] = "男" if int(id_number[16]) % 2 else "女"
        row["birth_year"] = int(id_number[6:10])
    row.update(extra)
    cols = ", ".join(row)
    marks = ", ".join("?" * len(row))
    return db.execute(f"INSERT INTO workers ({cols}) VALUES ({marks})", tuple(row.values())).lastrowid


def insert_job(db, external_id: str, employer_id: int, title: str, *, status: str = "open",
               city: str = "青岛", **extra) -> int:
    now = _now()
    row = {
        "external_id": external_id, "employer_id": employer_id, "title": title, "city": city,
        "description": f"{title}，包吃住", "salary_min": 6000, "salary_max": 9000, "headcount": 3,
        "required_certificates": "[]", "skills": json.dumps(["电焊"], ensure_ascii=False),
        "benefits": json.dumps(["包吃住"], ensure_ascii=False), "status": status,
        "created_at": now, "updated_at": now,
    }
    row.update(extra)
    cols = ", ".join(row)
    marks = ", ".join("?" * len(row))
    return db.execute(f"INSERT INTO jobs ({cols}) VALUES ({marks})", tuple(row.values())).lastrowid


def insert_user(db, username: str, role: str, **extra) -> int:
    now = _now()
    row = {"username": username, "password_hash": generate_password_hash("secret-pass", method="pbkdf2:sha256:1"), "role": role,
           "display_name": username, "created_at": now, "updated_at": now, **extra}
    cols = ", ".join(row)
    marks = ", ".join("?" * len(row))
    return db.execute(f"INSERT INTO users ({cols}) VALUES ({marks})", tuple(row.values())).lastrowid


def insert_application(db, worker_id: int, job_id: int, status: str = "待处理", source: str = "worker") -> int:
    now = _now()
    return db.execute(
        "INSERT INTO applications (worker_id, job_id, status, source, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)", (worker_id, job_id, status, source, now, now)).lastrowid


def insert_placement(db, worker_id: int, employer_id: int, employer_name: str, title: str, *,
                     job_id: int | None = None, city: str = "青岛", start_date: str = "2026-03-01") -> int:
    now = _now()
    return db.execute(
        "INSERT INTO placements (worker_id, job_id, employer_id, employer_name, city, title, start_date,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (worker_id, job_id, employer_id, employer_name, city, title, start_date, now, now)).lastrowid


@pytest.fixture
def api_app(app):
    """The real app with the API registered (WEB registers it; register here only if it has not yet)."""
    from app.api import bp

    if "api" not in app.blueprints:
        app.register_blueprint(bp)
    app.config["API_AUTH_FAILURES_PER_MINUTE"] = 100_000
    return app


@pytest.fixture
def api_client(api_app):
    return api_app.test_client()


@pytest.fixture
def world(api_app, db) -> World:
    """The seeded world described in the module docstring."""
    return build_world(db)


def build_world(db) -> World:
    """Write the world of the module docstring into ``db``; returns its ids and tokens."""
    from models.people.api_tokens import create_token, revoke_token

    w = World()
    w.employers["X"] = insert_employer(db, "青岛鑫达焊接有限公司")
    w.employers["Y"] = insert_employer(db, "烟台海阳建筑公司", city="烟台")
    w.workers["A"] = insert_worker(db, "W-A", "张三", id_number=ID_A, phone="13812345678")
    w.workers["B"] = insert_worker(db, "W-B", "李四", id_number=ID_B, phone="13987654321",
                                   province="甘肃省", county="东乡族自治县", seeking=0)
    w.workers["C"] = insert_worker(db, "W-C", "王五", id_number=ID_C, phone="13700001111",
                                   province="山东省", county="平度市")
    w.jobs["JX1"] = insert_job(db, "J-X1", w.employers["X"], "电焊工")
    w.jobs["JX2"] = insert_job(db, "J-X2", w.employers["X"], "氩弧焊工", status="closed")
    w.jobs["JY1"] = insert_job(db, "J-Y1", w.employers["Y"], "钢筋工", city="烟台")
    w.applications["A-JX1"] = insert_application(db, w.workers["A"], w.jobs["JX1"])
    w.applications["rec-A-JY1"] = insert_application(db, w.workers["A"], w.jobs["JY1"], status="推荐待确认",
                                                     source="staff")
    w.placements["B-Y"] = insert_placement(db, w.workers["B"], w.employers["Y"], "烟台海阳建筑公司", "钢筋工",
                                           job_id=w.jobs["JY1"], city="烟台")
    w.users["worker_a"] = insert_user(db, "worker_a", "worker", worker_id=w.workers["A"])
    w.users["worker_b"] = insert_user(db, "worker_b", "worker", worker_id=w.workers["B"])
    w.users["employer_x"] = insert_user(db, "employer_x", "employer", employer_id=w.employers["X"])
    w.users["employer_y"] = insert_user(db, "employer_y", "employer", employer_id=w.employers["Y"])
    w.users["staff"] = insert_user(db, "staff", "staff", scope_counties='["*"]', scope_cities='["*"]')
    w.users["staff_cq"] = insert_user(db, "staff_cq", "staff", scope_counties='["酉阳土家族苗族自治县"]')
    w.users["staff_qd"] = insert_user(db, "staff_qd", "staff", scope_cities='["青岛"]')
    w.users["admin"] = insert_user(db, "admin", "admin")
    for name, user_id in w.users.items():
        w.tokens[name] = create_token(db, user_id, "test")[1]
    revoked_id, w.tokens["revoked"] = create_token(db, w.users["staff"], "revoked")
    revoke_token(db, revoked_id)
    w.tokens["bogus"] = "tb_" + "x" * 43
    return w


@pytest.fixture
def call(api_client, world):
    """``call(role, method, url, **kwargs)`` → response, authenticated as ``role``."""

    def _call(role: str, method: str, url: str, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        return api_client.open(url, method=method.upper(), headers=headers, **kwargs)

    return _call


@dataclass
class FakeMatch:
    external_id: str
    score: float
    reasons: list[str]
    job_id: int | None = None
    worker_id: int | None = None
    warnings: list[str] = field(default_factory=list)


@pytest.fixture
def fake_matching(monkeypatch):
    """Replace ``matching.service`` with a stand-in that returns fixed matches from the store.

    For tests about the API (authorisation, format), not about ranking quality.
    """
    def jobs_for_worker(db, worker_id, k=10, **_kw):
        rows = db.execute("SELECT id, external_id FROM jobs WHERE status = 'open' ORDER BY id LIMIT ?",
                          (k,)).fetchall()
        return [FakeMatch(ext, 0.9 - i * 0.1, ["意向城市青岛"], job_id=jid) for i, (jid, ext) in enumerate(rows)]

    def candidates_for_job(db, job_id, k=10, **_kw):
        rows = db.execute("SELECT id, external_id FROM workers WHERE seeking = 1 ORDER BY id LIMIT ?",
                          (k,)).fetchall()
        return [FakeMatch(ext, 0.8 - i * 0.1, ["持焊工证"], worker_id=wid) for i, (wid, ext) in enumerate(rows)]

    fake = types.ModuleType("matching.service")
    fake.jobs_for_worker = jobs_for_worker
    fake.candidates_for_job = candidates_for_job
    monkeypatch.setitem(sys.modules, "matching.service", fake)
    return fake
