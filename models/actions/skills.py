"""Skill gaps that open doors (缺少叉车证：有 37 个在招岗位需要): the certificates that would let a worker take
the most open postings they otherwise meet every hard requirement of.

The rule, in one place: for each open posting that names required certificates, the hard-requirement check
(``models.hiring.eligibility.check_hard``, the one place those rules live) is run as if the worker also held the
certificates they lack; when that passes and exactly one certificate is missing, the posting counts for that
certificate. A posting missing two certificates is no near door and is not counted; age and education are
never "gaps" (a worker cannot train their way into another age, and education is not a short course).
Certificates are counted by canonical name (叉车证 and 叉车司机证 are one), most postings first; each line links
to the training courses leading to it (``/courses?certificate=…``).

Who may see a worker's gaps: the worker themself, and whoever may see the worker's matches
(``models.actions.matches.worker``: staff covering the worker).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from urllib.parse import quote

from models import access
from models.actions import matches
from models.errors import forbidden
from models.hiring.eligibility import check_hard
from models.hiring.jobs import list_jobs
from models.intake.certificates import holds_certificate, normalise_certificate
from models.store import clock

#: Open postings with required certificates looked at (newest first); more than any county's reach today.
SCAN = 20000


def gaps(db, actor: Any, worker_id: int | None = None, *, limit: int = 5) -> list[dict]:
    """The certificates that would open the most postings to the worker (default: the signed-in worker), most
    first: ``{"certificate", "jobs", "in_desired_cities", "titles", "courses_url"}``."""
    if worker_id is None:
        worker_id = access.own_worker_id(actor)
        if worker_id is None:
            raise forbidden("只有求职者本人和负责的工作人员可以查看。")
    worker = matches.worker(db, actor, worker_id)
    today = clock.today()
    held = list(worker.get("certificates") or [])
    desired = {c.removesuffix("市") for c in worker.get("desired_cities") or []}
    counts: Counter[str] = Counter()
    near: Counter[str] = Counter()
    titles: dict[str, Counter[str]] = defaultdict(Counter)
    rows, _ = list_jobs(db, status="open", limit=SCAN, where=("j.required_certificates != '[]'", []))
    for job in rows:
        required = job.get("required_certificates") or []
        if not required:
            continue
        missing = [c for c in required if not holds_certificate(held, c)]
        if len(missing) != 1:
            continue
        if not check_hard({**worker, "certificates": [*held, *missing]}, job, today).ok:
            continue
        name = normalise_certificate(missing[0])
        counts[name] += 1
        titles[name][job["title"]] += 1
        if not desired or (job.get("city") or "").removesuffix("市") in desired:
            near[name] += 1
    return [{"certificate": name, "jobs": n, "in_desired_cities": near[name],
             "titles": [t for t, _ in titles[name].most_common(3)],
             "courses_url": f"/courses?certificate={quote(name)}"}
            for name, n in counts.most_common(limit)]
