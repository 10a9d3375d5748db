"""Actions on workers (求职者): how much of a worker an actor sees; the staff registry; registering and
editing a worker; seeking or not; the audited ID reveal; worker accounts.

One view for every door: a page and the API show an actor exactly :func:`view` of a worker — the fields of
``models.access.worker_visibility``'s level, computed here with the applications and placements that relate
the worker to the actor (:func:`related`).

The rules, each in one place:

- **Registry** (:func:`list_for`): staff see the workers they cover (``Scope.workers_sql``, filtered in the
  database); nobody else has a registry.
- **Register** (:func:`create_worker`): staff, for a worker whose 户籍区县 they cover (checked on the
  validated record, so 酉阳 and 酉阳土家族苗族自治县 are the same county); one 编号 per worker (an empty one
  is numbered ``S{yyyymmdd}-{n}``); one person per ID number (``DuplicateWorkerError``).
- **Edit** (:func:`edit_worker`): staff covering the worker as stored *and* as it would be after the edit (a
  county's staff cannot move a worker's 户籍 out of their counties); or the worker themself, for the fields of
  :data:`OWN_EDITABLE`. The stored ID number is kept unless a new one is given; 编号 never changes.
- **Seeking** (:func:`set_seeking`): the worker themself or staff covering them.
- **ID reveal** (:func:`reveal_id`): staff covering the worker, one number at a time, audited.
- **Account** (:func:`create_worker_account`): staff covering the worker open its one worker account.

A refusal is ``forbidden`` when the actor may see the worker (at any level) and ``not_found`` otherwise, so
nobody learns that a worker they may not see exists.
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import ActionError, conflict, forbidden, invalid, not_found
from models.hiring import applications as application_store
from models.intake.records import clean_worker
from models.intake.reference import county_by_code
from models.people import users
from models.people.workers import (
    FIELDS,
    get_worker,
    get_worker_by_external_id,
    list_workers,
    next_external_id,
    record_id_hash,
    reveal_id_number,
    set_worker_seeking,
    stored_id_number,
    upsert_worker,
)
from models.store.clock import today
from models.store.db import audit, transaction
from models.vocabulary import ASSISTANCE_STATUSES

#: The record fields staff edit (SCHEMA worker fields but the 编号).
STAFF_EDITABLE = ("name", "id_number", "phone", "gender", "birth_year", "hukou_province", "hukou_county",
                  "assistance_status", "education", "skills", "certificates", "experience", "desired_jobs",
                  "desired_cities", "expected_salary", "needs", "training_wanted")
#: The fields a worker edits on their own record (identity, 帮扶身份 and the ID number are staff's).
OWN_EDITABLE = ("name", "phone", "hukou_province", "hukou_county", "education", "skills", "certificates",
                "experience", "desired_jobs", "desired_cities", "expected_salary", "needs", "training_wanted")
#: Prefix of the 编号 given to a worker registered without one: ``S20260301-1``.
NEW_ID_PREFIX = "S{date:%Y%m%d}-"
NOT_FOUND = "找不到该求职者。"


# --- what an actor sees -----------------------------------------------------------------------------------

def related(db, actor: Any, worker: dict) -> bool:
    """The worker is the actor's business: they applied to, or were recommended for, a posting of the actor
    (the employer's own postings; for staff, postings in the staff member's cities), or they work, or worked,
    there (a placement with the employer; for staff, a placement in their cities). A declined recommendation
    does not count."""
    employer_id = access.own_employer_id(actor)
    if employer_id is not None:
        return application_store.related_to_employer(db, employer_id, worker["id"]) or db.execute(
            "SELECT 1 FROM placements WHERE worker_id = ? AND employer_id = ? LIMIT 1",
            (worker["id"], employer_id)).fetchone() is not None
    if access.is_staff(actor):
        scope = access.Scope.of(actor)
        where, params = scope.jobs_sql("j")
        if where == "1 = 0":
            return False
        if application_store.related_to_postings(db, where, params, worker["id"]):
            return True
        where, params = scope.cities_sql("p.city")
        return db.execute(f"SELECT 1 FROM placements p WHERE p.worker_id = ? AND {where} LIMIT 1",
                          [worker["id"], *params]).fetchone() is not None
    return False


def visibility(db, actor: Any, worker: dict) -> str:
    """The ``models.access`` visibility level of ``worker`` for ``actor``."""
    return access.worker_visibility(actor, worker, related=related(db, actor, worker))


def present(db, actor: Any, worker: dict) -> dict | None:
    """``worker`` as ``actor`` may see it (None when hidden): what every page and the API show."""
    return access.present_worker(worker, visibility(db, actor, worker))


def view(db, actor: Any, worker_id: int | None = None, *, external_id: str | None = None) -> dict:
    """One worker, by id or 编号, as the actor may see it; ``not_found`` when hidden or missing. The result
    carries ``visibility`` (the level) so a page knows what it shows."""
    worker = _find(db, worker_id, external_id)
    shown = _shown(db, actor, worker) if worker is not None else None
    if shown is None:
        raise not_found(NOT_FOUND, "worker_id" if worker_id is not None else "external_id")
    return shown


def _shown(db, actor: Any, worker: dict) -> dict | None:
    level = visibility(db, actor, worker)
    shown = access.present_worker(worker, level)
    if shown is not None:
        shown["visibility"] = level
    return shown


def candidates(db, actor: Any, job: dict, worker_ids: list[int]) -> list[dict]:
    """Ranked candidates (``worker_ids``, best first) of ``job`` as the actor may see each, with
    ``visibility``, ``applied`` (they applied or were recommended already) and ``may_recommend``. A worker
    the actor may not see at all (one who stopped seeking since the ranking) is left out."""
    applied = {a["worker_id"] for a in application_store.for_job(db, job["id"])}
    out = []
    for worker in filter(None, (get_worker(db, worker_id) for worker_id in worker_ids)):
        shown = _shown(db, actor, worker)
        if shown is not None:
            shown["applied"] = worker["id"] in applied
            shown["may_recommend"] = access.can_recommend(actor, worker, job)
            out.append(shown)
    return out


def _find(db, worker_id: int | None, external_id: str | None) -> dict | None:
    if worker_id is not None:
        return get_worker(db, worker_id)
    return get_worker_by_external_id(db, external_id or "")


def _refusal(db, actor: Any, worker: dict | None, message: str, field: str | None = None) -> ActionError:
    """``forbidden`` (with ``message``) when the actor may see the worker at all, else ``not_found``."""
    if worker is not None and visibility(db, actor, worker) != access.HIDDEN:
        return forbidden(message, field)
    return not_found(NOT_FOUND, "worker_id")


def counties_text(actor: Any) -> str:
    """The counties a staff member covers, as a person reads them (全部, 无, or their names)."""
    scope = access.Scope.of(actor)
    if scope.all_counties:
        return "全部区县"
    names = []
    for entry in sorted(scope.counties):
        county = county_by_code(entry) if entry.isdigit() else None
        names.append(f"{county.province}{county.name}" if county else entry)
    return "、".join(names) or "无（您的账号只负责山东城市的岗位）"


# --- the registry -----------------------------------------------------------------------------------------

def list_for(db, actor: Any, *, q: str | None = None, county: str | None = None, status: str | None = None,
             seeking: bool | None = None, limit: int = 20, offset: int = 0) -> tuple[list[dict], int]:
    """The registry: workers the staff member covers matching the filters (``models.people.workers.list_workers``),
    filtered in the database; (rows of this page, total). Rows carry everything but the full ID number."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看求职者名册。")
    if status and status not in ASSISTANCE_STATUSES:
        raise invalid(f"帮扶身份只能是：{'、'.join(ASSISTANCE_STATUSES)}。", "status")
    rows, total = list_workers(db, q=q or None, county=county or None, status=status or None, seeking=seeking,
                               limit=limit, offset=offset, where=access.Scope.of(actor).workers_sql("workers"))
    return [access.present_worker(r, access.FULL) for r in rows], total


def dossier(db, actor: Any, worker_id: int) -> dict:
    """A worker's file on the staff pages: ``worker`` (:func:`view`, with its ``visibility``) and, for staff
    covering the worker, ``account`` (the worker's sign-in, without its password hash). (The applications and
    placements on the file are ``models.actions.applications.list_for`` and ``placements.list_for``, scoped
    there.)"""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看求职者档案。")
    shown = view(db, actor, worker_id)
    account = users.user_for_worker(db, worker_id) if shown["visibility"] == access.FULL else None
    return {"worker": shown,
            "account": {"username": account["username"], "active": bool(account["active"])} if account else None}


def for_edit(db, actor: Any, worker_id: int | None = None, *, external_id: str | None = None) -> dict:
    """The stored worker (never the full ID) for an edit form: staff covering the worker, or the worker
    themself."""
    worker = _find(db, worker_id, external_id)
    if worker is None or not (access.is_own_worker(actor, worker) or access.can_edit_worker(actor, worker)):
        raise _refusal(db, actor, worker, "只有负责该求职者户籍区县的工作人员可以修改其信息。")
    return worker


# --- register and edit ------------------------------------------------------------------------------------

def _clean(raw: dict) -> dict:
    record, errors = clean_worker(raw)
    if record is None:
        first = errors[0]
        raise ActionError(first.message, field=first.field, kind="invalid",
                          errors=[(e.field, e.message) for e in errors])
    return record


def _strip(values: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}


def create_worker(db, actor: Any, raw: dict, *, via: str = "web") -> dict:
    """Register a worker from SCHEMA fields (text as typed, or values); returns the stored worker as the
    actor sees it. ``raw["external_id"]`` empty → the next ``S{yyyymmdd}-{n}``."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以登记求职者。")
    raw = _strip(dict(raw))
    seeking = raw.pop("seeking", None)
    for name in raw:
        if name not in ("external_id", *STAFF_EDITABLE):
            raise invalid("未知字段。", name)
    with transaction(db):
        external_id = raw.get("external_id")
        if not external_id:
            raw["external_id"] = next_external_id(db, NEW_ID_PREFIX.format(date=today()))
        elif get_worker_by_external_id(db, external_id) is not None:
            raise conflict(f"编号 {external_id} 已被使用，请换一个，或留空自动生成。", "external_id")
        record = _clean(raw)
        if not access.can_create_worker(actor, record):
            county = record.get("hukou_county")
            where = f"户籍区县“{county}”" if county else "没有填写户籍区县的求职者"
            raise forbidden(f"{where}不在您负责的范围（{counties_text(actor)}），不能登记；"
                            "请交给负责该区县的工作人员登记。", "hukou_county")
        upsert_worker(db, record)
        worker = get_worker_by_external_id(db, record["external_id"])
        audit(db, "worker.create", user_id=access.user_id(actor), entity="worker", entity_id=worker["id"],
              detail={"via": via, "external_id": worker["external_id"]})
        if seeking is not None:
            _set_seeking(db, actor, worker, bool(seeking), via)
    return _shown(db, actor, get_worker(db, worker["id"]))


def _merge(db, worker: dict, changes: dict) -> tuple[dict, bool]:
    """The stored record with ``changes`` applied, as ``clean_worker`` input; and whether a new ID number
    was given. An empty ID number keeps the stored one; a new one replaces the gender and birth year derived
    from the old one unless those were changed too."""
    raw = {f: worker.get(f) for f in STAFF_EDITABLE if f != "id_number" and worker.get(f) not in (None, "", [])}
    raw["external_id"] = worker["external_id"]
    new_number = changes.get("id_number") or None
    if new_number:
        for derived in ("gender", "birth_year"):
            if str(changes.get(derived) or "") in ("", str(worker.get(derived) or "")):
                raw.pop(derived, None)
                changes = {k: v for k, v in changes.items() if k != derived}
        raw["id_number"] = new_number
    else:
        raw["id_number"] = stored_id_number(db, worker["id"])
    raw.update({k: v for k, v in changes.items() if k != "id_number"})
    return {k: v for k, v in raw.items() if v is not None}, bool(new_number)


def edit_worker(db, actor: Any, worker_id: int | None = None, changes: dict | None = None, *,
                external_id: str | None = None, via: str = "web") -> dict:
    """Change a worker's record: ``changes`` holds the fields to change (SCHEMA names; ``seeking`` too).
    Returns the stored worker as the actor sees it."""
    changes = _strip(dict(changes or {}))
    with transaction(db):
        worker = for_edit(db, actor, worker_id, external_id=external_id)
        own = access.is_own_worker(actor, worker)
        if changes.get("external_id", worker["external_id"]) != worker["external_id"]:
            raise invalid("编号不可修改。", "external_id")
        changes.pop("external_id", None)
        seeking = changes.pop("seeking", None)
        allowed = OWN_EDITABLE if own else STAFF_EDITABLE
        for name in changes:
            if name not in allowed:
                if own and name in STAFF_EDITABLE:
                    raise forbidden("这一项请联系工作人员修改。", name)
                raise invalid("未知字段。", name)
        raw, new_number = _merge(db, worker, changes)
        record = _clean(raw)
        if not own and not access.can_edit_worker(actor, worker, record):
            raise forbidden(f"改为“{record.get('hukou_county') or '未填户籍区县'}”后，该求职者将不在您负责的范围"
                            f"（{counties_text(actor)}），不能这样改。户籍确有变化的，请交给负责新户籍区县的工作人员"
                            "或管理员修改。", "hukou_county")
        fields = sorted(f for f in FIELDS if f != "hukou_county_code" and record.get(f) != worker.get(f))
        if new_number and record_id_hash(record) != record_id_hash({"id_number": stored_id_number(db, worker["id"])}):
            fields.append("id_number")
        upsert_worker(db, record)
        if fields:
            audit(db, "worker.update", user_id=access.user_id(actor), entity="worker", entity_id=worker["id"],
                  detail={"via": via, "fields": fields})
        if seeking is not None:
            _set_seeking(db, actor, worker, bool(seeking), via)
    return _shown(db, actor, get_worker(db, worker["id"]))


def _set_seeking(db, actor: Any, worker: dict, seeking: bool, via: str) -> None:
    if bool(worker.get("seeking")) == seeking:
        return
    set_worker_seeking(db, worker["id"], seeking)
    audit(db, "worker.seeking", user_id=access.user_id(actor), entity="worker", entity_id=worker["id"],
          detail={"via": via, "seeking": seeking})


def set_seeking(db, actor: Any, worker_id: int, seeking: bool, *, via: str = "web") -> dict:
    """Mark the worker as looking for work or not (the worker themself, staff covering them)."""
    with transaction(db):
        worker = for_edit(db, actor, worker_id)
        _set_seeking(db, actor, worker, bool(seeking), via)
    return _shown(db, actor, get_worker(db, worker_id))


def add_certificate(db, actor: Any, worker_id: int, certificate: str, *, enrolment_id: int | None = None,
                    via: str = "web") -> dict:
    """Add one certificate (any wording; stored under its canonical name) to the worker's record, through the
    same validation and store as :func:`edit_worker`; nothing changes when the worker already holds it.

    Allowed for staff covering the worker, and for staff managing the course of ``enrolment_id`` when that
    enrolment is this worker's, is 已结业 and leads to this certificate (a Shandong school records its
    graduates' certificates; ``models.actions.training.complete`` calls this). Audited as ``worker.update``.
    Returns the stored worker as the actor sees it."""
    from models.intake.certificates import normalise_certificate

    name = normalise_certificate(certificate)
    with transaction(db):
        worker = _find(db, worker_id, None)
        if worker is None:
            raise not_found(NOT_FOUND)
        allowed = access.can_edit_worker(actor, worker)
        if not allowed and enrolment_id is not None:
            row = db.execute("SELECT e.worker_id, e.status, c.certificate, c.city, c.county FROM enrolments e"
                             " JOIN courses c ON c.id = e.course_id WHERE e.id = ?", (enrolment_id,)).fetchone()
            allowed = bool(row) and row[0] == worker["id"] and row[1] == "已结业" and row[2] == name \
                and access.can_manage_course(actor, {"city": row[3], "county": row[4]})
        if not allowed:
            raise _refusal(db, actor, worker, "只有负责该求职者的工作人员（或其结业课程的培训负责人）可以登记证书。",
                           "certificates")
        held = list(worker.get("certificates") or [])
        if name in {normalise_certificate(c) for c in held}:
            return _shown(db, actor, worker)
        raw, _ = _merge(db, worker, {"certificates": [*held, name]})
        upsert_worker(db, _clean(raw))
        audit(db, "worker.update", user_id=access.user_id(actor), entity="worker", entity_id=worker["id"],
              detail={"via": via, "fields": ["certificates"], "certificate": name,
                      **({"enrolment_id": enrolment_id} if enrolment_id else {})})
    return _shown(db, actor, get_worker(db, worker["id"]))


# --- the full ID number and the account -------------------------------------------------------------------

def reveal_id(db, actor: Any, worker_id: int | None = None, *, external_id: str | None = None,
              via: str = "web") -> str | None:
    """The worker's full resident ID number for staff covering them, written to the audit log; None when
    none is on file."""
    worker = _find(db, worker_id, external_id)
    if worker is None or not access.can_reveal_id(actor, worker):
        raise _refusal(db, actor, worker, "只有负责该求职者户籍区县的工作人员可以查看完整身份证号。", "id_number")
    with transaction(db):
        return reveal_id_number(db, worker["id"], access.user_id(actor), via=via)


def create_worker_account(db, actor: Any, worker_id: int | None = None, *, external_id: str | None = None,
                          username: str | None = None, password: str) -> dict:
    """Open the worker's sign-in (staff covering the worker); the login name defaults to the worker's phone.
    Returns ``{"user_id", "username", "worker_id"}``."""
    with transaction(db):
        worker = _find(db, worker_id, external_id)
        if worker is None or not access.can_edit_worker(actor, worker):
            raise _refusal(db, actor, worker, "只有负责该求职者户籍区县的工作人员可以为其开通账号。")
        existing = users.user_for_worker(db, worker["id"])
        if existing is not None:
            raise conflict(f"该求职者已经有账号（登录名 {existing['username']}）。", "username")
        username = (username or "").strip() or (worker.get("phone") or "")
        if not username:
            raise invalid("请填写登录名：该求职者没有登记手机号。", "username")
        user_id = users.create_user(db, username, password, "worker", display_name=worker["name"],
                                    phone=worker.get("phone"), worker_id=worker["id"],
                                    created_by=access.user_id(actor))
    return {"user_id": user_id, "username": username, "worker_id": worker["id"]}
