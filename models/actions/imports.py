"""Ledger imports as actions: a staff member's worker or job ledger, each row checked against the importer's
scope as well as the SCHEMA rules, and the import reports (batches) each visible to the one who ran it.

The interface every door uses (the staff import page and the ``/api/v1/imports`` resource upload through
:func:`import_upload`; ``flask import`` and the demo loader read a file with :func:`import_ledger`):

- :func:`import_ledger` ``(db, actor, kind, path, *, progress=False) -> ImportResult``: staff, admins and
  ``SYSTEM``. Each row must be covered by the actor's ``models.access.Scope`` as written and, when it updates
  a stored record, as stored (a worker's 户籍区县, a posting's 工作城市); a row outside it is rejected in the
  report with its row number, field and Chinese reason, never written and never skipped silently.
  ``SYSTEM`` (the server's own command line) and admins cover every row.
- :func:`import_upload` ``(db, actor, kind, filename, data, *, background=None) -> batch id``: the upload
  kept 0600 only while its import runs; with ``background`` (the staff page) the import runs there.
- :func:`rerun` ``(db, actor, batch_id, *, background=None) -> batch id``: an interrupted (中断) batch's kept
  upload imported again, as a new batch, by whoever may open the batch.
- :func:`get_batch` ``(db, actor, batch_id) -> dict``: the report with its rejections, for the staff member
  who ran it and admins (``models.access.can_view_batch``); ``not_found`` for anyone else's.
- :func:`list_batches` ``(db, actor, *, limit=50) -> list[dict]``: the reports the actor may open, filtered
  in the database.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models import access
from models.errors import ActionError, conflict, forbidden, invalid, not_found
from models.intake import ledger

log = logging.getLogger(__name__)


def import_ledger(db, actor: Any, kind: str, path: str | Path, *, progress: bool = False) -> ledger.ImportResult:
    """Import a worker or job ledger as ``actor`` (staff, admin or SYSTEM), row by row within their scope."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以导入台账。")
    if kind not in ledger.KINDS:
        raise invalid("台账类型只能是求职者台账（workers）或岗位台账（jobs）。", "kind")
    return ledger.import_file(db, kind, path, scope=access.Scope.of(actor), user_id=access.user_id(actor),
                              progress=progress)


#: How a door runs an import in the background: it is given ``job(db)`` and runs it later with a store
#: connection of its own (the web app's ``app.import_jobs``: a thread per upload).
Background = Callable[[Callable[[Any], None]], None]


def _upload_job(kind: str, path: Path, scope: access.Scope, user_id: int | None, batch_id: int):
    """The import of a kept upload into an existing batch; the upload is deleted when the import ends,
    whether it finished or the file was refused (an interrupted import keeps it, for :func:`rerun`)."""

    def job(db) -> None:
        try:
            ledger.import_file(db, kind, path, scope=scope, user_id=user_id, progress=False, batch_id=batch_id)
        except ActionError:
            pass  # the batch says why (import_file marked it failed)
        except Exception as exc:  # noqa: BLE001 - a background job must leave its batch in a true state
            log.error("import batch %s failed: %s", batch_id, type(exc).__name__)
            ledger.fail_batch(db, batch_id, "导入过程中出错，已写入的行保留；请重新导入该文件（已导入的行不会重复）。")
        finally:
            ledger.discard_upload(path)
            ledger.forget_upload(db, batch_id)

    return job


def import_upload(db, actor: Any, kind: str, filename: str | None, data: bytes, *,
                  background: Background | None = None) -> int:
    """Import a ledger uploaded through a page or the API; returns its batch id.

    The file is kept under the data folder's ``imports/`` (mode 0600) only while its import runs and deleted
    when it ends. With ``background`` (the staff page) the import runs there and this returns at once: the
    batch shows its progress (``done_rows`` of ``total_rows``, rejected so far) until it is done; without it
    (the API) the import runs before this returns. A file refused as a whole raises ``ActionError`` here when
    run inline; in the background its batch is marked failed with the reason."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以导入台账。")
    if kind not in ledger.KINDS:
        raise invalid("台账类型只能是求职者台账（workers）或岗位台账（jobs）。", "kind")
    if not filename:
        raise invalid("请选择要导入的台账文件。", "file")
    suffix = Path(filename).suffix.lower()
    if suffix not in ledger.EXTENSIONS:
        raise invalid(f"不支持“{suffix or '无扩展名'}”文件：请上传 .xlsx、.csv 或 .jsonl"
                      "（.xls 请先在 Excel 里另存为 .xlsx）。", "file")
    path = ledger.store_upload(filename, data)
    scope, user_id = access.Scope.of(actor), access.user_id(actor)
    try:  # a file refused as a whole leaves no batch behind; in the background only the quick checks here
        ledger.open_ledger(kind, path, whole=background is None)
    except ActionError:
        ledger.discard_upload(path)
        raise
    batch_id = ledger.create_batch(db, kind, path.name, user_id=user_id, upload_path=path)
    job = _upload_job(kind, path, scope, user_id, batch_id)
    if background is None:
        job(db)
    else:
        background(job)
    return batch_id


def rerun(db, actor: Any, batch_id: int, *, background: Background | None = None) -> int:
    """Import again the kept upload of an interrupted (中断) batch, as a new batch; returns its id. Rows the
    interrupted run wrote are found unchanged (the import is idempotent). Whoever may open the batch may
    re-run it, within their own scope."""
    batch = get_batch(db, actor, batch_id)
    if batch["status"] != "interrupted":
        raise conflict("只有中断的导入可以重新运行。", "batch_id")
    path = Path(batch["upload_path"]) if batch["upload_path"] else None
    if path is None or not path.is_file():
        raise conflict("该批次没有保留上传的文件（命令行导入，或文件已删除）：请重新导入原文件，已导入的行不会重复。",
                       "batch_id")
    scope, user_id = access.Scope.of(actor), access.user_id(actor)
    new_id = ledger.create_batch(db, batch["kind"], batch["filename"], user_id=user_id, upload_path=path)
    ledger.hand_over_upload(db, batch_id, new_id)
    job = _upload_job(batch["kind"], path, scope, user_id, new_id)
    if background is None:
        job(db)
    else:
        background(job)
    return new_id


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
