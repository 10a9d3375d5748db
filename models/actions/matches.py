"""Who may see ranked matches. The ranking itself is ``matching.service`` (``models`` never imports
``matching``): a door asks here for the worker or posting, then ranks.

- **Jobs for a worker**: the worker themself and staff covering the worker
  (``models.access.can_view_matches_for_worker``). Someone who may see the worker but not their matches (an
  employer, staff of another county) is ``forbidden``; anyone else ``not_found``.
- **Candidates for a posting**: its employer and staff who may see the posting
  (``models.access.can_view_candidates``); someone who may see the posting but not its candidates is
  ``forbidden``. Each candidate is then shown only as ``models.actions.workers.present`` allows.
"""
from __future__ import annotations

from typing import Any

from models import access
from models.actions import postings, workers
from models.errors import forbidden, not_found
from models.people.workers import get_worker, get_worker_by_external_id


def worker(db, actor: Any, worker_id: int | None = None, *, external_id: str | None = None) -> dict:
    """The stored worker whose ranked jobs ``actor`` may see."""
    record = get_worker(db, worker_id) if worker_id is not None else get_worker_by_external_id(db, external_id or "")
    if record is None:
        raise not_found("找不到该求职者。", "worker_id")
    if not access.can_view_matches_for_worker(actor, record):
        if workers.present(db, actor, record) is None:
            raise not_found("找不到该求职者。", "worker_id")
        raise forbidden("只有求职者本人和负责的工作人员可以查看推荐岗位。", "worker_id")
    return record


def job(db, actor: Any, job_id: int | None = None, *, external_id: str | None = None) -> dict:
    """The posting whose ranked candidates ``actor`` may see."""
    record = postings.get(db, actor, job_id) if job_id is not None \
        else postings.get_by_external_id(db, actor, external_id or "")
    if not access.can_view_candidates(actor, record):
        raise forbidden("只有发布该岗位的单位和负责的工作人员可以查看候选人。", "job_id")
    return record
