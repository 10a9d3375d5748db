"""维权 cases (rights protection): storage, assignment and the counts the dashboard and the risk rule read.

A case is about one worker and, usually, one placement (the job where wages are owed, the contract, the
injury, the dormitory); its ``city`` is that placement's city (the work city). When opened it is assigned to
one staff member of the work city and one of the worker's home county (:func:`assignees`: an active staff
account naming that city / county in its scope, else one covering all of them), who are told through the
notifier. It is 待处理 until staff add the first note (处理中) and stays open until closed (已结案) with its
outcome. Notes keep the history; the worker reads them and may add their own.
"""
from __future__ import annotations

import sqlite_utils

from models.access import Scope, as_list
from models.store.db import select_page, utcnow
from models.vocabulary import OPEN_CASE_STATUSES

CASE_SELECT = ("SELECT c.*, w.external_id AS worker_external_id, w.name AS worker_name, w.hukou_province,"
               " w.hukou_county, w.hukou_county_code, p.employer_name AS placement_employer,"
               " p.title AS placement_title, p.start_date AS placement_start,"
               " cs.display_name AS city_staff_name, ks.display_name AS county_staff_name"
               " FROM cases c JOIN workers w ON w.id = c.worker_id LEFT JOIN placements p ON p.id = c.placement_id"
               " LEFT JOIN users cs ON cs.id = c.city_staff_id LEFT JOIN users ks ON ks.id = c.county_staff_id")


def assignees(db: sqlite_utils.Database, county: str | None, county_code: str | None,
              city: str | None) -> tuple[int | None, int | None]:
    """(city staff id, county staff id): an active staff account that names the city (county) in its scope,
    else one that covers every city (county); None when nobody does."""
    staff = db.execute("SELECT id, scope_counties, scope_cities FROM users WHERE role = 'staff' AND active = 1"
                       " ORDER BY id").fetchall()

    def pick(kind: str) -> int | None:
        named = every = None
        for user_id, counties, cities in staff:
            scope = Scope(frozenset(as_list(counties)), frozenset(as_list(cities)))
            if kind == "city":
                covers, all_ = city and scope.covers_city(city), scope.all_cities
            else:
                covers, all_ = county and scope.covers_county(county, county_code), scope.all_counties
            if covers and not all_ and named is None:
                named = user_id
            elif covers and all_ and every is None:
                every = user_id
        return named or every

    return pick("city"), pick("county")


def open_case(db: sqlite_utils.Database, *, worker_id: int, placement_id: int | None, kind: str, summary: str,
              city: str | None, opened_by: int | None, opened_via: str, city_staff_id: int | None,
              county_staff_id: int | None) -> int:
    now = utcnow()
    return db.execute(
        "INSERT INTO cases (worker_id, placement_id, kind, summary, city, status, opened_by, opened_via, city_staff_id,"
        " county_staff_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '待处理', ?, ?, ?, ?, ?, ?)",
        (worker_id, placement_id, kind, summary, city, opened_by, opened_via, city_staff_id, county_staff_id, now,
         now)).lastrowid


def get_case(db: sqlite_utils.Database, case_id: int) -> dict | None:
    rows, _ = select_page(db, f"{CASE_SELECT} WHERE c.id = ?", [case_id], order="c.id")
    return rows[0] if rows else None


def list_where(db: sqlite_utils.Database, where: str, params: list, *, limit: int | None = None,
               offset: int = 0) -> tuple[list[dict], int]:
    return select_page(db, f"{CASE_SELECT} WHERE {where}", params,
                       order="CASE WHEN c.status = '已结案' THEN 1 ELSE 0 END, c.created_at DESC, c.id DESC",
                       limit=limit, offset=offset)


def notes(db: sqlite_utils.Database, case_id: int) -> list[dict]:
    return select_page(db, "SELECT n.id, n.note, n.created_at, u.display_name AS author, u.role AS author_role"
                           " FROM case_notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.case_id = ?",
                       [case_id], order="n.created_at, n.id")[0]


def add_note(db: sqlite_utils.Database, case_id: int, author_id: int | None, note: str) -> int:
    now = utcnow()
    db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (now, case_id))
    return db.execute("INSERT INTO case_notes (case_id, author_id, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                      (case_id, author_id, note, now, now)).lastrowid


def set_status(db: sqlite_utils.Database, case_id: int, status: str, *, outcome: str | None = None,
               closed_on: str | None = None) -> None:
    db.execute("UPDATE cases SET status = ?, outcome = COALESCE(?, outcome), closed_on = COALESCE(?, closed_on),"
               " updated_at = ? WHERE id = ?", (status, outcome, closed_on, utcnow(), case_id))


def open_by_placement(db: sqlite_utils.Database) -> dict[int, list[str]]:
    """{placement_id: [kinds of its open cases]} — what the risk-of-leaving rule reads."""
    marks = ", ".join("?" * len(OPEN_CASE_STATUSES))
    out: dict[int, list[str]] = {}
    for placement_id, kind in db.execute(f"SELECT placement_id, kind FROM cases WHERE placement_id IS NOT NULL"
                                         f" AND status IN ({marks}) ORDER BY id", OPEN_CASE_STATUSES):
        out.setdefault(placement_id, []).append(kind)
    return out


def scope_sql(scope: Scope, user_id: int | None) -> tuple[str, list]:
    """Cases a staff scope covers (the worker's county or the case's work city) or assigned to ``user_id``."""
    covered, params = scope.placements_sql("c", "w")
    return f"({covered} OR c.city_staff_id = ? OR c.county_staff_id = ?)", [*params, user_id, user_id]
