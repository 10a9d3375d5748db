"""``POST /api/v1/applications/<id>/undo-hire``: take back today's 录用 (``models.actions.hires.undo_hire``, the
same action as the employer's page): the posting's employer or staff covering the application; 409 after the
day or once the placement has a follow-up."""
from __future__ import annotations

from app.api import bp
from app.api.auth import current_user
from app.api.common import data_response
from app.api.openapi import doc
from app.api.schemas import ApplicationSchema
from app.database import get_db
from models.actions import hires


@bp.post("/applications/<int:application_id>/undo-hire")
@doc("撤销当天的录用", tags=("applications",), response=ApplicationSchema, errors=(403, 404, 409))
def application_undo_hire(application_id: int):
    """Take back today's 录用: the placement it made is removed and the application goes back a step."""
    return data_response(hires.undo_hire(get_db(), current_user(), application_id), ApplicationSchema())
