"""``/api/v1/batches``: 点对点 transport batches (``models.actions.batches``, the same actions as the staff
pages 点对点输送).

- ``GET /batches``: the batches the caller covers; ``GET /batches/summary``: people moved;
- ``POST /batches``: a new batch (staff covering the departure county or the city);
- ``GET /batches/<id>``: one, with its passengers;
- ``POST /batches/<id>/passengers``: add a hired worker; ``POST /batches/<id>/passengers/<external_id>/arrival``:
  confirm arrival;
- ``GET /batches/<id>/passengers.xlsx``: the carrier's list (masked), ``?full=1`` the full list (audited).
"""
from __future__ import annotations

from flask import jsonify, request, send_file, url_for

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, load_body
from app.api.openapi import doc
from app.api.programme_schemas import (
    ArrivalInSchema,
    BatchInSchema,
    BatchSchema,
    BatchSummarySchema,
    PassengerInSchema,
)
from app.database import get_db
from models.actions import batches as actions

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/batches")
@roles_required("staff", "admin")
@doc("点对点输送批次", tags=("batches",), response=BatchSchema, many=True, errors=(403,))
def batches_list():
    rows = actions.list_for(get_db(), current_user())
    return jsonify({"data": BatchSchema(exclude=("passenger_list",)).dump(rows, many=True)})


@bp.get("/batches/summary")
@roles_required("staff", "admin")
@doc("输送人数统计", tags=("batches",), response=BatchSummarySchema, errors=(403,))
def batches_summary():
    return data_response(actions.summary(get_db(), current_user()), BatchSummarySchema())


@bp.post("/batches")
@roles_required("staff", "admin")
@doc("新建输送批次", tags=("batches",), body=BatchInSchema, response=BatchSchema, status=201, errors=(403, 422))
def batches_create():
    payload = load_body(BatchInSchema())
    batch = actions.create(get_db(), current_user(), **payload)
    return data_response(batch, BatchSchema(), status=201,
                         headers={"Location": url_for("api.batches_get", batch_id=batch["id"])})


@bp.get("/batches/<int:batch_id>")
@roles_required("staff", "admin")
@doc("输送批次详情（含乘车名单）", tags=("batches",), response=BatchSchema, errors=(403, 404))
def batches_get(batch_id: int):
    return data_response(actions.get(get_db(), current_user(), batch_id), BatchSchema())


@bp.post("/batches/<int:batch_id>/passengers")
@roles_required("staff", "admin")
@doc("添加乘车人员（已录用、在到达城市在岗）", tags=("batches",), body=PassengerInSchema, response=BatchSchema,
     status=201, errors=(403, 404, 409))
def batches_add_passenger(batch_id: int):
    payload = load_body(PassengerInSchema())
    batch = actions.add_passenger(get_db(), current_user(), batch_id, worker_external_id=payload["worker_external_id"])
    return data_response(batch, BatchSchema(), status=201)


@bp.post("/batches/<int:batch_id>/passengers/<external_id>/arrival")
@roles_required("staff", "admin")
@doc("确认到达", tags=("batches",), body=ArrivalInSchema, response=BatchSchema, errors=(403, 404, 409, 422))
def batches_arrival(batch_id: int, external_id: str):
    payload = load_body(ArrivalInSchema())
    batch = actions.confirm_arrival(get_db(), current_user(), batch_id, worker_external_id=external_id,
                                    arrived_on=payload.get("arrived_on"))
    return data_response(batch, BatchSchema())


@bp.get("/batches/<int:batch_id>/passengers.xlsx")
@roles_required("staff", "admin")
@doc("乘车名单（Excel；承运用脱敏，full=1 为完整名单并记录查看）", tags=("batches",), errors=(403, 404))
def batches_passengers_xlsx(batch_id: int):
    full = request.args.get("full") == "1"
    workbook = actions.passenger_workbook(get_db(), current_user(), batch_id, full=full)
    return send_file(workbook, mimetype=XLSX, as_attachment=True,
                     download_name=f"batch_{batch_id}_{'full' if full else 'carrier'}.xlsx")
