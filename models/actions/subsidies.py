"""Actions on subsidies (补贴): the per-placement list of what is due, claimed and paid, marking a claim handed
in and marking it paid, the workbook, and a worker's own "which subsidies, from when".

The rules, each in one place:

- **Lists and the workbook** (:func:`list_for`, :func:`workbook`): staff, admins and ``SYSTEM``, within their
  scope (the placements ``models.access.Scope`` covers: the worker's county or the placement's city). Rows
  carry masked ID numbers only.
- **Mark claimed** (:func:`mark_claimed`): staff covering the placement, once it qualifies (the subsidy's rule
  of ``data/subsidies.toml``: status, hukou, months confirmed by a follow-up); once per subsidy and placement;
  never next to a subsidy it cannot be combined with that is already claimed.
- **Mark paid** (:func:`mark_paid`): staff covering the placement, for a claim already handed in; the amount is
  the one given, else the configured one for the worker's province or county (one of them is required).
- **The worker's own** (:func:`for_worker`): the worker themself and staff covering the worker
  (``models.programme.subsidies.eligible_for``).

Both writes are audited (``subsidy.claimed``, ``subsidy.paid``) in the transaction that writes them.
"""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from models import access
from models.actions import placements as placement_actions
from models.errors import conflict, forbidden, invalid, not_found
from models.people.workers import get_worker
from models.placement.placements import follow_ups_for, parse_date, placement_state
from models.programme import subsidies as store
from models.store import clock
from models.store.db import transaction
from models.vocabulary import SUBSIDY_STATES

#: The workbook's columns: (row key, header).
HEADERS = [("subsidy_name", "补贴"), ("name", "姓名"), ("id_masked", "身份证号（脱敏）"),
           ("hukou_province", "户籍省份"), ("hukou_county", "户籍区县"), ("assistance_status", "帮扶身份"),
           ("employer_name", "用人单位"), ("city", "工作城市"), ("title", "岗位"), ("start_date", "入职日期"),
           ("due_from", "可申领日期"), ("confirmed_on", "最近确认在岗日期"), ("state_label", "状态"),
           ("amount_yuan", "金额（元）"), ("claimed_on", "申领日期"), ("paid_on", "发放日期"), ("payer", "发放单位")]


def _scope_where(actor: Any) -> tuple[str, list]:
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看补贴名单。")
    where, params = access.Scope.of(actor).placements_sql("p", "w")
    return where, list(params)


def _subsidy(key: str | None) -> store.Subsidy:
    subsidy = store.catalogue().get((key or "").strip())
    if subsidy is None:
        raise invalid(f"没有这项补贴：{key or '（空）'}（可选：{'、'.join(s.key for s in store.catalogue())}）。",
                      "subsidy_key")
    return subsidy


def list_for(db, actor: Any, *, key: str | None = None, state: str | None = None) -> list[dict]:
    """Per placement the actor covers and per subsidy: due, claimed, paid or excluded rows."""
    where, params = _scope_where(actor)
    if key:
        _subsidy(key)
    if state and state not in SUBSIDY_STATES:
        raise invalid("状态只能是：" + "、".join(store.STATE_LABELS[s] for s in SUBSIDY_STATES) + "。", "state")
    return store.status_rows(db, clock.today(), where, params, key=key or None, state=state or None)


def workbook(db, actor: Any, *, key: str | None = None, state: str | None = None) -> io.BytesIO:
    """:func:`list_for` as an .xlsx workbook (one sheet, masked ID numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = list_for(db, actor, key=key, state=state)
    wb = Workbook()
    ws = wb.active
    ws.title = "补贴名单"
    scope = f"{_subsidy(key).name}" if key else "全部补贴"
    ws.append([f"{scope}：应发、已申领、已发放名单（截至 {clock.today().isoformat()}）"])
    ws.append([label for _, label in HEADERS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(k) for k, _ in HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def _covered_placement(db, actor: Any, placement_id: int) -> dict:
    placement = placement_actions.get(db, actor, placement_id)
    if not access.can_follow_up(actor, placement):
        raise forbidden("只有负责该就业记录的工作人员可以登记补贴申领和发放。")
    return placement


def _amount(value: int | str | None, field: str = "amount_yuan") -> int | None:
    if value is None or value == "":
        return None
    try:
        amount = int(str(value).strip())
    except ValueError:
        raise invalid(f"金额应是整数（元）：{value}", field) from None
    if amount <= 0 or amount > 100000:
        raise invalid("金额应在 1 到 100000 元之间。", field)
    return amount


def _day(value: date | str | None, field: str) -> date:
    day = parse_date(value, field) or clock.today()
    if day > clock.today():
        raise invalid("日期不能晚于今天。", field)
    return day


def mark_claimed(db, actor: Any, placement_id: int, subsidy_key: str, *, claimed_on: date | str | None = None,
                 amount_yuan: int | str | None = None, note: str | None = None) -> dict:
    """The worker (or employer) handed in the claim for ``subsidy_key`` on this placement; returns its row."""
    subsidy = _subsidy(subsidy_key)
    amount = _amount(amount_yuan)
    day = _day(claimed_on, "claimed_on")
    with transaction(db):
        placement = _covered_placement(db, actor, placement_id)
        claims = store.claims_for(db, [placement_id])
        if (placement_id, subsidy.key) in claims:
            raise conflict(f"该就业记录已登记过{subsidy.name}的申领。", "subsidy_key")
        state = placement_state(placement, follow_ups_for(db, placement_id), clock.today())
        ok, reason = subsidy.qualifies(placement, state)
        if not ok:
            raise conflict(f"还不能申领{subsidy.name}：{reason}。", "subsidy_key")
        blocked = [store.catalogue().get(k).name for k in sorted(subsidy.cannot_combine)
                   if (placement_id, k) in claims]
        if blocked:
            raise conflict(f"{subsidy.name}不能与已申领的{'、'.join(blocked)}同时享受。", "subsidy_key")
        store.record_claim(db, placement, subsidy, claimed_on=day, amount_yuan=amount,
                           note=(note or "").strip()[:200] or None, user_id=access.user_id(actor))
    return _row(db, actor, placement_id, subsidy.key)


def mark_paid(db, actor: Any, placement_id: int, subsidy_key: str, *, paid_on: date | str | None = None,
              amount_yuan: int | str | None = None) -> dict:
    """The claim was paid out on ``paid_on``; returns its row."""
    subsidy = _subsidy(subsidy_key)
    amount = _amount(amount_yuan)
    day = _day(paid_on, "paid_on")
    with transaction(db):
        placement = _covered_placement(db, actor, placement_id)
        claim = store.claims_for(db, [placement_id]).get((placement_id, subsidy.key))
        if claim is None:
            raise conflict(f"尚未登记{subsidy.name}的申领，请先登记申领。", "subsidy_key")
        if claim["status"] == "paid":
            raise conflict(f"{subsidy.name}已于 {claim['paid_on']} 登记发放。", "subsidy_key")
        if day < parse_date(claim["claimed_on"]):
            raise invalid(f"发放日期不能早于申领日期（{claim['claimed_on']}）。", "paid_on")
        amount = amount or claim["amount_yuan"] or subsidy.amount_for(placement["hukou_province"],
                                                                      placement["hukou_county"])
        if amount is None:
            raise invalid("该补贴没有配置当地金额，请填写实际发放金额（元）。", "amount_yuan")
        store.record_paid(db, claim, paid_on=day, amount_yuan=amount, user_id=access.user_id(actor))
    return _row(db, actor, placement_id, subsidy.key)


def _row(db, actor: Any, placement_id: int, key: str) -> dict:
    where, params = _scope_where(actor)
    rows = store.status_rows(db, clock.today(), f"{where} AND p.id = ?", [*params, placement_id], key=key)
    return rows[0]


def for_placement(db, actor: Any, placement_id: int) -> list[dict]:
    """The subsidy rows of one placement the actor covers (the placement page)."""
    where, params = _scope_where(actor)
    placement_actions.get(db, actor, placement_id)
    return store.status_rows(db, clock.today(), f"{where} AND p.id = ?", [*params, placement_id])


def for_worker(db, actor: Any, worker_id: int) -> list[dict]:
    """``eligible_for`` the worker: for the worker themself and staff covering them."""
    worker = get_worker(db, worker_id)
    if worker is None or not (access.is_own_worker(actor, worker) or access.staff_covers_worker(actor, worker)):
        raise not_found("找不到该求职者。", "worker_id")
    return store.eligible_for(db, worker_id)
