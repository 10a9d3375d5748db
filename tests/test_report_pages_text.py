"""What staff read on the dashboard and the risk page is Chinese for people: no file paths, job identifiers,
exception names or ISO timestamps; times are Asia/Shanghai. Scheduled runs are real ``run_job`` calls."""
from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

sys.path.insert(0, str(Path(__file__).parent))

from placement_factory import make_job, make_user, make_worker

from app.database import get_db

DEVELOPER_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d|[A-Za-z]:?[\\/][\w.]+[\\/]|/tmp|\.xlsx|_[a-z]+|"
                            r"[a-z]+_[a-z]+|Error|Exception|Traceback|None\b|\+08:00|\+00:00")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def web_app(data_dir):
    from app import create_app

    return create_app({"TESTING": True, "START_SCHEDULER": False, "WTF_CSRF_ENABLED": True})


@freeze_time("2026-12-01 22:30:00")          # UTC: 2 December 06:30 in Shanghai
def test_dashboard_and_risk_page_carry_no_developer_text(web_app, monkeypatch):
    from app import scheduler
    from models.placement.follow_ups import record_follow_up
    from models.placement.placements import create_placement

    with web_app.app_context():
        db = get_db()
        worker = make_worker(db, "马小明")
        job = make_job(db, "焊工", employer="青岛海工", city="青岛")
        placement = create_placement(db, worker, job_id=job, start_date="2026-08-01")
        record_follow_up(db, placement, date="2026-09-01", channel="电话", still_employed=True, might_leave=True,
                         satisfaction=2)
        staff = make_user(db, "zhangsan", "staff")
        shanghai = lambda: datetime.now(ZoneInfo("Asia/Shanghai"))
        assert scheduler.run_job(db, "annual_report", clock=shanghai, force=True).status == "done"
        assert scheduler.run_job(db, "recompute_stability", clock=shanghai).status == "done"

        def broken(db, now):
            raise RuntimeError("/srv/tongbang/instance/index/jobs.faiss: disk full")

        monkeypatch.setitem(scheduler.JOBS, "verify_index",
                            scheduler.JobSpec("verify_index", "夜间校验匹配索引（过期则重建）", broken, 2, 30))
        assert scheduler.run_job(db, "verify_index", clock=shanghai).status == "failed"

    client = web_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(staff)
        session["_fresh"] = True
    dashboard = visible_text(client.get("/staff/dashboard").get_data(as_text=True))
    assert "年度报表（每年 12 月 1 日生成）" in dashboard and "已生成 2026 年全省年度报表" in dashboard
    assert "夜间重算离职风险与单位留存率" in dashboard and "高风险 1 人" in dashboard
    assert "运行出错，已尝试 1 次，系统将自动重试" in dashboard and "disk full" not in dashboard
    assert "2026年12月2日 06:30" in dashboard, dashboard[:600]
    assert "截至 2026年12月2日" in dashboard, dashboard[:600]
    assert not DEVELOPER_TEXT.search(dashboard), DEVELOPER_TEXT.search(dashboard)

    risk = visible_text(client.get("/staff/followups/risk").get_data(as_text=True))
    assert "马小明" in risk and "表示可能离职" in risk
    assert not DEVELOPER_TEXT.search(risk), DEVELOPER_TEXT.search(risk)
