"""Actions on postings (岗位): the scoped reads — one posting, a list of postings — that the staff pages
share with every other door, and the writes: create, edit, close (停止招聘 or 已招满) and reopen.

- **Who posts**: an employer, for its own employer only (the employer's name and credit code are taken from
  its account, whatever the input says); staff, for any employer, in a city they cover
  (``models.access.can_create_job``). A posting is validated by ``models.intake.records.clean_job`` — the
  same rules as a ledger row — and its 编号 is unique (``conflict``).
- **Who changes a posting** (edit, close, reopen): its employer, and staff covering its city before and after
  the change (``models.access.can_edit_job``). The 编号 and the employer never change.
- **Who sees a posting** (``models.access.can_view_job``): an open posting, every signed-in user; a closed or
  filled one, its employer and staff covering its city. Lists apply the same rule in the database
  (:func:`visible_sql`), so a page of results is a page of what the actor may see.

A posting the actor may not see is ``not_found``.
"""
from __future__ import annotations

import re
from typing import Any

from models import access
from models.errors import ActionError, conflict, forbidden, invalid, not_found
from models.hiring import jobs as store
from models.intake.records import clean_job
from models.people.employers import get_employer
from models.store.db import audit, transaction
from models.vocabulary import JOB_STATUSES

#: Statuses a posting is closed with: 停止招聘 and 已招满.
CLOSED_STATUSES = ("closed", "filled")
#: The record fields a posting's editor may change (the 编号 and the employer are fixed).
EDITABLE = ("title", "description", "city", "district", "salary_min", "salary_max", "headcount", "age_min",
            "age_max", "education_min", "required_certificates", "skills", "benefits")

# --- reads ------------------------------------------------------------------------------------------------

def visible_sql(actor: Any, j: str = "j") -> tuple[str, list]:
    """WHERE fragment (posting alias ``j``) for the postings ``actor`` may see: open ones, plus the closed
    ones of their own employer (employers) or in their cities (staff)."""
    if access.role(actor) is None:
        raise forbidden("请先登录。")
    employer_id = access.own_employer_id(actor)
    if employer_id is not None:
        return f"({j}.status = 'open' OR {j}.employer_id = ?)", [employer_id]
    if access.is_staff(actor):
        where, params = access.Scope.of(actor).jobs_sql(j)
        return f"({j}.status = 'open' OR {where})", params
    return f"{j}.status = 'open'", []


def _visible(actor: Any, job: dict | None) -> dict:
    if job is None or not access.can_view_job(actor, job):
        raise not_found("找不到该岗位，或它已停止招聘。", "job_id")
    return job


def get(db, actor: Any, job_id: int) -> dict:
    """One posting the actor may see (``not_found`` otherwise)."""
    return _visible(actor, store.get_job(db, job_id))


def get_by_external_id(db, actor: Any, external_id: str) -> dict:
    """The posting with this 编号, if the actor may see it."""
    return _visible(actor, store.get_job_by_external_id(db, external_id))


def list_for(db, actor: Any, *, status: str | None = None, city: str | None = None, q: str | None = None,
             employer_id: int | None = None, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """The postings ``actor`` may see, newest first, filtered in the database: (rows of this page, total).
    ``employer_id`` narrows to one employer's postings (an employer's own list)."""
    if status is not None and status not in JOB_STATUSES:
        raise invalid(f"岗位状态只能是：{'、'.join(JOB_STATUSES)}。", "status")
    if status not in (None, "open") and not (access.is_staff(actor) or access.own_employer_id(actor)):
        raise forbidden("只能查看招聘中的岗位。", "status")
    return store.list_jobs(db, status=status, city=city, q=q, employer_id=employer_id, limit=limit,
                           offset=offset, where=visible_sql(actor))


# --- writes -----------------------------------------------------------------------------------------------

def _clean(raw: dict) -> dict:
    """``clean_job`` as an action: every failed field in one ``invalid`` error."""
    record, errors = clean_job(raw)
    if errors or record is None:
        pairs = [(e.field, e.message) for e in errors] or [(None, "岗位数据校验未通过。")]
        raise ActionError(pairs[0][1], field=pairs[0][0], kind="invalid", errors=pairs)
    return record


def next_external_id(db, employer_id: int) -> str:
    """``E{employer_id}-{n}``: the next free posting number of an employer (postings made on a page)."""
    prefix = f"E{employer_id}-"
    numbers = [int(m.group(1)) for (ext,) in db.execute(
        "SELECT external_id FROM jobs WHERE external_id LIKE ?", (prefix + "%",)).fetchall()
        if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", ext))]
    n = max(numbers, default=0) + 1
    while store.get_job_by_external_id(db, f"{prefix}{n}") is not None:
        n += 1
    return f"{prefix}{n}"


def create(db, actor: Any, raw: dict, *, via: str = "page") -> dict:
    """Post a new posting from ``raw`` (the fields of a ledger row: ``employer_name``, ``external_id`` —
    made up for an employer when missing — ``title``, ``city`` …); returns the stored posting (open)."""
    raw = {k: v for k, v in raw.items() if v is not None}
    employer_id = access.own_employer_id(actor)
    if employer_id is not None:
        employer = get_employer(db, employer_id)
        if employer is None:
            raise not_found("该账号没有关联用人单位。", "employer_name")
        if raw.get("employer_name") not in (None, "", employer["name"]):
            raise forbidden("只能以本单位名义发布岗位。", "employer_name")
        raw["employer_name"] = employer["name"]
        raw.pop("employer_credit_code", None)
        if employer.get("credit_code"):
            raw["employer_credit_code"] = employer["credit_code"]
        raw.setdefault("external_id", next_external_id(db, employer_id))
    elif access.is_staff(actor):
        if not str(raw.get("employer_name") or "").strip():
            raise invalid("请填写用人单位。", "employer_name")
    else:
        raise forbidden("只有用人单位和工作人员可以发布岗位。")
    raw.setdefault("status", "open")
    record = _clean(raw)
    if not access.can_create_job(actor, record):
        raise forbidden("该岗位不在您负责的城市范围内。", "city")
    with transaction(db):
        if store.get_job_by_external_id(db, record["external_id"]) is not None:
            raise conflict("该编号的岗位已存在。", "external_id")
        job_id = store.save_job(db, record)
        audit(db, "job.create", user_id=access.user_id(actor), entity="job", entity_id=job_id,
              detail={"via": via, "external_id": record["external_id"]})
    return store.get_job(db, job_id)


def for_edit(db, actor: Any, job_id: int) -> dict:
    """The posting, if ``actor`` may change it (``not_found`` when they may not see it, ``forbidden`` when
    they may see it but it is not theirs)."""
    return _editable(db, actor, job_id)


def _editable(db, actor: Any, job_id: int) -> dict:
    job = get(db, actor, job_id)
    if not access.can_edit_job(actor, job):
        raise forbidden("只能修改本单位发布的岗位。")
    return job


def edit(db, actor: Any, job_id: int, changes: dict, *, via: str = "page") -> dict:
    """Change the fields in ``changes`` (:data:`EDITABLE` and ``status``; the rest keep their values); the
    whole posting is validated again. Returns the stored posting."""
    job = _editable(db, actor, job_id)
    if changes.get("external_id") not in (None, job["external_id"]):
        raise invalid("编号不可修改。", "external_id")
    if changes.get("employer_name") not in (None, job.get("employer_name")):
        raise invalid("用人单位不可修改。", "employer_name")
    merged = {f: job.get(f) for f in EDITABLE if job.get(f) not in (None, "", [])}
    merged.update({k: v for k, v in changes.items() if k in EDITABLE})
    merged.update(external_id=job["external_id"], employer_name=job["employer_name"],
                  status=changes.get("status") or job["status"])
    if job.get("employer_credit_code"):
        merged["employer_credit_code"] = job["employer_credit_code"]
    record = _clean({k: v for k, v in merged.items() if v is not None})
    if not access.can_edit_job(actor, job, record):
        raise forbidden("修改后的岗位不在您负责的城市范围内。", "city")
    with transaction(db):
        store.save_job(db, record, job["id"])
        audit(db, "job.update", user_id=access.user_id(actor), entity="job", entity_id=job["id"],
              detail={"via": via, "fields": sorted(k for k in changes if k in (*EDITABLE, "status"))})
    return store.get_job(db, job["id"])


def _set_status(db, actor: Any, job_id: int, status: str, action: str, via: str) -> dict:
    with transaction(db):
        job = _editable(db, actor, job_id)
        if job["status"] != status:
            store.set_job_status(db, job["id"], status)
            audit(db, action, user_id=access.user_id(actor), entity="job", entity_id=job["id"],
                  detail={"via": via, "from": job["status"], "to": status})
    return store.get_job(db, job["id"])


def close(db, actor: Any, job_id: int, status: str = "closed", *, via: str = "page") -> dict:
    """Close a posting: 停止招聘 (``closed``) or 已招满 (``filled``); it leaves every match list at once."""
    if status not in CLOSED_STATUSES:
        raise invalid("停招原因只能是“停止招聘”或“已招满”。", "status")
    return _set_status(db, actor, job_id, status, "job.close", via)


def reopen(db, actor: Any, job_id: int, *, via: str = "page") -> dict:
    """Open a closed or filled posting again."""
    return _set_status(db, actor, job_id, "open", "job.reopen", via)
