"""Report and comparison actions against the rulebook world: the subsidy list, the annual workbook, the
dashboard and the saved province-wide workbooks stay within the caller's scope; a comparison is compared
within the runner's scope and seen only by the runner and admins."""
from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from models.access import SYSTEM
from models.actions import ActionError, comparisons
from models.actions import reports as actions
from models.people.users import create_user
from models.placement.comparison import OUT_OF_SCOPE
from models.placement.follow_ups import record_follow_up
from tests import rulebook_world as rw

TODAY = "2026-12-02 02:00:00"


@pytest.fixture
def store(rulebook, db):
    """The world plus a 3-month confirmation of D at X1 (东乡, 脱贫, 甘肃: subsidy-eligible, in 青岛) and of C
    in 烟台 (重庆 低保: not eligible), and a staff member covering 东乡."""
    for placement, on in (("D-X1", "2026-09-15"), ("C-out", "2026-11-05")):
        record_follow_up(db, rulebook.placements[placement], date=on, channel="电话", still_employed=True,
                         today=date(2026, 12, 2))
    rulebook.users["dongxiang_staff"] = create_user(db, "dongxiang_staff", rw.PASSWORD, "staff",
                                                    scope_counties=["东乡族自治县"])
    return db


def actor(world, db, key):
    return world.user(db, key)


def cells(workbook) -> set[str]:
    return {str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}


@freeze_time(TODAY)
def test_subsidy_list_within_scope(rulebook, store):
    """Finding 5 (subsidy list): county staff no longer see other counties' people."""
    def names(key):
        return [r["name"] for r in actions.subsidy_list(store, actor(rulebook, store, key))]

    assert names("admin") == ["马德福"] and names("city_staff") == ["马德福"] and names("dongxiang_staff") == ["马德福"]
    assert names("county_staff") == []
    workbook = load_workbook(actions.subsidy_workbook(store, actor(rulebook, store, "county_staff")))
    assert "马德福" not in cells(workbook) and workbook.active["A2"].value == "姓名"
    for key in ("worker", "employer", "anonymous"):
        with pytest.raises(ActionError) as err:
            actions.subsidy_list(store, actor(rulebook, store, key))
        assert err.value.kind == "forbidden"


@freeze_time(TODAY)
def test_annual_workbook_within_scope(rulebook, store):
    """Finding 5 (annual report): every sheet of a staff member's workbook is their scope's."""
    def workbook(key):
        return load_workbook(actions.annual_workbook(store, actor(rulebook, store, key), 2026))

    def keys(book, sheet):
        return {r[0] for r in book[sheet].iter_rows(min_row=3, values_only=True)} - {"合计"}

    admin = workbook("admin")
    assert keys(admin, "按户籍区县") == {"重庆市 酉阳土家族苗族自治县", "甘肃省 东乡族自治县"}
    assert keys(admin, "按山东城市") == {"青岛", "烟台"}
    assert [r[0] for r in admin["补贴名单"].iter_rows(min_row=2, values_only=True)] == ["马德福"]

    county = workbook("county_staff")
    assert keys(county, "按户籍区县") == {"重庆市 酉阳土家族苗族自治县"}
    assert "马德福" not in cells(county) and "甘肃省 东乡族自治县" not in cells(county)
    assert list(county["补贴名单"].iter_rows(min_row=2, values_only=True)) == []
    assert any("户籍区县：酉阳土家族苗族自治县" in c for c in cells(county))

    city = workbook("city_staff")
    assert keys(city, "按山东城市") == {"青岛"}
    placed = {r[0]: r[3] for r in city["按户籍区县"].iter_rows(min_row=3, values_only=True)}
    assert placed["甘肃省 东乡族自治县"] == 1 and "烟台" not in cells(city)

    with pytest.raises(ActionError) as err:
        actions.annual_workbook(store, actor(rulebook, store, "admin"), 2027)
    assert (err.value.kind, err.value.field) == ("not_found", "year")


@freeze_time(TODAY)
def test_saved_workbooks_are_for_admins(rulebook, store):
    """Finding 5 (saved reports): the scheduler's province-wide workbook is listed and opened by admins only."""
    path = actions.save_annual(store, SYSTEM, 2026)
    assert path.name == "tongbang_annual_2026.xlsx" and "马德福" in cells(load_workbook(path))
    admin, county = actor(rulebook, store, "admin"), actor(rulebook, store, "county_staff")
    assert actions.saved_reports(admin) == [path.name] and actions.saved_report(admin, path.name) == path
    assert actions.saved_reports(county) == []
    for name in (path.name, "../keys.json"):
        with pytest.raises(ActionError) as err:
            actions.saved_report(county, name)
        assert err.value.kind == "not_found"
    with pytest.raises(ActionError) as err:
        actions.save_annual(store, county, 2026)
    assert err.value.kind == "forbidden"


@freeze_time(TODAY)
def test_dashboard_within_scope(rulebook, store):
    def figures(key):
        return actions.dashboard(store, actor(rulebook, store, key))

    assert figures("admin")["data"]["total"] == 2
    county = figures("county_staff")
    assert county["data"]["total"] == 1 and county["data"]["by_city"]["labels"] == ["烟台"]
    assert county["retention"] == []                 # C-out is not at a platform employer
    city = figures("city_staff")
    assert city["data"]["by_county"]["labels"] == ["甘肃省 东乡族自治县"]
    assert [r["name"] for r in city["retention"]] == [rw.EMPLOYERS["X"][0]]


# --- 数据比对 ------------------------------------------------------------------------------------------------

def _list(*people) -> bytes:
    return ("身份证号,姓名\n" + "".join(f"{number},{name}\n" for number, name in people)).encode()


NEWCOMER = rw.id_with_check_digit("50024219920101009")


def test_a_comparison_is_made_within_the_runners_scope(rulebook, store):
    county = actor(rulebook, store, "county_staff")
    content = _list((rw.ID_A, "冉大山"), (rw.ID_B, "马小花"), (NEWCOMER, "冉新人"))
    summary = comparisons.run(store, county, "名单.csv", content, "脱贫享受政策人口")
    _batch, rows = comparisons.get(store, county, summary.batch_id)
    kinds = {r["name"]: (r["kind"], r["worker_id"], r["old_status"], r["detail"]) for r in rows}
    assert kinds["冉大山"][:2] == ("matched", rulebook.workers["A"])
    assert kinds["马小花"] == ("bad", None, None, OUT_OF_SCOPE)   # another county's worker: nothing about them
    assert kinds["冉新人"][0] == "new"
    assert "马德福" not in kinds                                   # 东乡 D is not "dropped" from a 酉阳 list
    everyone = comparisons.run(store, actor(rulebook, store, "admin"), "名单.csv", content, "脱贫享受政策人口")
    dropped = [r["name"] for r in comparisons.get(store, SYSTEM, everyone.batch_id)[1] if r["kind"] == "dropped"]
    assert dropped == ["马德福"]


def test_a_comparison_is_its_runners_and_admins(rulebook, store):
    """Finding 7 (comparisons): another staff member's comparison is not found, to open or to apply."""
    county, city, admin = (actor(rulebook, store, k) for k in ("county_staff", "city_staff", "admin"))
    batch_id = comparisons.run(store, county, "名单.csv", _list((rw.ID_A, "冉大山")), "防止返贫监测对象").batch_id
    for call in (comparisons.get, comparisons.apply):
        with pytest.raises(ActionError) as err:
            call(store, city, batch_id)
        assert err.value.kind == "not_found"
    assert [b["id"] for b in comparisons.list_batches(store, city)] == []
    # the world's own comparison (rulebook.comparison) is the county staff's too
    assert [b["id"] for b in comparisons.list_batches(store, county)] == [batch_id, rulebook.comparison]
    assert [b["id"] for b in comparisons.list_batches(store, admin)] == [batch_id, rulebook.comparison]
    assert comparisons.get(store, admin, batch_id)[0]["changed"] == 1
    assert store.execute("SELECT assistance_status FROM workers WHERE id = ?",
                         (rulebook.workers["A"],)).fetchone()[0] == "脱贫享受政策人口"
    assert comparisons.apply(store, county, batch_id) == {"applied": 1, "skipped": 0, "out_of_scope": 0,
                                                          "already": False}
    assert store.execute("SELECT assistance_status FROM workers WHERE id = ?",
                         (rulebook.workers["A"],)).fetchone()[0] == "防止返贫监测对象"
    with pytest.raises(ActionError) as err:
        comparisons.apply(store, county, batch_id)
    assert err.value.kind == "conflict"
    for key in ("worker", "employer"):
        with pytest.raises(ActionError) as err:
            comparisons.run(store, actor(rulebook, store, key), "名单.csv", _list((rw.ID_A, "冉大山")),
                            "脱贫享受政策人口")
        assert err.value.kind == "forbidden"


def test_applying_updates_only_workers_the_applier_covers(rulebook, store):
    county = actor(rulebook, store, "county_staff")
    batch_id = comparisons.run(store, county, "名单.csv", _list((rw.ID_A, "冉大山"), (rw.ID_C, "白云秀")),
                               "防止返贫监测对象").batch_id
    # C moved to 东乡 after the comparison: no longer the county staff's to update
    store.execute("UPDATE workers SET hukou_province = '甘肃省', hukou_county = '东乡族自治县',"
                  " hukou_county_code = '622926' WHERE id = ?", (rulebook.workers["C"],))
    result = comparisons.apply(store, county, batch_id)
    assert (result["applied"], result["out_of_scope"]) == (1, 1)
    status = dict(store.execute("SELECT id, assistance_status FROM workers"))
    assert status[rulebook.workers["A"]] == "防止返贫监测对象" and status[rulebook.workers["C"]] == "低保对象"
