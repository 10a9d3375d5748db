"""Ledger imports as actions: a staff member's worker or job ledger, each row checked against the importer's
scope as well as the SCHEMA rules, and the import reports (batches) each visible to the one who ran it.

The interface every door uses (the staff import page, ``flask import``, the demo loader):

- :func:`import_ledger` ``(db, actor, kind, path, *, progress=False) -> ImportResult``
- :func:`get_batch` ``(db, actor, batch_id) -> dict`` (the report with its rejections; ``not_found`` for
  another staff member's batch)
- :func:`list_batches` ``(db, actor, *, limit=50) -> list[dict]``
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from models import access
from models.errors import forbidden, not_found
from models.intake import ledger


def import_ledger(db, actor: Any, kind: str, path: str | Path, *, progress: bool = False) -> ledger.ImportResult:
    """Import a worker or job ledger as ``actor`` (staff, admin or SYSTEM)."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以导入台账。")
    return ledger.import_file(db, kind, path, user_id=access.user_id(actor), progress=progress)


def get_batch(db, actor: Any, batch_id: int) -> dict:
    """One import report, for the staff member who ran it (and admins)."""
    batch = ledger.get_batch(db, batch_id)
    if batch is None or not access.can_view_batch(actor, batch):
        raise not_found("找不到该导入记录。", "batch_id")
    return batch


def list_batches(db, actor: Any, *, limit: int = 50) -> list[dict]:
    """The import reports the actor may open, newest first."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看导入记录。")
    batches = ledger.list_batches(db, limit=limit if access.is_admin(actor) else 1000)
    return [b for b in batches if access.can_view_batch(actor, b)][:limit]
