"""Fresh matches for a worker back in the "needs a job" queue after leaving a placement.

The jobs they left are kept out (``models.placement.placements.left_job_ids``), and the ranking takes the
employer-retention signal (``models.placement.stability.employer_retention``), so employers who keep
few people drop down the list.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from matching.service import jobs_for_worker
from models.placement.placements import left_job_ids
from models.placement.stability import employer_retention


@dataclass
class Rematch:
    """Fresh matches for a worker who left, and which jobs were left out (``note`` says so in Chinese)."""

    matches: list = field(default_factory=list)
    excluded_job_ids: list[int] = field(default_factory=list)
    note: str = ""


def rematch(db, worker_id: int, k: int = 5) -> Rematch:
    """New job matches for ``worker_id``, avoiding every platform job they left; each carries its reasons."""
    excluded = left_job_ids(db, worker_id)
    titles = [r[0] for r in db.execute(
        f"SELECT title FROM placements WHERE job_id IN ({','.join('?' * len(excluded))})", excluded)
    ] if excluded else []
    note = ("已排除离职岗位：" + "、".join(dict.fromkeys(titles))) if titles else ""
    matches = jobs_for_worker(db, worker_id, k, exclude_job_ids=excluded, stability=employer_retention(db))
    return Rematch(matches, excluded, note)
