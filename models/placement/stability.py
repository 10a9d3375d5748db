"""Stability signals: risk of leaving, employer retention, and transport-subsidy eligibility.

All three read placement states from ``models.placement.placements.placement_state`` and their numbers from
``models.placement.stability_rules``. ``recompute`` stores a nightly snapshot (``placement_risk``,
``employer_retention`` tables) so pages and the matching engine read it cheaply;
``employer_retention(db)`` is the optional stability signal offered to ``matching.service``.

Lists of people and per-employer tables take the ``models.access.Scope`` to filter by as a required
argument; the programme-wide figures (risk context, the matching signal, the nightly snapshot) say
``EVERYTHING`` where they mean it.
"""
from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from models.access import EVERYTHING, Scope
from models.placement import stability_rules as R
from models.placement.placements import PlacementState, add_months, end_placement, parse_date, with_states
from models.programme import subsidies
from models.programme.subsidies import Subsidy
from models.store import clock
from models.store.db import transaction, utcnow


# --- risk ---------------------------------------------------------------------------------------------------
@dataclass
class Risk:
    score: int
    level: str                      # 高 | 中 | 低
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class RiskContext:
    """What risk needs beyond one placement: employer retention and each worker's earlier placements."""

    today: date
    retention: dict[int, Retention]
    history: dict[int, list[tuple[date, date | None]]]     # worker_id -> [(start, end)]

    @classmethod
    def build(cls, db: sqlite_utils.Database, today: date, *, live: bool = False) -> RiskContext:
        """Employer retention from the nightly snapshot when there is one (``live=False``), else computed."""
        history = _history(db)
        retention = {} if live else {
            row[0]: Retention(*row) for row in db.execute(
                "SELECT employer_id, known_3, stable_3, known_6, stable_6 FROM employer_retention")}
        return cls(today, retention or retention_by_employer(db, today, EVERYTHING), history)


def _history(db: sqlite_utils.Database) -> dict[int, list[tuple[date, date | None]]]:
    history: dict[int, list[tuple[date, date | None]]] = {}
    for worker_id, start, end in db.execute("SELECT worker_id, start_date, end_date FROM placements"):
        history.setdefault(worker_id, []).append((parse_date(start), parse_date(end)))
    return history


def risk_for(placement: dict, state: PlacementState, context: RiskContext) -> Risk:
    """Risk of leaving for one placement still in work, with its reasons (weights: ``stability_rules``)."""
    if state.status != "在岗":
        return Risk(0, "—", ["已离职"])
    score, reasons = 0, []
    last = state.last_follow_up or {}
    if last.get("might_leave"):
        score += R.RISK_MIGHT_LEAVE
        reasons.append(f"{last['date']} 回访时表示可能离职")
    satisfaction = last.get("satisfaction")
    if satisfaction is not None and int(satisfaction) <= 2:
        score += R.RISK_LOW_SATISFACTION
        reasons.append(f"满意度低（{satisfaction}/5）")
    elif satisfaction is not None and int(satisfaction) == 3:
        score += R.RISK_MID_SATISFACTION
        reasons.append("满意度一般（3/5）")
    if state.overdue_days > 0:
        points = min(R.RISK_OVERDUE_MAX, R.RISK_OVERDUE + R.RISK_OVERDUE_PER_WEEK * (state.overdue_days // 7))
        score += points
        reasons.append(f"{state.next_months}个月回访已逾期 {state.overdue_days} 天")
    start = parse_date(placement["start_date"])
    short = sum(1 for s, e in context.history.get(placement["worker_id"], [])
                if s < start and e is not None and (e - s).days < R.SHORT_JOB_DAYS)
    if short:
        score += min(R.RISK_SHORT_JOB_MAX, R.RISK_SHORT_JOB * short)
        reasons.append(f"此前有 {short} 份工作不到 3 个月就离职")
    retention = context.retention.get(placement.get("employer_id"))
    if retention and retention.known_3 >= R.RISK_EMPLOYER_MIN_KNOWN and retention.rate_3 is not None \
            and retention.rate_3 < R.RISK_EMPLOYER_BELOW:
        # Scaled: an employer keeping nobody adds the full weight, one at the threshold adds none.
        points = round(R.RISK_EMPLOYER * (R.RISK_EMPLOYER_BELOW - retention.rate_3) / R.RISK_EMPLOYER_BELOW)
        score += max(points, 1)
        reasons.append(f"该单位 3 个月留存率仅 {retention.rate_3:.0%}（{retention.stable_3}/{retention.known_3}）")
    score = max(0, min(100, score))
    level = "高" if score >= R.RISK_HIGH else "中" if score >= R.RISK_MEDIUM else "低"
    return Risk(score, level, reasons)


def risks(db: sqlite_utils.Database, today: date, scope: Scope) -> list[tuple[dict, PlacementState, Risk]]:
    """Every placement in work in ``scope`` with its risk, highest first."""
    where, params = scope.placements_sql()
    context = RiskContext.build(db, today)
    out = []
    for placement, state in with_states(db, today, f"p.status = '在岗' AND {where}", params):
        if state.status == "在岗":
            out.append((placement, state, risk_for(placement, state, context)))
    out.sort(key=lambda t: (-t[2].score, t[0]["id"]))
    return out


# --- employer retention -------------------------------------------------------------------------------------
@dataclass
class Retention:
    """Known outcomes at 3 and 6 months for one employer's placements."""

    employer_id: int
    known_3: int = 0
    stable_3: int = 0
    known_6: int = 0
    stable_6: int = 0

    @property
    def rate_3(self) -> float | None:
        return self.stable_3 / self.known_3 if self.known_3 else None

    @property
    def rate_6(self) -> float | None:
        return self.stable_6 / self.known_6 if self.known_6 else None


def outcome_at(placement: dict, state: PlacementState, months: int) -> bool | None:
    """Still employed at ``months``? True (confirmed), False (left before), None (not yet / not known)."""
    due = add_months(parse_date(placement["start_date"]), months)
    if state.is_stable(months):
        return True
    if state.left_on and state.left_on < due:
        return False
    return None


def retention_by_employer(db: sqlite_utils.Database, today: date, scope: Scope) -> dict[int, Retention]:
    """Retention computed live from the placements in ``scope`` with an employer on the platform.

    A placement counts at N months once its outcome is known: confirmed still employed on/after the
    N-month date, or left before it. Placements whose N-month follow-up has not happened are left out
    (they are neither a success nor a failure yet).
    """
    where, params = scope.placements_sql()
    table: dict[int, Retention] = {}
    for placement, state in with_states(db, today, f"p.employer_id IS NOT NULL AND {where}", params):
        ret = table.setdefault(placement["employer_id"], Retention(placement["employer_id"]))
        for months in (3, 6):
            outcome = outcome_at(placement, state, months)
            if outcome is None:
                continue
            setattr(ret, f"known_{months}", getattr(ret, f"known_{months}") + 1)
            setattr(ret, f"stable_{months}", getattr(ret, f"stable_{months}") + int(outcome))
    return table


def employer_retention(db: sqlite_utils.Database, today: date | None = None, *, live: bool = False
                       ) -> dict[int, float]:
    """Share of each employer's placements still employed at 3 months: ``{employer_id: 0..1}``.

    The optional stability signal for ``matching.service.jobs_for_worker(..., stability=...)``. Only
    employers with at least ``RETENTION_MIN_KNOWN`` known outcomes appear. Reads the nightly snapshot when
    there is one (``live=False``), else computes it.
    """
    rows = [] if live else db.execute("SELECT employer_id, known_3, stable_3 FROM employer_retention").fetchall()
    if rows:
        return {e: s / k for e, k, s in rows if k >= R.RETENTION_MIN_KNOWN}
    table = retention_by_employer(db, today or clock.today(), EVERYTHING)
    return {e: r.rate_3 for e, r in table.items() if r.known_3 >= R.RETENTION_MIN_KNOWN}


def retention_table(db: sqlite_utils.Database, today: date, scope: Scope) -> list[dict]:
    """Per employer, from the placements in ``scope``: name, placements, known/stable at 3 and 6 months and
    the rates — for the staff page."""
    where, params = scope.placements_sql()
    names = dict(db.execute("SELECT id, name FROM employers"))
    counts = dict(db.execute("SELECT p.employer_id, COUNT(*) FROM placements p JOIN workers w ON w.id = p.worker_id"
                             f" WHERE p.employer_id IS NOT NULL AND {where} GROUP BY p.employer_id", params))
    out = []
    for emp_id, r in retention_by_employer(db, today, scope).items():
        out.append({"employer_id": emp_id, "name": names.get(emp_id, "?"), "placements": counts.get(emp_id, 0),
                    "known_3": r.known_3, "stable_3": r.stable_3, "rate_3": r.rate_3,
                    "known_6": r.known_6, "stable_6": r.stable_6, "rate_6": r.rate_6})
    out.sort(key=lambda d: (d["rate_3"] if d["rate_3"] is not None else 2, -d["placements"]))
    return out


def recompute(db: sqlite_utils.Database, today: date) -> dict:
    """Nightly: store every placement's risk and every employer's retention; return counts.

    Also keeps ``placements.status`` in step with the state rule (a placement whose follow-ups say the
    worker left but whose row still says 在岗 is ended, which re-queues the worker).
    """
    fixed = 0
    for placement, state in with_states(db, today, "p.status = '在岗'"):
        if state.status == "离职":
            end_placement(db, placement["id"], end_date=state.left_on, reason=state.leave_reason)
            fixed += 1
    at = utcnow()
    retention = retention_by_employer(db, today, EVERYTHING)
    where = "p.status = '在岗'"
    context = RiskContext(today, retention, _history(db))
    scored = [(p, s, risk_for(p, s, context)) for p, s in with_states(db, today, where) if s.status == "在岗"]
    with transaction(db) as conn:
        conn.execute("DELETE FROM placement_risk")
        conn.executemany(
            "INSERT INTO placement_risk (placement_id, score, level, reasons, computed_at) VALUES (?, ?, ?, ?, ?)",
            [(p["id"], r.score, r.level, json.dumps(r.reasons, ensure_ascii=False), at) for p, _, r in scored])
        conn.execute("DELETE FROM employer_retention")
        conn.executemany(
            "INSERT INTO employer_retention (employer_id, known_3, stable_3, known_6, stable_6, computed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(r.employer_id, r.known_3, r.stable_3, r.known_6, r.stable_6, at) for r in retention.values()])
    return {"risks": len(scored), "high": sum(1 for *_, r in scored if r.level == "高"),
            "employers": len(retention), "status_fixed": fixed}


# --- transport subsidy --------------------------------------------------------------------------------------
def confirmed_months_at_least(placement: dict, state: PlacementState, months: int) -> bool:
    """Confirmed continued work of at least ``months``: a still-employed follow-up on/after start+months."""
    latest = state.extra.get("latest_confirmation")
    return bool(latest) and parse_date(latest) >= add_months(parse_date(placement["start_date"]), months)


def subsidy_eligible(placement: dict, state: PlacementState, rule: Subsidy | None = None) -> tuple[bool, str]:
    """Does this placement qualify under ``rule`` (default: the transport subsidy of ``data/subsidies.toml``)?
    Returns (eligible, reason in Chinese)."""
    return (rule or subsidies.transport()).qualifies(placement, state)


def subsidy_list(db: sqlite_utils.Database, today: date, scope: Scope,
                 rule: Subsidy | None = None, year: int | None = None) -> list[dict]:
    """Placements in ``scope`` eligible for ``rule`` (default: the transport subsidy; optionally only those
    starting in ``year``), one row each.

    A worker with several qualifying placements appears once per placement; staff decide on duplicates.
    Rows carry the masked ID only.
    """
    rule = rule or subsidies.transport()
    where, params = scope.placements_sql()
    params = list(params)
    if rule.statuses:
        where = f"{where} AND w.assistance_status IN ({','.join('?' * len(rule.statuses))})"
        params += list(rule.statuses)
    if year:
        where += " AND substr(p.start_date, 1, 4) = ?"
        params.append(str(year))
    out = []
    for placement, state in with_states(db, today, where, params):
        ok, reason = subsidy_eligible(placement, state, rule)
        if ok:
            out.append({
                "placement_id": placement["id"], "worker_id": placement["worker_id"],
                "worker_external_id": placement["worker_external_id"], "name": placement["worker_name"],
                "id_masked": placement["worker_id_masked"] or "", "hukou_province": placement["hukou_province"],
                "hukou_county": placement["hukou_county"], "assistance_status": placement["assistance_status"],
                "employer_name": placement["employer_name"], "city": placement["city"],
                "title": placement["title"], "start_date": placement["start_date"],
                "confirmed_on": state.extra["latest_confirmation"], "status": state.status,
                "reason": reason,
            })
    return out


SUBSIDY_HEADERS = [("name", "姓名"), ("id_masked", "身份证号（脱敏）"), ("hukou_province", "户籍省份"),
                   ("hukou_county", "户籍区县"), ("assistance_status", "帮扶身份"), ("employer_name", "用人单位"),
                   ("city", "工作城市"), ("title", "岗位"), ("start_date", "入职日期"),
                   ("confirmed_on", "最近确认在岗日期"), ("status", "当前状态")]


def export_subsidy_xlsx(rows: list[dict], target: str | Path | io.BytesIO | None = None,
                        rule: Subsidy | None = None, today: date | None = None):
    """Write the eligibility list as an Excel workbook; return the target (a BytesIO when none given)."""
    rule = rule or subsidies.transport()
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "补贴名单"
    ws.append([f"{rule.name}（{rule.document}）符合条件名单：连续就业满 {rule.min_months} 个月，"
               f"帮扶身份：{'、'.join(rule.statuses) or '不限'}" + (f"；截至 {today.isoformat()}" if today else "")])
    ws.append([label for _, label in SUBSIDY_HEADERS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(key) for key, _ in SUBSIDY_HEADERS])
    for col, width in zip("ABCDEFGHIJK", (10, 22, 10, 16, 16, 24, 10, 16, 12, 16, 10)):
        ws.column_dimensions[col].width = width
    target = target if target is not None else io.BytesIO()
    wb.save(target)
    if isinstance(target, io.BytesIO):
        target.seek(0)
    return target
