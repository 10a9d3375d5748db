"""Actions on postings (岗位): the scoped reads every door shares — which postings an actor may list and
open, and whose ranked candidates they may ask for.

- **List and open** (:func:`list_for`, :func:`get`): open postings for every signed-in user; closed or
  filled ones for their employer and for staff covering the posting's city (``models.access.can_view_job``,
  and its SQL twin ``visible_jobs_sql`` so lists are filtered in the database).
- **Candidates** (:func:`for_candidates`): the posting's employer, and staff who may see the posting; each
  candidate is then shown as ``models.actions.workers.view`` allows (so a city's staff see a worker they do
  not cover masked).

A posting the actor may not see is ``not_found``, like one that does not exist.
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import forbidden, invalid, not_found
from models.hiring.jobs import get_job, list_jobs
from models.vocabulary import JOB_STATUSES

NOT_FOUND = "找不到该岗位。"


def list_for(db, actor: Any, *, q: str | None = None, city: str | None = None, status: str | None = None,
             employer_id: int | None = None, limit: int = 20, offset: int = 0) -> tuple[list[dict], int]:
    """The postings the actor may see matching the filters, newest first: (rows of this page, total)."""
    if access.role(actor) is None:
        raise forbidden("请先登录。")
    if status and status not in JOB_STATUSES:
        raise invalid(f"状态只能是：{'、'.join(JOB_STATUSES)}。", "status")
    return list_jobs(db, q=q or None, city=city or None, status=status or None, employer_id=employer_id,
                     limit=limit, offset=offset, scope=access.visible_jobs_sql(actor, "j"))


def get(db, actor: Any, job_id: int) -> dict:
    """One posting the actor may see."""
    job = get_job(db, job_id)
    if job is None or not access.can_view_job(actor, job):
        raise not_found(NOT_FOUND, "job_id")
    return job


def for_candidates(db, actor: Any, job_id: int) -> dict:
    """The posting whose ranked candidates the actor asks for (its employer, staff who may see it)."""
    job = get(db, actor, job_id)
    if not access.can_view_candidates(actor, job):
        raise forbidden("只有发布该岗位的单位和工作人员可以查看候选人。", "job_id")
    return job
