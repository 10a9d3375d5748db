"""``/api/v1/exchange``: the exchange with partner provinces (``models.actions.exchange``, the same actions as
the staff page 协作地区交换): per county, its workers placed and not yet placed in the ledger layout.

- ``GET /exchange/counties``: the counties the caller may export;
- ``GET /exchange.xlsx?county=``: one county's workbook, ID numbers masked; ``&reveal=id_number`` in full
  (staff covering the county; each reveal audited).
"""
from __future__ import annotations

from flask import jsonify, request, send_file

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import load_query
from app.api.openapi import doc
from app.api.programme_schemas import CountyQuerySchema, ExchangeCountySchema
from app.database import get_db
from models.actions import exchange as actions

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/exchange/counties")
@roles_required("staff", "admin")
@doc("可导出交换数据的区县", tags=("exchange",), response=ExchangeCountySchema, many=True, errors=(403,))
def exchange_counties():
    return jsonify({"data": ExchangeCountySchema().dump(actions.counties_for(get_db(), current_user()), many=True)})


@bp.get("/exchange.xlsx")
@roles_required("staff", "admin")
@doc("某区县的已就业和未就业人员（台账格式，Excel）", tags=("exchange",), query=CountyQuerySchema,
     errors=(400, 403, 422))
def exchange_xlsx():
    args = load_query(CountyQuerySchema())
    name, workbook = actions.county_workbook(get_db(), current_user(), args["county"],
                                             reveal_ids=request.args.get("reveal") == "id_number")
    return send_file(workbook, mimetype=XLSX, as_attachment=True, download_name=name)
