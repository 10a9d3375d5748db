"""What text stands for a worker and for a job when they are embedded.

Design decision
---------------
The embedding channel answers one question only: *is this the same kind of work?* Everything
that is structured and checkable (city, salary, age, education, benefits, certificates held vs
required) is handled exactly by ``matching.features`` and ``matching.ranker``; putting it into the
embedded text only adds noise (two postings in 青岛 look "similar" whatever the trade) and makes the
vector change whenever a salary is edited. So the text holds the *occupational content* only:

- worker: 求职意向 (desired_jobs) first - it is what the person asks for - then 工作经历
  (experience, the worker's own words: "在工地扎过钢筋", "开过几年叉车"), then 技能 and 证书.
  Certificates are included because a certificate names a trade ("焊工证", "叉车证") and
  workers often write little else.
- job: 岗位名称 (title) first, then 技能要求, 必备证书, and 岗位描述 (description).
  The description is cut to ``DESCRIPTION_CHARS`` characters: m3e-small reads at most 512 tokens
  and long postings are mostly boiler-plate (company profile, benefits) that dilutes the trade.

Fields are joined as ``标签：值`` lines in a fixed order. Short labels help the model treat
"焊工" in 求职意向 and in 岗位名称 alike, and a fixed order keeps the text (and therefore the
cached vector, keyed by sha256 of the text) stable across imports.

Never included: name, ID number, phone, gender, age, hukou, assistance status, employer name,
city, salary, benefits. Gender in particular is never an input to matching.

Alternatives measured on the dev set (data/eval/) are reported by
``scripts/bench_matching_quality.py --text-variants``; see ``VARIANTS`` below.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

DESCRIPTION_CHARS = 200


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v not in (None, "")]


def _clean(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def _lines(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f"{label}：{text}" for label, text in pairs if text)


def worker_text(worker: dict) -> str:
    """The text embedded for a worker: desired jobs, experience, skills and certificates."""
    return _lines([
        ("求职意向", _clean(worker.get("desired_jobs"))),
        ("工作经历", _clean(worker.get("experience"))),
        ("技能", "、".join(_as_list(worker.get("skills")))),
        ("证书", "、".join(_as_list(worker.get("certificates")))),
    ])


def job_text(job: dict) -> str:
    """The text embedded for a job: title, skills, required certificates and a capped description."""
    description = _clean(job.get("description"))[:DESCRIPTION_CHARS]
    return _lines([
        ("岗位", _clean(job.get("title"))),
        ("技能要求", "、".join(_as_list(job.get("skills")))),
        ("必备证书", "、".join(_as_list(job.get("required_certificates")))),
        ("岗位描述", description),
    ])


# --- alternatives, kept only so the benchmark can measure them against the choice above -------------

def _worker_plain(worker: dict) -> str:
    parts = [_clean(worker.get("desired_jobs")), _clean(worker.get("experience")),
             " ".join(_as_list(worker.get("skills"))), " ".join(_as_list(worker.get("certificates")))]
    return " ".join(p for p in parts if p)


def _job_plain(job: dict) -> str:
    parts = [_clean(job.get("title")), " ".join(_as_list(job.get("skills"))),
             " ".join(_as_list(job.get("required_certificates"))), _clean(job.get("description"))]
    return " ".join(p for p in parts if p)


def _worker_desired_only(worker: dict) -> str:
    return _clean(worker.get("desired_jobs")) or _clean(worker.get("experience"))


def _job_title_only(job: dict) -> str:
    return _clean(job.get("title"))


def _worker_everything(worker: dict) -> str:
    base = worker_text(worker)
    extra = _lines([
        ("学历", _clean(worker.get("education"))),
        ("意向城市", "、".join(_as_list(worker.get("desired_cities")))),
        ("期望月薪", _clean(worker.get("expected_salary"))),
        ("需求", "、".join(_as_list(worker.get("needs")))),
    ])
    return "\n".join(p for p in (base, extra) if p)


def _job_everything(job: dict) -> str:
    head = _lines([
        ("岗位", _clean(job.get("title"))),
        ("技能要求", "、".join(_as_list(job.get("skills")))),
        ("必备证书", "、".join(_as_list(job.get("required_certificates")))),
        ("岗位描述", _clean(job.get("description"))),
        ("工作城市", _clean(job.get("city"))),
        ("月薪", f"{job.get('salary_min') or ''}-{job.get('salary_max') or ''}".strip("-")),
        ("福利", "、".join(_as_list(job.get("benefits")))),
        ("最低学历", _clean(job.get("education_min"))),
    ])
    return head


VARIANTS: dict[str, tuple[Callable[[dict], str], Callable[[dict], str]]] = {
    "labelled (chosen)": (worker_text, job_text),
    "plain concatenation": (_worker_plain, _job_plain),
    "desired vs title only": (_worker_desired_only, _job_title_only),
    "everything incl. city/salary/benefits": (_worker_everything, _job_everything),
}
"""Text-representation alternatives: name -> (worker_text, job_text)."""
