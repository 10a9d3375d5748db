"""Subsidies as configuration: the rules of ``data/subsidies.toml``, checked when loaded, and per placement
whether a subsidy is due, claimed or paid.

The file holds one ``[[subsidy]]`` per subsidy (who pays, who receives, the months of confirmed work it needs,
the assistance statuses and hukou provinces/counties it applies to, the evidence to bring, the amount by
province or county where known, what it cannot be combined with, and the policy document). :func:`load`
reads it with the standard library's ``tomllib`` and checks every field, naming the entry, the field and why
in Chinese (:class:`SubsidyConfigError`); nothing starts with a broken file.

Per placement (the ``subsidy_claims`` table): **due** is computed, never stored — the placement qualifies
(:meth:`Subsidy.qualifies`: status and hukou fit, and a follow-up confirmed the worker still employed on or
after ``start + min_months``); a row records **claimed** (staff marked the claim handed in) and then **paid**.
A subsidy listed in another's ``cannot_combine`` (both ways) is **excluded** once the other is claimed.

The transport subsidy of ``models.placement.stability`` and of the annual report is one case:
:func:`transport` (key ``transport_gansu``).

``eligible_for(db, worker_id, job=None)`` answers the worker's question "which subsidies, and from when"
(for the job page and the worker's messages).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from models.intake.validation import ValidationError, resolve_county, resolve_province
from models.placement.placements import PlacementState, add_months, parse_date, with_states
from models.store import clock
from models.store.config import REFERENCE_DIR
from models.store.db import audit, utcnow
from models.vocabulary import ASSISTANCE_STATUSES, SUBSIDY_RECIPIENTS, SUBSIDY_TRIGGERS

#: Where the configuration lives; ``TONGBANG_SUBSIDIES_FILE`` points elsewhere (an operator's own rules).
DEFAULT_FILE = REFERENCE_DIR / "subsidies.toml"
#: The home county's one-off transport subsidy (the list staff exported before subsidies were configuration).
TRANSPORT_KEY = "transport_gansu"
#: Every province the platform places workers in.
WORK_PROVINCE = "山东省"


class SubsidyConfigError(ValueError):
    """The subsidy file cannot be used; ``str(e)`` lists every problem (entry, field, why) in Chinese."""


@dataclass(frozen=True)
class Subsidy:
    """One subsidy rule, as configured (names of provinces and counties in their official full form)."""

    key: str
    name: str
    kind: str
    recipient: str                              # worker | employer
    payer: str
    trigger: str                                # placement | training
    min_months: int
    statuses: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    counties: tuple[tuple[str, str], ...] = ()  # (province, county)
    work_provinces: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    amounts: dict[str, int] = field(default_factory=dict)  # "省份" or "省份 区县" → yuan
    cannot_combine: frozenset[str] = frozenset()
    document: str = ""
    verified: bool = False

    @property
    def recipient_label(self) -> str:
        return SUBSIDY_RECIPIENTS[self.recipient]

    def amount_for(self, province: str | None, county: str | None) -> int | None:
        """The configured amount for a worker of ``province``/``county`` (county first), else None."""
        if province and county and f"{province} {county}" in self.amounts:
            return self.amounts[f"{province} {county}"]
        return self.amounts.get(province or "")

    def amount_text(self, province: str | None, county: str | None) -> str:
        amount = self.amount_for(province, county)
        return f"{amount} 元" if amount is not None else "以当地标准为准"

    def applies_to(self, person: dict) -> tuple[bool, str]:
        """Do the worker's assistance status and hukou fit (``person``: a worker or placement row)?"""
        status = person.get("assistance_status")
        if self.statuses and status not in self.statuses:
            return False, f"帮扶身份不在补贴范围（{status or '未登记'}）"
        province, county = person.get("hukou_province"), person.get("hukou_county")
        if self.provinces and province not in self.provinces:
            return False, f"户籍不在补贴省份（{'、'.join(self.provinces)}）"
        if self.counties and (province, county) not in self.counties:
            return False, "户籍不在补贴区县（" + "、".join(c for _, c in self.counties) + "）"
        return True, ""

    def due_from(self, start: date | str) -> date:
        """The day a placement starting on ``start`` reaches ``min_months``."""
        return add_months(parse_date(start), self.min_months)

    def qualifies(self, placement: dict, state: PlacementState) -> tuple[bool, str]:
        """Is this subsidy due on ``placement`` (a placement row with its worker's columns)? (yes/no, why)."""
        if self.trigger != "placement":
            return False, "按培训发放，不按就业记录计算"
        ok, why = self.applies_to(placement)
        if not ok:
            return False, why
        if self.work_provinces and not (placement.get("city") and WORK_PROVINCE in self.work_provinces):
            return False, "就业地不在补贴范围"
        latest = state.extra.get("latest_confirmation")
        if not latest or parse_date(latest) < self.due_from(placement["start_date"]):
            return False, f"尚未确认连续就业满 {self.min_months} 个月"
        return True, f"已确认连续就业满 {self.min_months} 个月"


@dataclass(frozen=True)
class Catalogue:
    """Every configured subsidy, in the file's order."""

    subsidies: dict[str, Subsidy]
    source: Path

    def __iter__(self):
        return iter(self.subsidies.values())

    def __contains__(self, key: object) -> bool:
        return key in self.subsidies

    def get(self, key: str) -> Subsidy | None:
        return self.subsidies.get(key)

    def for_placements(self) -> list[Subsidy]:
        return [s for s in self if s.trigger == "placement"]


# --- loading and checking -------------------------------------------------------------------------------------

_TEXT = ("key", "name", "kind", "recipient", "payer", "trigger", "document")
_LISTS = ("statuses", "provinces", "counties", "work_provinces", "evidence", "cannot_combine")
_KNOWN = {*_TEXT, *_LISTS, "min_months", "amounts", "verified"}


def _entry(index: int, raw: object, problems: list[str]) -> Subsidy | None:
    label = f"第 {index} 项"
    if not isinstance(raw, dict):
        problems.append(f"{label}：应是一段 [[subsidy]] 配置。")
        return None
    if isinstance(raw.get("key"), str) and raw["key"]:
        label += f"（{raw['key']}）"
    start = len(problems)

    def bad(name: str, why: str) -> None:
        problems.append(f"{label}字段 {name}：{why}")

    for name in sorted(set(raw) - _KNOWN):
        bad(name, "不认识这个字段（拼写错了？）。")
    for name in _TEXT:
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            bad(name, "必填，应是一段文字。")
    key = raw.get("key")
    if isinstance(key, str) and key and not (key.isascii() and key.replace("_", "").isalnum()):
        bad("key", "只能用英文字母、数字和下划线。")
    if raw.get("recipient") not in SUBSIDY_RECIPIENTS and isinstance(raw.get("recipient"), str):
        bad("recipient", f"只能是 {' 或 '.join(SUBSIDY_RECIPIENTS)}。")
    if raw.get("trigger") not in SUBSIDY_TRIGGERS and isinstance(raw.get("trigger"), str):
        bad("trigger", f"只能是 {' 或 '.join(SUBSIDY_TRIGGERS)}。")
    months = raw.get("min_months")
    if not isinstance(months, int) or isinstance(months, bool) or not 0 <= months <= 60:
        bad("min_months", "必填，应是 0 到 60 之间的整数（月）。")
    for name in _LISTS:
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            bad(name, "应是文字列表，如 [\"甲\", \"乙\"]。")
            raw = {**raw, name: []}
    if not raw.get("evidence"):
        bad("evidence", "至少写一项申领材料。")
    for status in raw.get("statuses", []):
        if status not in ASSISTANCE_STATUSES:
            bad("statuses", f"“{status}”不是帮扶身份（可选：{'、'.join(ASSISTANCE_STATUSES)}）。")
    provinces, work_provinces, counties = [], [], []
    for name, target in (("provinces", provinces), ("work_provinces", work_provinces)):
        for text in raw.get(name, []):
            try:
                target.append(resolve_province(text, name))
            except ValidationError as exc:
                bad(name, str(exc))
    for text in raw.get("counties", []):
        parts = text.split()
        if len(parts) != 2:
            bad("counties", f"“{text}”应写成“省份 区县”，如 \"重庆市 酉阳县\"。")
            continue
        try:
            county = resolve_county(parts[0], parts[1], "counties")
        except ValidationError as exc:
            bad("counties", str(exc))
        else:
            counties.append((county.province, county.name))
    amounts = {}
    raw_amounts = raw.get("amounts", {})
    if not isinstance(raw_amounts, dict):
        bad("amounts", "应是“省份或省份 区县 = 金额”的表。")
        raw_amounts = {}
    for place, amount in raw_amounts.items():
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            bad("amounts", f"“{place}”的金额应是正整数（元）。")
            continue
        parts = place.split()
        try:
            if len(parts) == 1:
                amounts[resolve_province(parts[0], "amounts")] = amount
            elif len(parts) == 2:
                county = resolve_county(parts[0], parts[1], "amounts")
                amounts[f"{county.province} {county.name}"] = amount
            else:
                bad("amounts", f"“{place}”应写成省份，或“省份 区县”。")
        except ValidationError as exc:
            bad("amounts", str(exc))
    if not isinstance(raw.get("verified", False), bool):
        bad("verified", "只能是 true 或 false。")
    if len(problems) > start:
        return None
    return Subsidy(
        key=key, name=raw["name"].strip(), kind=raw["kind"].strip(), recipient=raw["recipient"],
        payer=raw["payer"].strip(), trigger=raw["trigger"], min_months=months,
        statuses=tuple(raw.get("statuses", [])), provinces=tuple(provinces), counties=tuple(counties),
        work_provinces=tuple(work_provinces), evidence=tuple(raw["evidence"]), amounts=amounts,
        cannot_combine=frozenset(raw.get("cannot_combine", [])), document=raw["document"].strip(),
        verified=raw.get("verified", False))


def load(path: str | Path | None = None) -> Catalogue:
    """Read and check the subsidy file (default :func:`config_path`); raise :class:`SubsidyConfigError`
    listing every problem."""
    path = Path(path) if path else config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SubsidyConfigError(f"找不到补贴配置文件：{path.name}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SubsidyConfigError(f"补贴配置文件 {path.name} 格式错误：{exc}") from None
    entries = data.get("subsidy")
    if not isinstance(entries, list) or not entries:
        raise SubsidyConfigError(f"补贴配置文件 {path.name} 里没有 [[subsidy]] 配置。")
    problems: list[str] = []
    subsidies: dict[str, Subsidy] = {}
    for index, raw in enumerate(entries, start=1):
        subsidy = _entry(index, raw, problems)
        if subsidy is None:
            continue
        if subsidy.key in subsidies:
            problems.append(f"第 {index} 项（{subsidy.key}）字段 key：与前面的补贴重复。")
            continue
        subsidies[subsidy.key] = subsidy
    for subsidy in subsidies.values():
        for other in sorted(subsidy.cannot_combine):
            if other not in subsidies:
                problems.append(f"补贴 {subsidy.key} 字段 cannot_combine：没有 key 为“{other}”的补贴。")
            elif other == subsidy.key:
                problems.append(f"补贴 {subsidy.key} 字段 cannot_combine：不能写自己。")
    if problems:
        raise SubsidyConfigError(f"补贴配置文件 {path.name} 有 {len(problems)} 处错误：\n" + "\n".join(problems))
    # cannot_combine holds both ways
    pairs = {(a.key, b) for a in subsidies.values() for b in a.cannot_combine}
    subsidies = {key: replace(subsidy, cannot_combine=frozenset(
        {b for a, b in pairs if a == key} | {a for a, b in pairs if b == key})) for key, subsidy in subsidies.items()}
    return Catalogue(subsidies, path)


def config_path() -> Path:
    """``TONGBANG_SUBSIDIES_FILE`` or ``data/subsidies.toml``."""
    return Path(os.environ.get("TONGBANG_SUBSIDIES_FILE") or DEFAULT_FILE)


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> Catalogue:
    return load(path)


def catalogue() -> Catalogue:
    """The configured subsidies (read again when the file changes)."""
    path = config_path()
    return _cached(str(path), path.stat().st_mtime if path.exists() else 0.0)


def transport() -> Subsidy:
    """The home county's one-off transport subsidy (the former hard-coded transport-subsidy rule)."""
    subsidy = catalogue().get(TRANSPORT_KEY)
    if subsidy is None:
        raise SubsidyConfigError(f"补贴配置里缺少交通补贴（key = \"{TRANSPORT_KEY}\"），年度报表和补贴名单要用它。")
    return subsidy


# --- per placement: due, claimed, paid ------------------------------------------------------------------------

#: What staff read for each state of a subsidy on a placement.
STATE_LABELS = {"due": "应发（待申领）", "claimed": "已申领", "paid": "已发放", "excluded": "不可同时享受"}


def claims_for(db: sqlite_utils.Database, placement_ids: list[int] | None = None) -> dict[tuple[int, str], dict]:
    """Claim rows keyed by (placement_id, subsidy_key), for ``placement_ids`` (all when None)."""
    sql = "SELECT * FROM subsidy_claims"
    params: list = []
    if placement_ids is not None:
        if not placement_ids:
            return {}
        sql += f" WHERE placement_id IN ({', '.join('?' * len(placement_ids))})"
        params = list(placement_ids)
    cur = db.execute(sql, params)
    names = [c[0] for c in cur.description]
    return {(r["placement_id"], r["subsidy_key"]): r for r in (dict(zip(names, row)) for row in cur.fetchall())}


def status_rows(db: sqlite_utils.Database, today: date, where: str, params: list, *, key: str | None = None,
                state: str | None = None) -> list[dict]:
    """Per placement matching ``where`` (aliases ``p``, ``w``) and per placement subsidy: one row when it is
    due, claimed, paid or excluded (never for placements that do not qualify and have no claim)."""
    rules = [s for s in catalogue().for_placements() if key is None or s.key == key]
    pairs = with_states(db, today, where, params)
    claims = claims_for(db, [p["id"] for p, _ in pairs])
    rows = []
    for placement, placement_state in pairs:
        for subsidy in rules:
            claim = claims.get((placement["id"], subsidy.key))
            ok, reason = subsidy.qualifies(placement, placement_state)
            if claim is None and not ok:
                continue
            blocked = sorted(k for k in subsidy.cannot_combine if (placement["id"], k) in claims)
            if claim is not None:
                current = claim["status"]
            elif blocked:
                current = "excluded"
                reason = "已申领" + "、".join(catalogue().get(k).name for k in blocked) + "，不能同时享受"
            else:
                current = "due"
            if state and current != state:
                continue
            amount = claim["amount_yuan"] if claim and claim["amount_yuan"] is not None else \
                subsidy.amount_for(placement["hukou_province"], placement["hukou_county"])
            rows.append({
                "subsidy_key": subsidy.key, "subsidy_name": subsidy.name, "recipient": subsidy.recipient_label,
                "payer": subsidy.payer, "placement_id": placement["id"], "worker_id": placement["worker_id"],
                "worker_external_id": placement["worker_external_id"], "name": placement["worker_name"],
                "id_masked": placement["worker_id_masked"] or "", "hukou_province": placement["hukou_province"],
                "hukou_county": placement["hukou_county"], "assistance_status": placement["assistance_status"],
                "employer_name": placement["employer_name"], "city": placement["city"], "title": placement["title"],
                "start_date": placement["start_date"], "due_from": subsidy.due_from(placement["start_date"]).isoformat(),
                "confirmed_on": placement_state.extra.get("latest_confirmation"), "status": placement_state.status,
                "state": current, "state_label": STATE_LABELS[current], "reason": reason,
                "amount_yuan": amount, "claimed_on": claim["claimed_on"] if claim else None,
                "paid_on": claim["paid_on"] if claim else None,
            })
    rows.sort(key=lambda r: (r["subsidy_key"], r["due_from"], r["placement_id"]))
    return rows


def record_claim(db: sqlite_utils.Database, placement: dict, subsidy: Subsidy, *, claimed_on: date,
                 amount_yuan: int | None, note: str | None, user_id: int | None) -> int:
    """Insert the claim row (the caller checked the rules, inside its transaction) and audit it."""
    now = utcnow()
    cur = db.execute(
        "INSERT INTO subsidy_claims (subsidy_key, placement_id, worker_id, status, amount_yuan, claimed_on,"
        " claimed_by, note, created_at, updated_at) VALUES (?, ?, ?, 'claimed', ?, ?, ?, ?, ?, ?)",
        (subsidy.key, placement["id"], placement["worker_id"], amount_yuan, claimed_on.isoformat(), user_id,
         note, now, now))
    audit(db, "subsidy.claimed", user_id=user_id, entity="placement", entity_id=placement["id"],
          detail={"subsidy": subsidy.key, "amount_yuan": amount_yuan, "claimed_on": claimed_on.isoformat()})
    return cur.lastrowid


def record_paid(db: sqlite_utils.Database, claim: dict, *, paid_on: date, amount_yuan: int,
                user_id: int | None) -> None:
    """Mark a claim paid (the caller checked the rules) and audit it."""
    db.execute("UPDATE subsidy_claims SET status = 'paid', paid_on = ?, paid_by = ?, amount_yuan = ?,"
               " updated_at = ? WHERE id = ?", (paid_on.isoformat(), user_id, amount_yuan, utcnow(), claim["id"]))
    audit(db, "subsidy.paid", user_id=user_id, entity="placement", entity_id=claim["placement_id"],
          detail={"subsidy": claim["subsidy_key"], "amount_yuan": amount_yuan, "paid_on": paid_on.isoformat()})


# --- the worker's view ------------------------------------------------------------------------------------------

def eligible_for(db: sqlite_utils.Database, worker_id: int, job: dict | None = None,
                 today: date | None = None) -> list[dict]:
    """Which subsidies the worker receives, and from when, in the words of the worker's pages.

    With ``job`` (a posting the worker looks at): the subsidies paid to the worker that their status and
    hukou fit, from ``min_months`` after the day they would start (``from_date`` is None: it depends on the
    start; ``from_text`` says 入职满 N 个月). Without: for each of the worker's placements, the subsidies that
    fit, with ``from_date`` = start + ``min_months`` and the state (``pending`` not yet reached or not yet
    confirmed by a follow-up, ``due``, ``claimed``, ``paid``, ``excluded``). Subsidies paid to employers and
    those tied to training are left out. Each dict: key, name, kind, payer, amount_yuan, amount_text,
    evidence, document, verified, min_months, from_date, from_text, state, placement_id.
    """
    today = today or clock.today()
    row = db.execute("SELECT id, assistance_status, hukou_province, hukou_county FROM workers WHERE id = ?",
                     (worker_id,)).fetchone()
    if row is None:
        return []
    worker = dict(zip(("id", "assistance_status", "hukou_province", "hukou_county"), row))
    rules = [s for s in catalogue().for_placements() if s.recipient == "worker" and s.applies_to(worker)[0]]

    def base(s: Subsidy) -> dict:
        return {"key": s.key, "name": s.name, "kind": s.kind, "payer": s.payer,
                "amount_yuan": s.amount_for(worker["hukou_province"], worker["hukou_county"]),
                "amount_text": s.amount_text(worker["hukou_province"], worker["hukou_county"]),
                "evidence": list(s.evidence), "document": s.document, "verified": s.verified,
                "min_months": s.min_months}

    if job is not None:
        return [{**base(s), "from_date": None, "from_text": f"入职并连续工作满 {s.min_months} 个月后可申领",
                 "state": "possible", "placement_id": None} for s in rules]
    out = []
    pairs = with_states(db, today, "p.worker_id = ?", [worker_id])
    claims = claims_for(db, [p["id"] for p, _ in pairs])
    for placement, placement_state in pairs:
        for s in rules:
            if s.work_provinces and not placement.get("city"):
                continue
            claim = claims.get((placement["id"], s.key))
            blocked = any((placement["id"], k) in claims for k in s.cannot_combine)
            if claim is not None:
                current = claim["status"]
            elif blocked:
                current = "excluded"
            elif s.qualifies(placement, placement_state)[0]:
                current = "due"
            elif placement_state.status == "离职" and parse_date(placement_state.left_on) < s.due_from(
                    placement["start_date"]):
                continue  # left before reaching it: nothing to expect
            else:
                current = "pending"
            due = s.due_from(placement["start_date"])
            out.append({**base(s), "from_date": due.isoformat(),
                        "from_text": f"{due.year}年{due.month}月{due.day}日起（入职满 {s.min_months} 个月，经回访确认在岗）",
                        "state": current, "placement_id": placement["id"]})
    return out
