"""Matches in both directions, the same objects as ``flask match ... --json``:
``{"external_id", "score", "reasons"}``, best first.

- ``GET /workers/<external_id>/matches?k=10``: best open jobs for a worker (the worker, staff covering them).
- ``GET /jobs/<external_id>/matches?k=10``: best candidates for a posting (its employer, staff who may see it).
  Candidates are handles only: an employer sees a candidate's personal data only as
  ``GET /workers/<external_id>`` allows (masked until the worker applies or is recommended).

Who may ask is ``models.actions.matches``; the ranking is ``matching.service``.
"""
from __future__ import annotations

from app.api import bp
from app.api.auth import current_user
from app.api.common import load_query
from app.api.openapi import doc
from app.api.schemas import MatchQuerySchema, MatchSchema
from app.database import get_db
from models.actions import matches


def _matches_response(found: list) -> dict:
    data = [{"external_id": m.external_id, "score": round(float(m.score), 4), "reasons": list(m.reasons)}
            for m in found]
    return {"data": MatchSchema(many=True).dump(data)}


@bp.get("/workers/<external_id>/matches")
@doc("为求职者推荐岗位", tags=("matches",), query=MatchQuerySchema, response=MatchSchema, many=True,
     errors=(400, 403, 404))
def worker_matches(external_id: str):
    """Best open jobs for the worker, with reasons in plain Chinese."""
    from matching.service import jobs_for_worker

    args = load_query(MatchQuerySchema())
    db = get_db()
    worker = matches.worker(db, current_user(), external_id=external_id)
    return _matches_response(jobs_for_worker(db, worker["id"], args["k"]))


@bp.get("/jobs/<external_id>/matches")
@doc("为岗位推荐候选人", tags=("matches",), query=MatchQuerySchema, response=MatchSchema, many=True,
     errors=(400, 403, 404))
def job_matches(external_id: str):
    """Best candidates for the posting (handles, scores, reasons; no personal data)."""
    from matching.service import candidates_for_job

    args = load_query(MatchQuerySchema())
    db = get_db()
    job = matches.job(db, current_user(), external_id=external_id)
    return _matches_response(candidates_for_job(db, job["id"], args["k"]))
