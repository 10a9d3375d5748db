"""Test helpers for the placement tests: minimal workers, employers, jobs and staff users written
straight into the store (so these tests do not depend on the import pipeline)."""
from __future__ import annotations

import json

from models.people.pii import protect_id
from models.store.db import utcnow


def make_worker(db, name="张三", *, external_id=None, id_number=None, province="甘肃省",
                county="东乡族自治县", status="脱贫享受政策人口", seeking=1, **extra) -> int:
    now = utcnow()
    external_id = external_id or f"W{db.execute('SELECT COUNT(*) FROM workers').fetchone()[0] + 1:04d}"
    row = {"external_id": external_id, "name": name, "hukou_province": province, "hukou_county": county,
           "assistance_status": status, "seeking": seeking, "created_at": now, "updated_at": now,
           "education": "初中", "skills": "[]", "certificates": "[]", "desired_cities": "[]", "needs": "[]"}
    if id_number:
        row.update(protect_id(id_number))
    row.update(extra)
    cols = ",".join(row)
    return db.execute(f"INSERT INTO workers ({cols}) VALUES ({','.join('?' * len(row))})",
                      tuple(row.values())).lastrowid


def make_employer(db, name="青岛海工机械有限公司", city="青岛") -> int:
    found = db.execute("SELECT id FROM employers WHERE name = ?", (name,)).fetchone()
    if found:
        return found[0]
    now = utcnow()
    return db.execute("INSERT INTO employers (name, city, created_at, updated_at) VALUES (?, ?, ?, ?)",
                      (name, city, now, now)).lastrowid


def make_job(db, title="焊工", *, employer="青岛海工机械有限公司", city="青岛", external_id=None,
             salary=(6000, 8000), **extra) -> int:
    emp = make_employer(db, employer, city)
    now = utcnow()
    external_id = external_id or f"J{db.execute('SELECT COUNT(*) FROM jobs').fetchone()[0] + 1:04d}"
    row = {"external_id": external_id, "employer_id": emp, "title": title, "city": city,
           "salary_min": salary[0], "salary_max": salary[1], "description": title, "status": "open",
           "required_certificates": "[]", "skills": "[]", "benefits": json.dumps(["包吃住"], ensure_ascii=False),
           "created_at": now, "updated_at": now}
    row.update(extra)
    cols = ",".join(row)
    return db.execute(f"INSERT INTO jobs ({cols}) VALUES ({','.join('?' * len(row))})",
                      tuple(row.values())).lastrowid


def make_user(db, username="staff1", role="staff", *, counties=(), cities=(), worker_id=None) -> int:
    """A user row through the real ``create_user``; staff with no scope given cover everything (``*``)."""
    from models.people.users import create_user

    if role == "staff" and not counties and not cities:
        counties = cities = ("*",)
    fields = {"scope_counties": list(counties), "scope_cities": list(cities)}
    if worker_id:
        fields["worker_id"] = worker_id
    return create_user(db, username, "pass-Word-123", role, **fields)


def make_id(area: str = "622926", birth: str = "19900101", seq: str = "123") -> str:
    """A valid 18-character resident ID (GB 11643 check character)."""
    body = area + birth + seq
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check
