"""维权 actions on the rulebook world: who opens and reads a case, assignment to the work city's and the home
county's staff (with a message each), notes and closing, the dashboard counts, and the rule that an open case
raises the placement's risk of leaving (and closing it lowers it again)."""
from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from models.actions import ActionError
from models.actions import cases as actions
from models.actions import placements as placement_actions
from models.people.users import create_user
from models.placement import stability
from tests import rulebook_world as rw

TODAY = "2026-12-02 02:00:00"


def actor(world, db, key):
    return world.user(db, key)


def refused(expected, func, *args, **kwargs):
    with pytest.raises(ActionError) as err:
        func(*args, **kwargs)
    assert err.value.kind == expected, err.value
    return err.value


def risk_of(db, placement_id):
    return next(risk for placement, _, risk in stability.risks(db, date(2026, 12, 2), stability.EVERYTHING)
                if placement["id"] == placement_id)


@freeze_time(TODAY)
def test_open_assign_note_close(rulebook, db):
    yantai = create_user(db, "yantai_staff", rw.PASSWORD, "staff", scope_cities=["烟台"])
    county, city, admin = (actor(rulebook, db, k) for k in ("county_staff", "city_staff", "admin"))
    case = actions.open_case(db, county, worker_external_id="W-C", kind="工伤", summary="搬货时扭伤腰")
    # the current placement (C-out, 烟台) is taken; staff of 烟台 and of 酉阳 are assigned and told
    assert (case["placement_id"], case["city"], case["status"]) == (rulebook.placements["C-out"], "烟台", "待处理")
    assert (case["city_staff_id"], case["county_staff_id"]) == (yantai, rulebook.users["county_staff"])
    messages = db.execute("SELECT user_id, subject FROM outbox WHERE link = ?", (f"/cases/{case['id']}",)).fetchall()
    assert sorted(u for u, _ in messages) == sorted([yantai, rulebook.users["county_staff"]])
    assert all("工伤（白云秀）" in s for _, s in messages)
    # the 烟台 staff member reads it; 青岛's does not know it exists; workers other than C neither
    assert actions.get(db, actor(rulebook, db, "admin"), case["id"])["summary"] == "搬货时扭伤腰"
    refused("not_found", actions.get, db, city, case["id"])
    refused("not_found", actions.get, db, actor(rulebook, db, "worker"), case["id"])
    refused("forbidden", actions.list_for, db, actor(rulebook, db, "employer"))
    # bad input, clearly
    assert refused("invalid", actions.open_case, db, county, worker_external_id="W-C", kind="打架",
                   summary="x").field == "kind"
    assert refused("invalid", actions.open_case, db, county, worker_external_id="W-C", kind="欠薪",
                   summary="  ").message == "请写明发生了什么（时间、单位、金额或经过）。"
    refused("not_found", actions.open_case, db, city, worker_external_id="W-C", kind="欠薪", summary="x")
    refused("not_found", actions.open_case, db, county, worker_external_id="W-C", kind="欠薪", summary="x",
            placement_id=rulebook.placements["D-X1"])
    # notes: staff's first note starts the handling; the worker cannot close; C has no account, so the worker's
    # own note is tested with B below
    noted = actions.add_note(db, county, case["id"], note="已联系单位，安排就医")
    assert noted["status"] == "处理中" and noted["notes"][-1]["note"] == "已联系单位，安排就医"
    assert refused("invalid", actions.close_case, db, county, case["id"], outcome="").field == "outcome"
    closed = actions.close_case(db, admin, case["id"], outcome="单位承担医药费 3000 元")
    assert (closed["status"], closed["outcome"], closed["closed_on"]) == ("已结案", "单位承担医药费 3000 元", "2026-12-02")
    refused("conflict", actions.add_note, db, county, case["id"], note="再补充")
    refused("conflict", actions.close_case, db, county, case["id"], outcome="x")


@freeze_time(TODAY)
def test_worker_opens_their_own_case_and_reads_only_theirs(rulebook, db):
    worker = actor(rulebook, db, "other_worker")          # B: no placement
    case = actions.open_case(db, worker, kind="劳动合同", summary="招聘时说包住，来了要交房租")
    assert (case["opened_via"], case["placement_id"], case["worker_name"]) == ("worker", None, "马小花")
    assert [c["id"] for c in actions.list_for(db, worker)[0]] == [case["id"]]
    assert actions.add_note(db, worker, case["id"], note="房租每月 300 元")["status"] == "待处理"
    assert case["county_staff_id"] is None and case["city_staff_id"] is None     # nobody covers 东乡 alone
    mine = actions.open_case(db, actor(rulebook, db, "worker"), kind="欠薪", summary="工资没发")   # A: 酉阳
    assert mine["county_staff_id"] == rulebook.users["county_staff"]
    actions.add_note(db, actor(rulebook, db, "worker"), mine["id"], note="老板说下周发")
    told = db.execute("SELECT subject FROM outbox WHERE user_id = ? AND body = ?",
                      (rulebook.users["county_staff"], "老板说下周发")).fetchall()
    assert told and "维权案件有新情况" in told[0][0]
    refused("forbidden", actions.close_case, db, worker, case["id"], outcome="x")
    refused("not_found", actions.open_case, db, worker, worker_external_id="W-A", kind="欠薪", summary="x")


@freeze_time(TODAY)
def test_an_open_case_raises_the_risk_of_leaving(rulebook, db):
    county = actor(rulebook, db, "county_staff")
    placement = rulebook.placements["C-out"]            # the world's C-wages case is open on it
    risk = risk_of(db, placement)
    assert "有未结的维权案件（拖欠工资）" in risk.reasons
    listed = {p["id"]: r for p, _, r in placement_actions.risk_list(db, county)}
    assert "有未结的维权案件（拖欠工资）" in listed[placement].reasons
    actions.close_case(db, county, rulebook.cases["C-wages"], outcome="已追回")
    after = risk_of(db, placement)
    assert after.score == risk.score - stability.R.RISK_OPEN_CASE
    assert not any("维权" in reason for reason in after.reasons)
    # the nightly snapshot stores the same reason
    actions.open_case(db, county, worker_external_id="W-C", kind="住宿", summary="宿舍没有热水")
    stability.recompute(db, date(2026, 12, 2))
    stored = db.execute("SELECT reasons FROM placement_risk WHERE placement_id = ?", (placement,)).fetchone()[0]
    assert "宿舍与住宿" in stored


@freeze_time(TODAY)
def test_dashboard_counts_within_scope(rulebook, db):
    county, city = actor(rulebook, db, "county_staff"), actor(rulebook, db, "city_staff")
    actions.open_case(db, city, worker_external_id="W-D", kind="欠薪", summary="加班费未付")
    assert actions.counts(db, county)["by_kind"]["欠薪"] == 1 and actions.counts(db, county)["open"] == 1
    assert actions.counts(db, city)["open"] == 1
    assert actions.counts(db, actor(rulebook, db, "admin"))["by_kind"]["欠薪"] == 2
    refused("forbidden", actions.counts, db, actor(rulebook, db, "worker"))
