"""Actions on workers (求职者): how much of a worker an actor sees, and (below) registering, editing,
seeking, the audited ID reveal and worker accounts.

One view for every door: a page and the API show an actor exactly :func:`view` of a worker — the fields of
``models.access.worker_visibility``'s level, computed here with the applications that relate the worker to
the actor (an employer the worker applied or was recommended to; city staff whose postings they are).
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import not_found
from models.hiring import applications as application_store
from models.people.workers import get_worker, get_worker_by_external_id


def related(db, actor: Any, worker: dict) -> bool:
    """The worker applied to, or was recommended for, a posting of the actor: the employer's own postings,
    or (staff) postings in the staff member's cities. A declined recommendation does not count."""
    employer_id = access.own_employer_id(actor)
    if employer_id is not None:
        return application_store.related_to_employer(db, employer_id, worker["id"])
    if access.is_staff(actor):
        where, params = access.Scope.of(actor).jobs_sql("j")
        if where == "1 = 0":
            return False
        return application_store.related_to_postings(db, where, params, worker["id"])
    return False


def visibility(db, actor: Any, worker: dict) -> str:
    """The ``models.access`` visibility level of ``worker`` for ``actor``."""
    return access.worker_visibility(actor, worker, related=related(db, actor, worker))


def present(db, actor: Any, worker: dict) -> dict | None:
    """``worker`` as ``actor`` may see it (None when hidden): what every page and the API show."""
    return access.present_worker(worker, visibility(db, actor, worker))


def view(db, actor: Any, worker_id: int | None = None, *, external_id: str | None = None) -> dict:
    """One worker, by id or 编号, as the actor may see it; ``not_found`` when hidden or missing. The result
    carries ``visibility`` (the level) so a page knows what it shows."""
    worker = get_worker(db, worker_id) if worker_id is not None else get_worker_by_external_id(db, external_id or "")
    shown = present(db, actor, worker) if worker is not None else None
    if shown is None:
        raise not_found("找不到该求职者。", "worker_id" if worker_id is not None else "external_id")
    shown["visibility"] = visibility(db, actor, worker)
    return shown
