"""疑似重复 as actions: the queue of worker records that may be one person, merging a pair, and marking a
pair as two people.

The rules, each in one place:

- **Queue** (:func:`queue`): staff and admins; a pair is listed when the actor covers both records
  (``models.access.Scope``, filtered in the database). Why each pair is proposed: ``models.people.duplicates``.
- **Merge** (:func:`merge`): staff covering both records (``models.access.can_merge_workers``); the pair must
  be proposed (same ID, same name + birth + county, or same phone) — two unrelated records are never merged
  by mistake — and two different ID numbers are never merged. Every application, placement and follow-up is
  kept; the merge is audited (``worker.merge``).
- **Not duplicates** (:func:`dismiss`): the same people; the pair is not proposed again (audited).

A record the actor does not cover is ``not_found`` (the queue never shows it to them either).
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import conflict, forbidden, invalid, not_found
from models.people import duplicates as store
from models.people.workers import get_worker

NOT_FOUND = "找不到该求职者。"


def queue(db, actor: Any, *, limit: int = 200) -> list[dict]:
    """The proposed pairs the actor covers both records of, each with its reasons (Chinese ``labels``)."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看疑似重复。")
    return store.pairs(db, access.Scope.of(actor).workers_sql, limit=limit)


def _pair(db, actor: Any, keep_id: int, other_id: int) -> tuple[dict, dict]:
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以处理疑似重复。")
    if keep_id == other_id:
        raise invalid("请选择两条不同的记录。", "merge_id")
    keep, other = get_worker(db, keep_id), get_worker(db, other_id)
    for worker, field in ((keep, "keep_id"), (other, "merge_id")):
        if worker is None or not access.Scope.of(actor).covers_worker(worker):
            raise not_found(NOT_FOUND, field)
    if not access.can_merge_workers(actor, keep, other):
        raise forbidden("只能处理您负责范围内的求职者。")
    if not store.reasons_for(db, keep_id, other_id):
        raise conflict("这两条记录没有重复的迹象（身份证号、姓名+出生日期+户籍区县、手机号都不同），不能合并。",
                       "merge_id")
    return keep, other


def merge(db, actor: Any, keep_id: int, merge_id: int) -> dict:
    """Fold record ``merge_id`` into ``keep_id``; returns the kept worker (as ``workers.get_worker``) with
    ``merged`` (what moved: the audit entry's detail)."""
    _pair(db, actor, keep_id, merge_id)
    detail = store.merge(db, keep_id, merge_id, user_id=access.user_id(actor))
    worker = get_worker(db, keep_id)
    worker["merged"] = detail
    return worker


def dismiss(db, actor: Any, keep_id: int, merge_id: int) -> None:
    """The two records are two people: the pair leaves the queue for good."""
    _pair(db, actor, keep_id, merge_id)
    store.dismiss(db, keep_id, merge_id, user_id=access.user_id(actor))
