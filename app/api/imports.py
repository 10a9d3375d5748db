"""``/api/v1/imports``: ledger imports (the HTTP mirror of ``flask import workers|jobs FILE``, SCHEMA.md).

The same actions as the staff import page (``models.actions.imports``): every row is checked against the
caller's scope as well as the SCHEMA rules, and a report is seen by the staff member who ran it and admins.

- ``POST /imports`` (``multipart/form-data``: ``kind`` = workers | jobs, ``file`` = .xlsx/.csv/.jsonl):
  201 with the report (counts and every rejected row: row number, field, Chinese reason); 422 naming
  ``file`` or ``kind`` when the file as a whole cannot be imported. With ``?background=1`` (big ledgers) the
  import runs in the background: 202 at once with the batch, whose ``Location`` shows ``done_rows`` of
  ``total_rows`` until its ``status`` is ``done`` (or ``failed`` with ``error``).
- ``GET /imports``: the caller's latest reports, newest first; ``GET /imports/<id>``: one with its rejections
  and its ``status`` (a batch whose run was killed is ``interrupted``, with the counts it committed);
- ``POST /imports/<id>/rerun``: import an interrupted batch's kept upload again (201, the new batch; 409 when
  it is not interrupted or kept no file).

Staff and admins only (other roles: 403).
"""
from __future__ import annotations

from flask import request, url_for

from app import import_jobs
from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response
from app.api.openapi import doc
from app.api.schemas import ImportBatchSchema
from app.database import get_db
from models.actions import imports as actions

_LIST = ImportBatchSchema(many=True, exclude=("rejections",))


@bp.post("/imports")
@roles_required("staff", "admin")
@doc("导入台账（工作人员）", tags=("imports",), response=ImportBatchSchema, status=201, errors=(403, 413, 422),
     description="multipart/form-data：kind（workers 求职者台账 / jobs 岗位台账）、file（.xlsx、.csv 或 .jsonl）。"
                 "每一行都按调用者的负责范围检查：范围外的行不导入，并在报告中写明行号、字段和原因。"
                 "加 ?background=1 时在后台导入：立即返回 202 和批次（status 为 queued/running），"
                 "用 Location 查询进度（done_rows / total_rows）直到 done。")
def imports_create():
    """Import an uploaded ledger; the answer is its report."""
    upload = request.files.get("file")
    db = get_db()
    background = request.args.get("background") == "1"
    batch_id = actions.import_upload(db, current_user(), request.form.get("kind", ""),
                                     upload.filename if upload else None, upload.read() if upload else b"",
                                     background=import_jobs.submit if background else None)
    return data_response(actions.get_batch(db, current_user(), batch_id), ImportBatchSchema(),
                         status=202 if background else 201,
                         headers={"Location": url_for("api.imports_get", batch_id=batch_id)})


@bp.get("/imports")
@roles_required("staff", "admin")
@doc("导入记录列表（本人的最近 50 次；管理员为全部）", tags=("imports",), response=ImportBatchSchema, many=True,
     errors=(403,))
def imports_list():
    """The caller's latest import reports (admins: everyone's), newest first, without their rejections."""
    return data_response(actions.list_batches(get_db(), current_user(), limit=50), _LIST)


@bp.get("/imports/<int:batch_id>")
@roles_required("staff", "admin")
@doc("导入报告", tags=("imports",), response=ImportBatchSchema, errors=(403, 404))
def imports_get(batch_id: int):
    """One import report with every rejected row (the caller's own; admins: any)."""
    return data_response(actions.get_batch(get_db(), current_user(), batch_id), ImportBatchSchema())


@bp.post("/imports/<int:batch_id>/rerun")
@roles_required("staff", "admin")
@doc("重新运行中断的导入", tags=("imports",), response=ImportBatchSchema, status=201, errors=(403, 404, 409),
     description="用保留的上传文件重新导入一个中断（interrupted）的批次，结果是一个新批次；已导入的行不会重复。")
def imports_rerun(batch_id: int):
    """Re-run an interrupted import from its kept upload; the answer is the new batch's report."""
    db = get_db()
    new_id = actions.rerun(db, current_user(), batch_id)
    return data_response(actions.get_batch(db, current_user(), new_id), ImportBatchSchema(), status=201,
                         headers={"Location": url_for("api.imports_get", batch_id=new_id)})
