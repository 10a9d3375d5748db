"""Training actions on the rulebook world: courses within the staff member's scope with canonical
certificates and clear Chinese errors; enrolment by the worker or staff (seats, duplicates, closed courses,
scope); completion puts the certificate on the worker's record, which opens a posting that requires it and
changes the worker's matches (the real matcher and index); the trained-then-placed report."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

from models.actions import ActionError
from models.actions import training as actions
from models.people.workers import get_worker
from models.placement.placements import create_placement

TODAY = "2026-12-02 02:00:00"
COURSE = {"title": "焊工培训班", "provider": "青岛市技师学院", "occupation": "电焊工", "certificate": "电焊证",
          "city": "青岛市", "start_date": "2026-12-10", "end_date": "2027-01-20", "seats": "30人",
          "cost_yuan": "", "living_allowance_yuan": "1200"}


def actor(world, db, key):
    return world.user(db, key)


def refused(kind, func, *args, **kwargs):
    with pytest.raises(ActionError) as err:
        func(*args, **kwargs)
    assert err.value.kind == kind, err.value
    return err.value


@freeze_time(TODAY)
def test_create_course_within_scope_with_canonical_certificate(rulebook, db):
    city = actor(rulebook, db, "city_staff")
    course = actions.create_course(db, city, COURSE)
    assert (course["certificate"], course["city"], course["seats"], course["cost_yuan"]) == ("焊工证", "青岛", 30, 0)
    assert course["living_allowance_yuan"] == 1200 and course["manageable"] and course["seats_left"] == 30
    # county staff may not publish a course held in 青岛; a worker or employer none at all
    assert refused("forbidden", actions.create_course, db, actor(rulebook, db, "county_staff"), COURSE).field == "city"
    for key in ("worker", "employer", "anonymous"):
        refused("forbidden", actions.create_course, db, actor(rulebook, db, key), COURSE)
    # county staff publish a course held in their county (技能协作 at the county's school)
    local = actions.create_course(db, actor(rulebook, db, "county_staff"), {**COURSE, "city": "", "county": "酉阳县"})
    assert local["county"] == "酉阳土家族苗族自治县"


@freeze_time(TODAY)
def test_bad_course_is_refused_field_by_field(rulebook, db):
    admin = actor(rulebook, db, "admin")
    bad = {**COURSE, "certificate": "会飞证", "seats": "0", "cost_yuan": "-5", "city": "", "title": ""}
    err = refused("invalid", actions.create_course, db, admin, bad)
    fields = dict(err.errors)
    assert set(fields) == {"title", "certificate", "seats", "cost_yuan", "city"}
    assert "会飞证" in fields["certificate"] and "不是已知的证书名称" in fields["certificate"]
    assert fields["seats"] == "名额至少为 1 人。"
    assert fields["city"] == "请填写培训城市（山东）或培训区县（协作地），至少一项。"
    assert fields["cost_yuan"] == "培训费（元）不能为负数。"
    err = refused("invalid", actions.create_course, db, admin, {**COURSE, "end_date": "2026-12-01"})
    assert (err.field, err.message) == ("end_date", "结业日期不能早于开班日期。")
    err = refused("invalid", actions.create_course, db, admin, {**COURSE, "start_date": "明天"})
    assert err.field == "start_date" and "日期格式不正确" in err.message
    assert db.execute("SELECT COUNT(*) FROM courses").fetchone()[0] == 2        # the world's two only


@freeze_time(TODAY)
def test_enrolment_rules(rulebook, db):
    course = rulebook.courses["K-YY"]          # 酉阳, 2 seats, county staff's
    worker_a = actor(rulebook, db, "worker")
    mine = actions.enrol(db, worker_a, course)
    assert (mine["worker_name"], mine["status"], mine["source"]) == ("冉大山", "已报名", "worker")
    assert refused("conflict", actions.enrol, db, worker_a, course).message == "冉大山已经报名该课程（已报名）。"
    # another worker cannot sign A up; an employer cannot enrol anyone
    refused("not_found", actions.enrol, db, actor(rulebook, db, "other_worker"), course, worker_external_id="W-A")
    refused("forbidden", actions.enrol, db, actor(rulebook, db, "employer"), course, worker_external_id="W-A")
    # city staff neither manage K-YY nor cover C (酉阳): not found; county staff sign C up
    refused("not_found", actions.enrol, db, actor(rulebook, db, "city_staff"), course, worker_external_id="W-C")
    county = actor(rulebook, db, "county_staff")
    assert actions.enrol(db, county, course, worker_external_id="W-C")["source"] == "staff"
    # two seats taken: the next is refused, even for the admin
    err = refused("conflict", actions.enrol, db, actor(rulebook, db, "admin"), course, worker_external_id="W-D")
    assert err.message == "该课程名额已满（2 人）。"
    # withdrawing frees the seat
    actions.withdraw(db, worker_a, course, mine["id"])
    assert actions.enrol(db, actor(rulebook, db, "admin"), course, worker_external_id="W-D")["status"] == "已报名"
    # a closed course takes nobody
    actions.close_course(db, actor(rulebook, db, "city_staff"), rulebook.courses["K-QD"])
    refused("conflict", actions.enrol, db, worker_a, rulebook.courses["K-QD"])
    refused("forbidden", actions.close_course, db, county, rulebook.courses["K-QD"])


@freeze_time(TODAY)
def test_enrolment_lists_show_each_actor_what_they_may_see(rulebook, db):
    course = rulebook.courses["K-QD"]
    actions.enrol(db, actor(rulebook, db, "worker"), course)          # A (酉阳) signs up too

    def names(key):
        return sorted(r["worker_name"] for r in actions.enrolments(db, actor(rulebook, db, key), course))

    assert names("city_staff") == names("admin") == ["冉大山", "马小花"]   # the course is theirs
    assert names("county_staff") == ["冉大山"]                            # only the worker they cover
    assert names("worker") == ["冉大山"] and names("employer") == []


def _matches(db, worker_id):
    from matching.service import jobs_for_worker

    return [m.job_id for m in jobs_for_worker(db, worker_id, 10)]


@freeze_time(TODAY)
def test_completion_adds_the_certificate_and_opens_postings(rulebook, db, monkeypatch):
    """B finishes the 叉车 course: 叉车证 goes onto B's record through the worker action (audited), the
    posting X2 that requires it opens to B, and B's matches, from the real matcher and index, now hold it."""
    monkeypatch.setenv("TONGBANG_ENCODER", "static")
    b, x2 = rulebook.workers["B"], rulebook.jobs["X2"]
    assert x2 not in _matches(db, b)
    county = actor(rulebook, db, "county_staff")        # covers neither B nor the course
    refused("not_found", actions.complete, db, county, rulebook.courses["K-QD"], rulebook.enrolments["B-KQD"])
    refused("forbidden", actions.complete, db, actor(rulebook, db, "other_worker"), rulebook.courses["K-QD"],
            rulebook.enrolments["B-KQD"])
    city = actor(rulebook, db, "city_staff")            # manages the course, does not cover B (东乡)
    err = refused("invalid", actions.complete, db, city, rulebook.courses["K-QD"], rulebook.enrolments["B-KQD"],
                  completed_on="2026-12-30")
    assert err.message == "结业日期不能晚于今天。"
    done = actions.complete(db, city, rulebook.courses["K-QD"], rulebook.enrolments["B-KQD"], completed_on="2026-12-01")
    assert (done["status"], done["completed_on"]) == ("已结业", "2026-12-01")
    assert "叉车证" in get_worker(db, b)["certificates"]
    audit = db.execute("SELECT user_id, detail FROM audit_log WHERE action = 'worker.update' AND entity_id = ?",
                       (b,)).fetchall()
    assert audit and audit[-1][0] == rulebook.users["city_staff"] and "叉车证" in audit[-1][1]
    assert x2 in _matches(db, b)
    refused("conflict", actions.complete, db, city, rulebook.courses["K-QD"], rulebook.enrolments["B-KQD"])


@freeze_time(TODAY)
def test_trained_then_placed(rulebook, db):
    city = actor(rulebook, db, "city_staff")
    actions.complete(db, city, rulebook.courses["K-QD"], rulebook.enrolments["B-KQD"], completed_on="2026-11-20")
    create_placement(db, rulebook.workers["B"], job_id=rulebook.jobs["X2"], start_date="2026-11-25")
    rows = {r["title"]: r for r in actions.outcomes(db, city)}
    assert (rows["叉车司机培训班"]["enrolled"], rows["叉车司机培训班"]["completed"],
            rows["叉车司机培训班"]["placed_after"], rows["叉车司机培训班"]["placed_share"]) == (1, 1, 1, 1.0)
    assert actions.outcomes(db, actor(rulebook, db, "county_staff")) == []    # neither B nor K-QD is theirs
    refused("forbidden", actions.outcomes, db, actor(rulebook, db, "worker"))
