"""Ledger imports as actions: a staff member's worker or job ledger, each row checked against the importer's
scope as well as the SCHEMA rules, and the import reports (batches) each visible to the one who ran it.

The interface every door uses (the staff import page and the ``/api/v1/imports`` resource upload through
:func:`import_upload`; ``flask import`` and the demo loader read a file with :func:`import_ledger`):

- :func:`import_ledger` ``(db, actor, kind, path, *, progress=False) -> ImportResult``: staff, admins and
  ``SYSTEM``. Each row must be covered by the actor's ``models.access.Scope`` as written and, when it updates
  a stored record, as stored (a worker's 户籍区县, a posting's 工作城市); a row outside it is rejected in the
  report with its row number, field and Chinese reason, never written and never skipped silently.
  ``SYSTEM`` (the server's own command line) and admins cover every row.
- :func:`get_batch` ``(db, actor, batch_id) -> dict``: the report with its rejections, for the staff member
  who ran it and admins (``models.access.can_view_batch``); ``not_found`` for anyone else's.
- :func:`list_batches` ``(db, actor, *, limit=50) -> list[dict]``: the reports the actor may open, filtered
  in the database.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from models import access
from models.errors import ActionError, forbidden, invalid, not_found
from models.intake import ledger


def import_ledger(db, actor: Any, kind: str, path: str | Path, *, progress: bool = False) -> ledger.ImportResult:
    """Import a worker or job ledger as ``actor`` (staff, admin or SYSTEM), row by row within their scope."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以导入台账。")
    if kind not in ledger.KINDS:
        raise invalid("台账类型只能是求职者台账（workers）或岗位台账（jobs）。", "kind")
    return ledger.import_file(db, kind, path, scope=access.Scope.of(actor), user_id=access.user_id(actor),
                              progress=progress)


def import_upload(db, actor: Any, kind: str, filename: str | None, data: bytes) -> ledger.ImportResult:
    """Import a ledger uploaded through a page or the API: the file is kept under the data folder's
    ``imports/`` (removed again when the file as a whole cannot be imported), then :func:`import_ledger`."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以导入台账。")
    if not filename:
        raise invalid("请选择要导入的台账文件。", "file")
    suffix = Path(filename).suffix.lower()
    if suffix not in ledger.EXTENSIONS:
        raise invalid(f"不支持“{suffix or '无扩展名'}”文件：请上传 .xlsx、.csv 或 .jsonl"
                      "（.xls 请先在 Excel 里另存为 .xlsx）。", "file")
    path = ledger.store_upload(filename, data)
    try:
        return import_ledger(db, actor, kind, path)
    except ActionError:
        ledger.discard_upload(path)
        raise


def get_batch(db, actor: Any, batch_id: int) -> dict:
    """One import report with its rejections (each with the field's Chinese ``label``), for the staff member
    who ran it and admins."""
    batch = ledger.get_batch(db, batch_id)
    if batch is None or not access.can_view_batch(actor, batch):
        raise not_found("找不到该导入记录。", "batch_id")
    for rejection in batch["rejections"]:
        rejection["label"] = ledger.field_label(batch["kind"], rejection["field"])
    return batch


def list_batches(db, actor: Any, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """The import reports the actor may open (their own; every one for admins), newest first."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看导入记录。")
    if access.is_admin(actor):
        return ledger.list_batches(db, run_by=None, limit=limit, offset=offset)
    own = access.user_id(actor)
    return [] if own is None else ledger.list_batches(db, run_by=own, limit=limit, offset=offset)
