"""劳务品牌 (labour brands): a partner county's named trade (e.g. 酉阳焊工, 东乡拉面), with the workers who carry it,
the courses that train for it and the Shandong employers who hire them. Store and figures only; the rules are
``models.actions.brands``.

A brand's figures (for its page and the dashboard), all counts, no personal data:

- 品牌人数: linked workers; 已就业: of them, with a placement 在岗 today; 稳定3个月: placements of linked
  workers confirmed at 3 months (``placement_state``);
- 培训课程 / 结业: courses linked to the brand and their 已结业 enrolments;
- 合作单位: linked employers; 在合作单位就业: linked workers' placements at linked employers.
"""
from __future__ import annotations

from datetime import date

import sqlite_utils

from models.errors import ActionError
from models.intake.validation import ValidationError, clean_text, resolve_county_anywhere
from models.placement.placements import with_states
from models.store.db import select_page, utcnow


def clean_brand(raw: dict) -> dict:
    """A brand record: name, the county (any wording, resolved to its official name and province), the trade."""
    errors: list[tuple[str, str]] = []
    out: dict = {}
    for field, label in (("name", "品牌名称"), ("trade", "工种")):
        text = clean_text(raw.get(field), label, max_length=40, field=field)
        if not text:
            errors.append((field, f"请填写{label}。"))
        out[field] = text
    try:
        county = resolve_county_anywhere(raw.get("county"), "county")
        out["hukou_county"], out["hukou_province"] = county.name, county.province
    except ValidationError as exc:
        errors.append(("county", exc.message))
    out["description"] = clean_text(raw.get("description"), "品牌介绍", max_length=2000, field="description")
    if errors:
        raise ActionError(errors[0][1], field=errors[0][0], kind="invalid", errors=errors)
    return out


def create_brand(db: sqlite_utils.Database, record: dict, *, created_by: int | None) -> int:
    now = utcnow()
    row = {**record, "created_by": created_by, "created_at": now, "updated_at": now}
    return db.execute(f"INSERT INTO brands ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                      tuple(row.values())).lastrowid


def get_brand(db: sqlite_utils.Database, brand_id: int) -> dict | None:
    rows, _ = select_page(db, "SELECT * FROM brands WHERE id = ?", [brand_id], order="id")
    return rows[0] if rows else None


def brand_by_name(db: sqlite_utils.Database, name: str) -> dict | None:
    rows, _ = select_page(db, "SELECT * FROM brands WHERE name = ?", [name], order="id")
    return rows[0] if rows else None


def list_brands(db: sqlite_utils.Database) -> list[dict]:
    return select_page(db, "SELECT * FROM brands", [], order="hukou_province, hukou_county, name")[0]


def link_worker(db: sqlite_utils.Database, brand_id: int, worker_id: int) -> bool:
    """True when the link is new."""
    return db.execute("INSERT INTO brand_workers (brand_id, worker_id, created_at) VALUES (?, ?, ?)"
                      " ON CONFLICT DO NOTHING", (brand_id, worker_id, utcnow())).rowcount == 1


def link_employer(db: sqlite_utils.Database, brand_id: int, employer_id: int) -> bool:
    return db.execute("INSERT INTO brand_employers (brand_id, employer_id, created_at) VALUES (?, ?, ?)"
                      " ON CONFLICT DO NOTHING", (brand_id, employer_id, utcnow())).rowcount == 1


def linked_workers(db: sqlite_utils.Database, brand_id: int) -> list[dict]:
    return select_page(db, "SELECT w.id, w.external_id, w.name, w.hukou_province, w.hukou_county,"
                           " w.hukou_county_code, w.certificates FROM brand_workers bw JOIN workers w"
                           " ON w.id = bw.worker_id WHERE bw.brand_id = ?", [brand_id], order="w.external_id")[0]


def linked_employers(db: sqlite_utils.Database, brand_id: int) -> list[dict]:
    return select_page(db, "SELECT e.id, e.name, e.city FROM brand_employers be JOIN employers e"
                           " ON e.id = be.employer_id WHERE be.brand_id = ?", [brand_id], order="e.name")[0]


def linked_courses(db: sqlite_utils.Database, brand_id: int) -> list[dict]:
    return select_page(db, "SELECT c.id, c.title, c.provider, c.certificate, c.start_date, c.end_date, c.status,"
                           " (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = c.id AND e.status = '已结业')"
                           " AS completed FROM courses c WHERE c.brand_id = ?", [brand_id], order="c.start_date")[0]


def figures(db: sqlite_utils.Database, brand_id: int, today: date) -> dict:
    """The brand's counts (module docstring)."""
    workers = {r[0] for r in db.execute("SELECT worker_id FROM brand_workers WHERE brand_id = ?", (brand_id,))}
    employers = {r[0] for r in db.execute("SELECT employer_id FROM brand_employers WHERE brand_id = ?", (brand_id,))}
    courses = db.execute("SELECT COUNT(*), COALESCE(SUM((SELECT COUNT(*) FROM enrolments e WHERE e.course_id = c.id"
                         " AND e.status = '已结业')), 0) FROM courses c WHERE c.brand_id = ?", (brand_id,)).fetchone()
    working: set[int] = set()
    stable_3 = at_partners = 0
    if workers:
        marks = ", ".join("?" * len(workers))
        for placement, state in with_states(db, today, f"p.worker_id IN ({marks})", sorted(workers)):
            if state.status == "在岗":
                working.add(placement["worker_id"])
            stable_3 += int(state.is_stable(3))
            at_partners += int(placement.get("employer_id") in employers)
    return {"workers": len(workers), "working": len(working), "stable_3": stable_3, "courses": courses[0],
            "completed": courses[1], "employers": len(employers), "at_partners": at_partners}
