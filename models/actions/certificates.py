"""Actions on 务工证明 (employment certificates): read one (its fields, or as PDF), sign it off, and the batch
workbook of one county's certificates.

The rules, each in one place:

- **Read, PDF, sign off**: staff covering the placement (``models.access.can_certify``: the worker's county or
  the placement's city); a placement the actor may not know about is ``not_found``. The ID number is shown
  as the actor may see the worker (``models.actions.workers.present``): masked for staff covering the
  worker's county, left out for city staff who do not (never in full). Each PDF issued is audited
  (``certificate.issued``), each sign-off too (``certificate.signed``).
- **County workbook**: staff, for a county they cover (a county they do not is refused, not silently
  emptied); the placements of that county's workers.
"""
from __future__ import annotations

import io
from typing import Any

from models import access
from models.actions import placements as placement_actions
from models.actions import workers as worker_actions
from models.errors import forbidden, invalid, not_found
from models.intake.validation import ValidationError, resolve_county_anywhere
from models.people.workers import get_worker
from models.placement.placements import follow_ups_for, placement_state, with_states
from models.programme import certificates as store
from models.store import clock
from models.store.db import audit, transaction


def _certifiable(db, actor: Any, placement_id: int) -> dict:
    placement = placement_actions.get(db, actor, placement_id)
    if not access.can_certify(actor, placement):
        raise not_found("找不到该就业记录。", "placement_id")
    return placement


def _id_masked(db, actor: Any, worker_id: int) -> str | None:
    shown = worker_actions.present(db, actor, get_worker(db, worker_id)) or {}
    return shown.get("id_masked")


def get(db, actor: Any, placement_id: int) -> dict:
    """The certificate's fields for a placement the actor covers."""
    placement = _certifiable(db, actor, placement_id)
    today = clock.today()
    state = placement_state(placement, follow_ups_for(db, placement_id), today)
    return store.certificate_data(db, placement, state, id_masked=_id_masked(db, actor, placement["worker_id"]),
                                  today=today)


def pdf(db, actor: Any, placement_id: int) -> bytes:
    """The certificate as PDF (audited: who issued which certificate, signed or draft)."""
    data = get(db, actor, placement_id)
    content = store.render_pdf(data)
    with transaction(db):
        audit(db, "certificate.issued", user_id=access.user_id(actor), entity="placement", entity_id=placement_id,
              detail={"certificate_no": data["certificate_no"], "signed": data["signed_by"] is not None})
    return content


def sign(db, actor: Any, placement_id: int, *, note: str | None = None) -> dict:
    """The staff member checked the certificate against the records and signs it off (today); returns it."""
    with transaction(db):
        _certifiable(db, actor, placement_id)
        store.record_signoff(db, placement_id, user_id=access.user_id(actor), signer_name=access.display_name(actor),
                             signed_on=clock.today(), note=(note or "").strip()[:200] or None)
    return get(db, actor, placement_id)


def county_workbook(db, actor: Any, county: str) -> io.BytesIO:
    """The certificates of every placement of ``county``'s workers (a county the actor covers) as .xlsx."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以导出务工证明。")
    try:
        found = resolve_county_anywhere(county, "county")
    except ValidationError as exc:
        raise invalid(str(exc), "county") from None
    scope = access.Scope.of(actor)
    if not scope.covers_county(found.name, found.code):
        raise forbidden(f"{found.name}不在您的负责范围，不能导出该县的务工证明。", "county")
    today = clock.today()
    rows = []
    for placement, state in with_states(db, today, "w.hukou_county_code = ? OR w.hukou_county = ?",
                                        [found.code, found.name]):
        rows.append(store.certificate_data(db, placement, state,
                                           id_masked=_id_masked(db, actor, placement["worker_id"]), today=today))
    return store.county_workbook(rows, f"{found.province}{found.name}", today)
