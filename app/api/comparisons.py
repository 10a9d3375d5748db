"""``/api/v1/comparisons``: 数据比对, the latest official 脱贫/监测 list compared with the platform.

The same actions as the staff comparison pages (``models.actions.comparisons``): the list is compared with
the workers the caller's scope covers; a comparison is seen by the staff member who ran it and admins;
applying updates only the workers the caller covers.

- ``POST /comparisons`` (``multipart/form-data``: ``list_status``, ``file`` = .xlsx/.csv): 201 with the findings;
- ``GET /comparisons``: the caller's latest; ``GET /comparisons/<id>``: one with its findings;
  ``GET /comparisons/<id>.xlsx``: the findings as a workbook;
- ``POST /comparisons/<id>/apply``: update the proposed 帮扶身份 changes (409 when already applied).

Staff and admins only (other roles: 403).
"""
from __future__ import annotations

from flask import request, send_file, url_for

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response
from app.api.openapi import doc
from app.api.schemas import ComparisonApplySchema, ComparisonSchema
from app.database import get_db
from models.actions import comparisons as actions
from models.placement.comparison import results_workbook

_LIST = ComparisonSchema(many=True, exclude=("rows",))


def _with_rows(batch: dict, rows: list[dict]) -> dict:
    return {**batch, "rows": rows}


@bp.post("/comparisons")
@roles_required("staff", "admin")
@doc("上传名单做数据比对（工作人员）", tags=("comparisons",), response=ComparisonSchema, status=201,
     errors=(403, 413, 422),
     description="multipart/form-data：list_status（脱贫享受政策人口 / 防止返贫监测对象）、file（.xlsx 或 .csv，"
                 "含“身份证号”“姓名”两列）。只与调用者负责范围内的求职者比对，不修改任何数据。")
def comparisons_create():
    """Compare an uploaded list with the platform; changes nothing until applied."""
    upload = request.files.get("file")
    db = get_db()
    summary = actions.run(db, current_user(), upload.filename if upload else "", upload.read() if upload else b"",
                          request.form.get("list_status", ""))
    return data_response(_with_rows(*actions.get(db, current_user(), summary.batch_id)), ComparisonSchema(),
                         status=201, headers={"Location": url_for("api.comparisons_get", batch_id=summary.batch_id)})


@bp.get("/comparisons")
@roles_required("staff", "admin")
@doc("数据比对记录（本人的最近 20 次；管理员为全部）", tags=("comparisons",), response=ComparisonSchema, many=True,
     errors=(403,))
def comparisons_list():
    """The caller's latest comparisons (admins: everyone's), newest first, without their findings."""
    return data_response(actions.list_batches(get_db(), current_user()), _LIST)


@bp.get("/comparisons/<int:batch_id>")
@roles_required("staff", "admin")
@doc("数据比对结果", tags=("comparisons",), response=ComparisonSchema, errors=(403, 404))
def comparisons_get(batch_id: int):
    """One comparison with its findings (masked ID numbers only)."""
    return data_response(_with_rows(*actions.get(get_db(), current_user(), batch_id)), ComparisonSchema())


@bp.get("/comparisons/<int:batch_id>.xlsx")
@roles_required("staff", "admin")
@doc("数据比对结果（Excel）", tags=("comparisons",), errors=(403, 404))
def comparisons_xlsx(batch_id: int):
    """One comparison's findings as a workbook (masked ID numbers only; text cells neutralised)."""
    batch, rows = actions.get(get_db(), current_user(), batch_id)
    return send_file(results_workbook(batch, rows), as_attachment=True, download_name=f"comparison_{batch_id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.post("/comparisons/<int:batch_id>/apply")
@roles_required("staff", "admin")
@doc("确认更新帮扶身份", tags=("comparisons",), response=ComparisonApplySchema, errors=(403, 404, 409))
def comparisons_apply(batch_id: int):
    """Apply the proposed 帮扶身份 changes to the workers the caller covers (each audit-logged)."""
    return data_response(actions.apply(get_db(), current_user(), batch_id), ComparisonApplySchema())
