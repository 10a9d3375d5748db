"""Who may take a posting: the hard requirements, one place, never violated (every door asks here).

Hard requirements - ``check_hard`` - decide whether a job may be shown to a worker at all:

- the job is open (not closed, not filled);
- every required certificate is held, after normalising names (``models.intake.certificates.holds_certificate``:
  特种作业操作证（焊接与热切割作业） is a 焊工证). A certificate the worker's record does not show is not held;
- the worker's age is within ``age_min``..``age_max``;
- the worker's education is at least ``education_min`` (高中 and 中专/技校 are one level).

Age is ``today.year - birth_year``: the store keeps only the birth *year* (the ID number is encrypted
and is not decrypted for matching), so this is the age the worker reaches during the current calendar
year - up to one year more than the true age before the birthday. Employers state age limits in whole
years ("18-45岁") and read them the same way, and the boundary is inclusive: age_max=45 admits a worker
turning 45 this year and excludes one turning 46.

Missing data. When the job has an age range but the worker has no birth year, or a minimum education
but the worker's education is unknown, the requirement cannot be checked either way. We keep the job
and flag it for staff ("未填写出生年份，年龄要求待核实") with a small score penalty. Reason: the people
this platform serves (脱贫人口, 低保对象 registered by village staff) often have incomplete ledgers;
excluding would silently hide most factory postings (nearly all state an age range) for exactly the
people who most need them, while a flagged match costs staff one phone call to verify. A job is never
shown when the data *shows* the requirement is not met. Certificates are different: the record is the
only evidence of a certificate, so a missing certificate is not held (excluded, no flag).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

OPEN = "open"


@dataclass
class HardCheck:
    """Result of the hard-requirement check: ``ok`` is False when any requirement is not met."""

    ok: bool
    failures: list[str] = field(default_factory=list)   # why not (Chinese), for staff and tests
    warnings: list[str] = field(default_factory=list)   # could not verify: shown to staff
    held_certificates: list[str] = field(default_factory=list)  # required certificates the worker holds
    held_as: list[str] = field(default_factory=list)  # the same, as said to the worker (canonical names)


def age_in_year(birth_year: int | None, today: date) -> int | None:
    """The age a worker born in ``birth_year`` reaches during ``today``'s calendar year."""
    if not birth_year:
        return None
    return today.year - int(birth_year)


def _education_rank(value: str | None) -> int | None:
    if not value:
        return None
    from models.intake.validation import education_rank

    try:
        return education_rank(value)
    except (ValueError, KeyError):
        return None


def check_hard(worker: dict, job: dict, today: date | None = None) -> HardCheck:
    """Check every hard requirement of ``job`` against ``worker``; the one place these rules live."""
    from models.intake.certificates import holds_certificate

    if today is None:
        from models.store.clock import today as clock_today

        today = clock_today()
    failures: list[str] = []
    warnings: list[str] = []
    held: list[str] = []
    held_as: list[str] = []
    if (job.get("status") or OPEN) != OPEN:
        failures.append("岗位已停止招聘")
    certs = list(worker.get("certificates") or [])
    for required in job.get("required_certificates") or []:
        if holds_certificate(certs, required):
            held.append(required)
            held_as.append(_held_label(certs, required))
        else:
            failures.append(f"缺少必备证书：{required}")
    age_min, age_max = job.get("age_min"), job.get("age_max")
    if age_min is not None or age_max is not None:
        age = age_in_year(worker.get("birth_year"), today)
        if age is None:
            warnings.append("未填写出生年份，年龄要求待核实")
        elif age_min is not None and age < int(age_min):
            failures.append(f"年龄不足{age_min}岁")
        elif age_max is not None and age > int(age_max):
            failures.append(f"年龄超过{age_max}岁")
    if job.get("education_min"):
        need = _education_rank(job["education_min"])
        have = _education_rank(worker.get("education"))
        if need is not None:
            if have is None:
                warnings.append(f"未填写学历，学历要求（{job['education_min']}及以上）待核实")
            elif have < need:
                failures.append(f"学历低于{job['education_min']}")
    return HardCheck(not failures, failures, warnings, held, held_as)


def _held_label(certs: list[str], required: str) -> str:
    """How to say which certificate meets a requirement: the canonical name, or the higher one held."""
    from models.intake.certificates import holds_certificate, normalise_certificate

    canon = normalise_certificate(required)
    for cert in certs:
        if normalise_certificate(cert) == canon:
            return canon
    for cert in certs:
        if holds_certificate([cert], required):
            return f"{normalise_certificate(cert)}（可代替{canon}）"
    return canon
