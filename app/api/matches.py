"""Matches in both directions, the same objects as ``flask match ... --json``:
``{"external_id", "score", "reasons"}``, best first.

- ``GET /workers/<external_id>/matches?k=10``: best open jobs for a worker (the worker, staff/admin).
- ``GET /jobs/<external_id>/matches?k=10``: best candidates for a posting (its employer, staff/admin).
  Candidates are handles only: an employer sees a candidate's personal data only as
  ``GET /workers/<external_id>`` allows (masked until the worker applies or is recommended).
"""
from __future__ import annotations

from app.api import bp
from app.api.auth import current_user
from app.api.common import load_query
from app.api.errors import ApiError
from app.api.jobs import job_or_404
from app.api.openapi import doc
from app.api.schemas import MatchQuerySchema, MatchSchema
from app.database import get_db
from models import access as permissions
from models.actions import workers as worker_actions


def _matches_response(matches: list) -> dict:
    data = [{"external_id": m.external_id, "score": round(float(m.score), 4), "reasons": list(m.reasons)}
            for m in matches]
    return {"data": MatchSchema(many=True).dump(data)}


@bp.get("/workers/<external_id>/matches")
@doc("为求职者推荐岗位", tags=("matches",), query=MatchQuerySchema, response=MatchSchema, many=True,
     errors=(400, 403, 404))
def worker_matches(external_id: str):
    """Best open jobs for the worker, with reasons in plain Chinese."""
    from matching.service import jobs_for_worker

    args = load_query(MatchQuerySchema())
    worker = worker_actions.for_matching(get_db(), current_user(), external_id=external_id)
    return _matches_response(jobs_for_worker(get_db(), worker["id"], args["k"]))


@bp.get("/jobs/<external_id>/matches")
@doc("为岗位推荐候选人", tags=("matches",), query=MatchQuerySchema, response=MatchSchema, many=True,
     errors=(400, 403, 404))
def job_matches(external_id: str):
    """Best candidates for the posting (handles, scores, reasons; no personal data)."""
    from matching.service import candidates_for_job

    args = load_query(MatchQuerySchema())
    user = current_user()
    job = job_or_404(external_id, user)
    if not permissions.can_view_candidates(user, job):
        raise ApiError(403, "只有发布该岗位的单位和工作人员可以查看候选人。")
    return _matches_response(candidates_for_job(get_db(), job["id"], args["k"]))
