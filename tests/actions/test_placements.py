"""The placement actions against the rulebook world: who may record a placement, follow it up and end it,
what each actor's lists hold (filtered in the database), and that every refusal changes nothing.

In the world: county staff (酉阳) cover placement ``C-out`` (their worker C, in 烟台); city staff (青岛) cover
``D-X1`` (东乡 worker D at posting X1 in 青岛); neither covers the other's."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

from models.access import SYSTEM
from models.actions import ActionError
from models.actions import placements as actions
from models.placement.placements import get_placement
from tests import rulebook_world as rw

TODAY = "2026-12-02 02:00:00"  # 10:00 in Shanghai: C-out's 1- and 3-month, D-X1's 1/3/6-month calls are overdue


@pytest.fixture
def store(rulebook, db):
    return db


def actor(world, db, key):
    return world.user(db, key)


def unchanged(db):
    """A function that asserts the database is as it was when this was called (the audit log aside)."""
    path = rw.store_location(db)
    before = rw.snapshot(path)
    return lambda: rw.snapshot(path) == before


def seeking(db, world, key):
    return db.execute("SELECT seeking FROM workers WHERE id = ?", (world.workers[key],)).fetchone()[0]


@pytest.mark.parametrize("key, worker, city, outcome", [
    ("county_staff", "C", "潍坊", "ok"),          # their worker, in any city
    ("county_staff", "B", "烟台", "not_found"),   # another county's worker, not in a city of theirs
    ("city_staff", "B", "青岛", "ok"),            # not their worker, but the job is in their city
    ("city_staff", "B", "烟台", "not_found"),
    ("city_staff", "B", "", "not_found"),         # no city: only the worker's county staff may record it
    ("admin", "B", "烟台", "ok"),
    ("worker", "A", "青岛", "forbidden"),
    ("employer", "A", "青岛", "forbidden"),
    ("anonymous", "A", "青岛", "forbidden"),
])
def test_who_records_a_placement_found_elsewhere(rulebook, store, key, worker, city, outcome):
    same = unchanged(store)
    call = {"worker_external_id": rw.WORKERS[worker]["external_id"], "employer_name": "某食品厂", "title": "包装工",
            "city": city, "start_date": "2026-11-20"}
    if outcome == "ok":
        placement_id = actions.record_placement(store, actor(rulebook, store, key), **call)
        row = get_placement(store, placement_id)
        assert (row["worker_id"], row["employer_name"], row["city"] or "", row["status"]) == \
            (rulebook.workers[worker], "某食品厂", city, "在岗")
        assert row["created_by"] == rulebook.users[key] and seeking(store, rulebook, worker) == 0
        return
    with pytest.raises(ActionError) as err:
        actions.record_placement(store, actor(rulebook, store, key), **call)
    assert err.value.kind == outcome
    assert same()


def test_an_unknown_worker_and_one_out_of_scope_read_the_same(rulebook, store):
    staff = actor(rulebook, store, "county_staff")
    messages = set()
    for ext in ("W-B", "W-NOPE"):
        with pytest.raises(ActionError) as err:
            actions.record_placement(store, staff, worker_external_id=ext, employer_name="某厂", title="普工",
                                     city="烟台", start_date="2026-11-20")
        assert (err.value.kind, err.value.field) == ("not_found", "worker_external_id")
        messages.add(err.value.message)
    assert len(messages) == 1


def test_a_platform_posting_gives_employer_city_and_title(rulebook, store):
    city_staff = actor(rulebook, store, "city_staff")
    # B (东乡) hired at X2 in 青岛: the posting's city is the city staff's; the typed city is ignored
    placement_id = actions.record_placement(store, city_staff, worker_external_id="W-B", job_external_id="J-X2",
                                            city="烟台", start_date="2026-11-20")
    row = get_placement(store, placement_id)
    assert (row["job_id"], row["employer_name"], row["city"], row["title"]) == \
        (rulebook.jobs["X2"], rw.EMPLOYERS["X"][0], "青岛", "叉车司机")
    same = unchanged(store)
    with pytest.raises(ActionError) as err:  # B at Y1 (烟台): neither the worker nor the city is theirs
        actions.record_placement(store, city_staff, worker_external_id="W-B", job_external_id="J-Y1",
                                 start_date="2026-11-20")
    assert err.value.kind == "not_found"
    with pytest.raises(ActionError) as err:
        actions.record_placement(store, city_staff, worker_external_id="W-B", job_external_id="J-NOPE",
                                 start_date="2026-11-20")
    assert (err.value.kind, err.value.field) == ("not_found", "job_external_id")
    for bad, field in [({"start_date": "2026-13-40"}, "start_date"), ({"start_date": None}, "start_date"),
                       ({"title": ""}, "title")]:
        with pytest.raises(ActionError) as err:
            actions.record_placement(store, city_staff, **{"worker_external_id": "W-B", "employer_name": "青岛某厂",
                                                            "title": "普工", "city": "青岛",
                                                            "start_date": "2026-11-20", **bad})
        assert (err.value.kind, err.value.field) == ("invalid", field)
    assert same()


@freeze_time(TODAY)
@pytest.mark.parametrize("key, placement, outcome", [
    ("county_staff", "C-out", "ok"), ("county_staff", "D-X1", "not_found"),
    ("city_staff", "D-X1", "ok"), ("city_staff", "C-out", "not_found"),
    ("admin", "D-X1", "ok"),
    ("employer", "D-X1", "forbidden"),   # the employer sees its employee's placement, but does not follow up
    ("worker", "C-out", "not_found"), ("other_employer", "D-X1", "not_found"), ("anonymous", "C-out", "not_found"),
])
def test_who_follows_up(rulebook, store, key, placement, outcome):
    placement_id = rulebook.placements[placement]
    same = unchanged(store)
    if outcome == "ok":
        follow_up_id = actions.record_follow_up(store, actor(rulebook, store, key), placement_id, channel="电话",
                                                still_employed=True, satisfaction="4", note="一切正常")
        row = store.execute("SELECT date, channel, still_employed, satisfaction, staff_user_id FROM follow_ups"
                            " WHERE id = ?", (follow_up_id,)).fetchone()
        assert row == ("2026-12-02", "电话", 1, 4, rulebook.users[key])
        return
    for call in (lambda a: actions.record_follow_up(store, a, placement_id, channel="电话", still_employed=True),
                 lambda a: actions.end_placement(store, a, placement_id, end_date="2026-12-01")):
        with pytest.raises(ActionError) as err:
            call(actor(rulebook, store, key))
        assert err.value.kind == outcome
    assert same()


@freeze_time(TODAY)
def test_follow_up_rules_and_leaving(rulebook, store):
    staff = actor(rulebook, store, "county_staff")
    placement_id = rulebook.placements["C-out"]
    same = unchanged(store)
    for kwargs, field in [({"channel": "短信", "still_employed": True}, "channel"),
                          ({"channel": "电话", "still_employed": True, "date": "2026-12-03"}, "date"),
                          ({"channel": "电话", "still_employed": True, "date": "2026-07-01"}, "date"),
                          ({"channel": "电话", "still_employed": None}, "still_employed"),
                          ({"channel": "电话", "still_employed": True, "satisfaction": "9"}, "satisfaction")]:
        with pytest.raises(ActionError) as err:
            actions.record_follow_up(store, staff, placement_id, **kwargs)
        assert (err.value.kind, err.value.field) == ("invalid", field), kwargs
    assert same()
    actions.record_follow_up(store, staff, placement_id, channel="微信", still_employed=False, leave_reason="太累")
    row = get_placement(store, placement_id)
    assert (row["status"], row["end_date"], row["leave_reason"]) == ("离职", "2026-12-02", "太累")
    assert seeking(store, rulebook, "C") == 1
    with pytest.raises(ActionError) as err:
        actions.record_follow_up(store, staff, placement_id, channel="电话", still_employed=True)
    assert err.value.kind == "conflict"


@freeze_time(TODAY)
def test_end_a_placement(rulebook, store):
    staff = actor(rulebook, store, "city_staff")
    placement_id = rulebook.placements["D-X1"]
    same = unchanged(store)
    for end_date in ("2026-12-03", "2026-05-01", None, "昨天"):
        with pytest.raises(ActionError) as err:
            actions.end_placement(store, staff, placement_id, end_date=end_date)
        assert (err.value.kind, err.value.field) == ("invalid", "end_date"), end_date
    assert same()
    ended = actions.end_placement(store, staff, placement_id, end_date="2026-11-30", leave_reason="单位反馈已离职")
    assert (ended["status"], ended["end_date"], ended["leave_reason"]) == ("离职", "2026-11-30", "单位反馈已离职")
    assert seeking(store, rulebook, "D") == 1
    audit = store.execute("SELECT user_id FROM audit_log WHERE action = 'placement.end' AND entity_id = ?",
                          (placement_id,)).fetchall()
    assert audit == [(rulebook.users["city_staff"],)]
    with pytest.raises(ActionError) as err:
        actions.end_placement(store, staff, placement_id, end_date="2026-12-01")
    assert err.value.kind == "conflict"
    assert [p["id"] for p in actions.recently_left(store, staff)] == [placement_id]
    assert actions.recently_left(store, actor(rulebook, store, "county_staff")) == []


def test_lists_are_scoped_in_the_database(rulebook, store):
    """Finding 3 (lists): each actor's placements, counted in SQL — county staff no longer see admin's total."""
    def ids(key, **kw):
        rows, total = actions.list_for(store, actor(rulebook, store, key), **kw)
        assert total == len(rows)
        return {r["id"] for r in rows}

    p = rulebook.placements
    assert ids("admin") == {p["D-X1"], p["C-out"]}
    assert ids("county_staff") == {p["C-out"]}
    assert ids("city_staff") == {p["D-X1"]}
    assert ids("employer") == {p["D-X1"]}           # its employee
    assert ids("other_employer") == set() and ids("worker") == set() and ids("other_worker") == set()
    assert ids("admin", status="离职") == set()
    rows, total = actions.list_for(store, actor(rulebook, store, "admin"), limit=1)
    assert (len(rows), total) == (1, 2)
    with pytest.raises(ActionError) as err:
        actions.list_for(store, None)
    assert err.value.kind == "forbidden"
    with pytest.raises(ActionError) as err:
        actions.list_for(store, actor(rulebook, store, "admin"), status="在职")
    assert (err.value.kind, err.value.field) == ("invalid", "status")


@freeze_time(TODAY)
def test_queue_risk_and_detail_are_scoped(rulebook, store):
    p = rulebook.placements
    county, city = actor(rulebook, store, "county_staff"), actor(rulebook, store, "city_staff")
    assert [i.placement["id"] for i in actions.queue(store, county)] == [p["C-out"]]
    assert [i.placement["id"] for i in actions.queue(store, city)] == [p["D-X1"]]
    assert {i.placement["id"] for i in actions.queue(store, SYSTEM)} == {p["C-out"], p["D-X1"]}
    assert [t[0]["id"] for t in actions.risk_list(store, county)] == [p["C-out"]]   # overdue: a risk signal
    for key in ("employer", "worker", "anonymous"):
        with pytest.raises(ActionError) as err:
            actions.queue(store, actor(rulebook, store, key))
        assert err.value.kind == "forbidden"
    own = actions.detail(store, county, p["C-out"])
    assert own.can_follow_up and own.worker["visibility"] == "full" and own.worker["id_masked"]
    assert own.state.overdue_days > 0 and own.risk.score > 0
    other = actions.detail(store, city, p["D-X1"])
    assert other.can_follow_up and "id_masked" not in other.worker   # city staff never see an ID fragment
    with pytest.raises(ActionError) as err:
        actions.detail(store, city, p["C-out"])
    assert err.value.kind == "not_found"


def test_recompute_is_for_admins_and_the_scheduler(rulebook, store):
    with pytest.raises(ActionError) as err:
        actions.recompute_stability(store, actor(rulebook, store, "county_staff"))
    assert err.value.kind == "forbidden"
    assert "risks" in actions.recompute_stability(store, SYSTEM)
