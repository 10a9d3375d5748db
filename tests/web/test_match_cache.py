"""The ranked-list cache of ``jobs_for_worker``: a repeat is served from it, and any change to the worker
or to any posting is seen at once."""
from __future__ import annotations

from app.database import get_db


def test_cached_lists_follow_every_write(web_app, world, encoder):
    from matching import service
    from models.hiring.jobs import get_job, save_job, set_job_status

    with web_app.app_context():
        db = get_db()
        first = service.jobs_for_worker(db, world.workers["A"], 5)
        assert "J-X1" in [m.external_id for m in first]
        size = len(service._results)
        again = service.jobs_for_worker(db, world.workers["A"], 5)
        assert [m.external_id for m in again] == [m.external_id for m in first]
        assert len(service._results) == size  # served from the cache, nothing new stored

        set_job_status(db, world.jobs["X1"], "closed")
        assert "J-X1" not in [m.external_id for m in service.jobs_for_worker(db, world.workers["A"], 5)]
        set_job_status(db, world.jobs["X1"], "open")
        job = get_job(db, world.jobs["X1"])
        save_job(db, dict(job, salary_min=9000, salary_max=13000), world.jobs["X1"])
        top = {m.external_id: m for m in service.jobs_for_worker(db, world.workers["A"], 5)}
        assert top["J-X1"].salary_min == 9000

        db.execute("UPDATE workers SET desired_cities = '[\"潍坊\"]' WHERE id = ?", (world.workers["A"],))
        reasons = " ".join(" ".join(m.reasons) for m in service.jobs_for_worker(db, world.workers["A"], 5))
        assert "意向城市：青岛" not in reasons
