"""Actions on postings (岗位): the scoped reads — one posting, a list of postings — that the staff pages
share with every other door. (Creating, editing, closing and reopening a posting are actions of this module
too, written with the employer pages.)

- **Who sees a posting** (``models.access.can_view_job``): an open posting, every signed-in user; a closed or
  filled one, its employer and staff covering its city. Lists apply the same rule in the database
  (:func:`visible_sql`), so a page of results is a page of what the actor may see.

A posting the actor may not see is ``not_found``.
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import forbidden, invalid, not_found
from models.hiring import jobs as store
from models.vocabulary import JOB_STATUSES

# --- reads ------------------------------------------------------------------------------------------------

def visible_sql(actor: Any, j: str = "j") -> tuple[str, list]:
    """WHERE fragment (posting alias ``j``) for the postings ``actor`` may see: open ones, plus the closed
    ones of their own employer (employers) or in their cities (staff)."""
    if access.role(actor) is None:
        raise forbidden("请先登录。")
    employer_id = access.own_employer_id(actor)
    if employer_id is not None:
        return f"({j}.status = 'open' OR {j}.employer_id = ?)", [employer_id]
    if access.is_staff(actor):
        where, params = access.Scope.of(actor).jobs_sql(j)
        return f"({j}.status = 'open' OR {where})", params
    return f"{j}.status = 'open'", []


def _visible(actor: Any, job: dict | None) -> dict:
    if job is None or not access.can_view_job(actor, job):
        raise not_found("找不到该岗位，或它已停止招聘。", "job_id")
    return job


def get(db, actor: Any, job_id: int) -> dict:
    """One posting the actor may see (``not_found`` otherwise)."""
    return _visible(actor, store.get_job(db, job_id))


def get_by_external_id(db, actor: Any, external_id: str) -> dict:
    """The posting with this 编号, if the actor may see it."""
    return _visible(actor, store.get_job_by_external_id(db, external_id))


def list_for(db, actor: Any, *, status: str | None = None, city: str | None = None, q: str | None = None,
             employer_id: int | None = None, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """The postings ``actor`` may see, newest first, filtered in the database: (rows of this page, total).
    ``employer_id`` narrows to one employer's postings (an employer's own list)."""
    if status is not None and status not in JOB_STATUSES:
        raise invalid(f"岗位状态只能是：{'、'.join(JOB_STATUSES)}。", "status")
    return store.list_jobs(db, status=status, city=city, q=q, employer_id=employer_id, limit=limit,
                           offset=offset, where=visible_sql(actor))
