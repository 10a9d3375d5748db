"""Actions on 数据比对 (comparing the latest 脱贫/监测 list with the platform): run a comparison, open one,
list them, apply one.

The rules, each in one place:

- **Run**: staff, admins and ``SYSTEM``. The list is compared with the workers the actor's scope covers
  (``models.placement.comparison``); a row naming a worker outside it is reported without that worker's details.
- **Open, list**: a comparison names people, so it is seen by the staff member who ran it and by admins
  (``models.access.can_view_batch``); anyone else is told it does not exist. Lists are filtered in the database.
- **Apply**: whoever may open it; only the ``changed`` rows whose worker the applier's scope covers are
  updated (each audit-logged); applying twice is a ``conflict``.
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import conflict, forbidden, invalid, not_found
from models.placement import comparison as store


def run(db, actor: Any, filename: str, content: bytes, list_status: str) -> store.Summary:
    """Compare an uploaded list (``filename`` decides the format) with the workers the actor covers; changes
    no worker. Returns the new batch's summary."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以做数据比对。")
    if not filename or not content:
        raise invalid("请选择要上传的名单文件（.xlsx 或 .csv）。", "file")
    return store.compare_file(db, filename, content, list_status=list_status, scope=access.Scope.of(actor),
                              user_id=access.user_id(actor))


def get(db, actor: Any, batch_id: int) -> tuple[dict, list[dict]]:
    """One comparison and its findings, for the staff member who ran it and admins."""
    batch, rows = store.get_batch(db, batch_id)
    if batch is None or not access.can_view_batch(actor, batch):
        raise not_found("找不到该比对记录。", "batch_id")
    return batch, rows


def list_batches(db, actor: Any, *, limit: int = 20) -> list[dict]:
    """The comparisons the actor may open (their own; every one for admins), newest first."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看数据比对。")
    if access.is_admin(actor):
        return store.list_batches(db, run_by=None, limit=limit)
    own = access.user_id(actor)
    return [] if own is None else store.list_batches(db, run_by=own, limit=limit)


def apply(db, actor: Any, batch_id: int) -> dict:
    """Apply the proposed status changes of a comparison the actor may open, to the workers they cover.
    Returns ``{'applied', 'skipped', 'out_of_scope'}``."""
    batch, _rows = get(db, actor, batch_id)
    if batch["applied_at"]:
        raise conflict("这批比对结果已经确认过。", "batch_id")
    result = store.apply_batch(db, batch_id, scope=access.Scope.of(actor), user_id=access.user_id(actor))
    if result["already"]:
        raise conflict("这批比对结果已经确认过。", "batch_id")
    return result
