"""务工证明 in the API (``models.actions.certificates``, the same actions as the placement page's buttons):

- ``GET /placements/<id>/certificate.pdf`` (SCHEMA.md): the PDF, for staff covering the placement;
- ``GET /placements/<id>/certificate``: its fields as JSON;
- ``POST /placements/<id>/certificate/sign``: staff sign-off (recorded and audited);
- ``GET /certificates/county.xlsx?county=``: one county's certificates as a workbook.
"""
from __future__ import annotations

import io

from flask import send_file

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, load_body, load_query
from app.api.openapi import doc
from app.api.programme_schemas import CertificateSchema, CertificateSignSchema, CountyQuerySchema
from app.database import get_db
from models.actions import certificates as actions
from models.store import clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/placements/<int:placement_id>/certificate.pdf")
@roles_required("staff", "admin")
@doc("务工证明（PDF，供户籍地申领补贴）", tags=("certificates",), errors=(403, 404))
def certificate_pdf(placement_id: int):
    content = actions.pdf(get_db(), current_user(), placement_id)
    return send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"certificate_{placement_id}.pdf")


@bp.get("/placements/<int:placement_id>/certificate")
@roles_required("staff", "admin")
@doc("务工证明的内容", tags=("certificates",), response=CertificateSchema, errors=(403, 404))
def certificate_get(placement_id: int):
    return data_response(actions.get(get_db(), current_user(), placement_id), CertificateSchema())


@bp.post("/placements/<int:placement_id>/certificate/sign")
@roles_required("staff", "admin")
@doc("签发务工证明（工作人员核对后）", tags=("certificates",), body=CertificateSignSchema, response=CertificateSchema,
     status=201, errors=(403, 404))
def certificate_sign(placement_id: int):
    payload = load_body(CertificateSignSchema())
    data = actions.sign(get_db(), current_user(), placement_id, note=payload.get("note"))
    return data_response(data, CertificateSchema(), status=201)


@bp.get("/certificates/county.xlsx")
@roles_required("staff", "admin")
@doc("某户籍区县的务工证明汇总（Excel）", tags=("certificates",), query=CountyQuerySchema, errors=(400, 403, 422))
def certificates_county():
    args = load_query(CountyQuerySchema())
    workbook = actions.county_workbook(get_db(), current_user(), args["county"])
    return send_file(workbook, mimetype=XLSX, as_attachment=True,
                     download_name=f"certificates_{clock.today().isoformat()}.xlsx")
