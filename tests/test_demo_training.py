"""The demo data holds the programme parts (issue 13) after ``flask --app app demo load``: courses (open and a
finished one whose graduates hold the certificate, some placed after), the brand 酉阳焊工 with workers, a course
and employers, and 维权 cases in each state — and loading twice adds nothing."""
from __future__ import annotations


def test_demo_load_seeds_courses_brand_and_cases(runner, data_dir, monkeypatch):
    monkeypatch.setenv("TONGBANG_ENCODER", "static")  # the demo's pipeline ranks candidates: the fast encoder
    from models.actions import brands, training
    from models.actions import cases as case_actions
    from models.store.db import connect

    first = runner.invoke(args=["demo", "load", "--no-index", "--no-progress"])
    assert first.exit_code == 0, first.output
    assert "培训课程、劳务品牌与维权案件" in first.output
    db = connect()
    try:
        admin = {"id": None, "role": "admin"}
        open_courses, total = training.list_courses(db, admin)
        assert total == 4 and {c["certificate"] for c in open_courses} == {"叉车证", "焊工证", "低压电工证", "中式烹调师证"}
        graduates = db.execute("SELECT e.worker_id FROM enrolments e WHERE e.status = '已结业'").fetchall()
        assert len(graduates) == 8
        for (worker_id,) in graduates:
            certs = db.execute("SELECT certificates FROM workers WHERE id = ?", (worker_id,)).fetchone()[0]
            assert "叉车证" in certs
        outcome = next(r for r in training.outcomes(db, admin) if r["title"] == "叉车司机培训班（第一期）")
        assert outcome["completed"] == 8 and outcome["placed_after"] >= 1
        brand = brands.list_brands(db, admin)[0]
        assert brand["name"] == "酉阳焊工" and brand["figures"]["workers"] >= 3
        assert brand["figures"]["courses"] == 1 and brand["figures"]["employers"] >= 1
        assert sorted(c["status"] for c in case_actions.list_for(db, admin)[0]) == ["处理中", "已结案", "待处理"]
        assert case_actions.counts(db, admin)["open"] == 2
    finally:
        db.conn.close()
    again = runner.invoke(args=["demo", "load", "--no-index", "--no-progress"])
    assert again.exit_code == 0, again.output
    db = connect()
    try:
        assert db.execute("SELECT COUNT(*) FROM courses").fetchone()[0] == 5
        assert db.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 3
    finally:
        db.conn.close()
