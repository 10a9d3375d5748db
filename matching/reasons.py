"""Reasons in plain Chinese a worker understands, written from the evidence in ``features.Signals``.

Reasons say why a match is good ("持有焊工证", "意向城市：青岛", "月薪8000–12000元，高于期望",
"提供包吃住、夫妻房", "做过钢结构焊接", "岗位与求职意向一致：焊工"), most important first.
Warnings are for staff: what could not be verified or does not fit a preference
("未填写出生年份，年龄要求待核实", "不在意向城市（意向：青岛）"). Every match has at least one reason.
"""
from __future__ import annotations

from matching.features import Signals

_SAYS_SO = ("过", "做", "干", "会", "当", "开", "在", "有", "从事", "曾", "年")


def salary_range(job: dict) -> str:
    """'8000–12000元' / '8000元以上' / '' for a posting's salary fields."""
    low, high = job.get("salary_min"), job.get("salary_max")
    if low and high and low != high:
        return f"{low}–{high}元"
    if low or high:
        return f"{low or high}元" if low == high or not (low and high) else f"{low}元"
    return ""


def experience_reason(phrase: str) -> str:
    """'钢结构焊接' -> '做过钢结构焊接'; a phrase that already says so is quoted as written."""
    phrase = phrase.strip()
    if any(word in phrase for word in _SAYS_SO):
        return phrase
    return f"做过{phrase}"


def _quote(words: str, limit: int = 16) -> str:
    words = (words or "").strip()
    return words if len(words) <= limit else words[:limit] + "…"


def reasons_for(job: dict, signals: Signals) -> list[str]:
    """Plain-Chinese reasons for a feasible (worker, job) pair, most important first; never empty.

    True and specific: a skill, certificate or experience is named only as the worker's record has it
    (the worker's own words are quoted), an occupation claim names the posting's occupation and the wish it
    agrees with, and every list carries the posting's own facts (pay, city) rather than a generic line, so
    two jobs get the same list only when they match for the same reasons.
    """
    out: list[str] = []
    kind, name, said = signals.occupation_kind, signals.occupation_name, signals.occupation_phrase
    if kind == "desired":
        out.append(f"岗位与求职意向一致：{name}")
    elif kind == "family":
        out.append(f"与求职意向“{_quote(said)}”是相关工种：{name}" if said else f"相关工种：{name}")
    elif kind == "broad":
        out.append(f"符合求职意向“{_quote(said)}”：{name}" if said else f"符合求职意向：{name}")
    elif kind == "manual":
        out.append(f"体力活、普工类（{name}），符合“{_quote(said)}”")
    for cert in signals.held_certificates:
        out.append(f"持有{cert}")
    if signals.experience_phrase:
        out.append(experience_reason(signals.experience_phrase))
    elif kind == "experience" and said:
        out.append(f"经历对口：{_quote(said, 20)}")
    elif kind == "experience_family" and said:
        out.append(f"经历相关：{_quote(said, 20)}（相关工种：{name}）")
    if kind == "skill" and said:
        out.append(f"技能对口：{said}")
    elif kind == "skill_family" and said:
        out.append(f"相关技能：{said}（相关工种：{name}）")
    if signals.skills_named:
        out.append("技能相符：" + "、".join(signals.skills_named[:4]))
    if signals.city_match:
        out.append(f"意向城市：{signals.city_match}")
    pay = salary_range(job)
    if pay and signals.salary_note == "above":
        out.append(f"月薪{pay}，高于期望")
    elif pay and signals.salary_note == "meets":
        out.append(f"月薪{pay}，符合期望")
    elif pay and signals.salary_note == "partial":
        out.append(f"月薪{pay}，最高可达期望")
    elif pay:
        out.append(f"月薪{pay}")
    if signals.needs_met:
        out.append("提供" + "、".join(signals.needs_met))
    if signals.stability is not None and signals.stability >= 0.7:
        out.append("该单位员工干得长久")
    if not out or (not pay and not signals.city_match):
        out.append(f"{job.get('city') or ''}{job.get('title') or '岗位'}正在招聘")
    return out


def warnings_for(signals: Signals) -> list[str]:
    """Warnings for staff: unverifiable requirements first, then preferences this job does not meet."""
    out = list(signals.warnings)
    if signals.needs_missing:
        out.append("未注明提供：" + "、".join(signals.needs_missing))
    return out
