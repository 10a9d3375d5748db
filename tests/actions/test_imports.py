"""Ledger imports as actions against the rulebook world: every row is checked against the importer's scope
(as written and, for an update, as stored), refused rows are reported and never written, and an import report
is its importer's (and admins')."""
from __future__ import annotations

import pytest

from models.access import SYSTEM
from models.actions import ActionError
from models.actions import imports as actions
from models.hiring.jobs import get_job_by_external_id
from models.people.workers import get_worker_by_external_id
from tests import rulebook_world as rw
from tests.ledger_factory import write_ledger


@pytest.fixture
def store(rulebook, db):
    return db


def actor(world, db, key):
    return world.user(db, key)


def worker(key, **changes):
    return {**rw.WORKERS[key], **changes}


def job(key, **changes):
    return {"status": "open", **rw.JOBS[key], **changes}


NEW_YOUYANG = {"external_id": "W-NEW1", "name": "冉新", "hukou_province": "重庆市", "hukou_county": "酉阳",
               "assistance_status": "脱贫享受政策人口", "education": "初中"}
NEW_DONGXIANG = {"external_id": "W-NEW2", "name": "马新", "hukou_province": "甘肃省", "hukou_county": "东乡县",
                 "assistance_status": "脱贫享受政策人口", "education": "初中"}


def by_row(result) -> dict[int, tuple[str | None, str]]:
    return {n: (field, reason) for n, field, reason in result.rejections}


def test_county_staff_import_only_their_counties_workers(rulebook, store, tmp_path):
    """Finding 2 (workers): rows for another county's worker — as written or as stored — are rejected with
    their reason; the county's own rows go in."""
    staff = actor(rulebook, store, "county_staff")
    rows = [
        worker("B", phone="13900000001"),                            # row 2: 东乡 worker, as written
        NEW_DONGXIANG,                                                # row 3: a new worker of another county
        NEW_YOUYANG,                                                  # row 4: a new 酉阳 worker: added
        worker("C", expected_salary="5200"),                          # row 5: own worker: updated
        worker("A", hukou_province="甘肃省", hukou_county="东乡县"),  # row 6: own worker moved out of scope
    ]
    before_b = get_worker_by_external_id(store, "W-B")
    result = actions.import_ledger(store, staff, "workers", write_ledger(tmp_path / "w.csv", "workers", rows))
    assert (result.added, result.updated, result.unchanged, result.rejected) == (1, 1, 0, 3)
    rejected = by_row(result)
    assert rejected[2][0] == "hukou_county" and "不在您负责的区县（酉阳土家族苗族自治县）" in rejected[2][1]
    assert rejected[3][0] == "hukou_county" and rejected[6][0] == "hukou_county"
    assert get_worker_by_external_id(store, "W-A")["hukou_county"] == "酉阳土家族苗族自治县"
    assert get_worker_by_external_id(store, "W-NEW2") is None
    assert get_worker_by_external_id(store, "W-NEW1")["hukou_county"] == "酉阳土家族苗族自治县"
    assert get_worker_by_external_id(store, "W-C")["expected_salary"] == 5200
    # The stored worker is another county's: writing it as a 酉阳 worker does not make it one.
    moved = [worker("B", hukou_province="重庆市", hukou_county="酉阳", phone="13900000002", id_number="")]
    again = actions.import_ledger(store, staff, "workers", write_ledger(tmp_path / "b.csv", "workers", moved))
    assert again.rejected == 1
    (_n, field, reason), = again.rejections
    assert field == "external_id" and "W-B" in reason and "不在您的负责范围" in reason
    assert get_worker_by_external_id(store, "W-B") == before_b
    report = actions.get_batch(store, staff, result.batch_id)
    assert [(r["row_number"], r["field"]) for r in report["rejections"]] == [
        (2, "hukou_county"), (3, "hukou_county"), (6, "hukou_county")]
    assert report["rejections"][0]["label"] == "户籍区县" and report["rejected"] == 3


def test_city_staff_import_only_their_cities_postings(rulebook, store, tmp_path):
    """Finding 2 (jobs): a new posting in another city, and an existing one of another city (even rewritten
    as 青岛), are rejected; 青岛 postings go in."""
    rows = [
        {"external_id": "J-NEW1", "employer_name": "烟台新厂", "title": "普工", "city": "烟台", "status": "open"},
        job("Y1", city="青岛", salary_min="9000", salary_max="9500"),   # another city's posting, rewritten
        {"external_id": "J-NEW2", "employer_name": "青岛新厂", "title": "普工", "city": "青岛", "status": "open"},
        job("X2", salary_max="8000"),                                   # own posting: updated
        job("X1", city="烟台"),                                         # own posting moved out of scope
    ]
    path = write_ledger(tmp_path / "j.jsonl", "jobs", rows)
    before = get_job_by_external_id(store, "J-Y1")
    result = actions.import_ledger(store, actor(rulebook, store, "city_staff"), "jobs", path)
    assert (result.added, result.updated, result.rejected) == (1, 1, 3)
    rejected = by_row(result)
    assert rejected[1] == ("city", "工作城市“烟台”不在您负责的城市（青岛）之内，该行未导入。")
    assert rejected[2][0] == "external_id" and "J-Y1" in rejected[2][1]
    assert rejected[5][0] == "city"
    assert get_job_by_external_id(store, "J-Y1") == before
    assert get_job_by_external_id(store, "J-X1")["city"] == "青岛"
    assert get_job_by_external_id(store, "J-NEW1") is None
    assert get_job_by_external_id(store, "J-NEW2")["city"] == "青岛"
    assert get_job_by_external_id(store, "J-X2")["salary_max"] == 8000


def test_a_scope_with_no_counties_imports_no_worker(rulebook, store, tmp_path):
    path = write_ledger(tmp_path / "w.jsonl", "workers", [NEW_YOUYANG, worker("A", phone="13900000003")])
    result = actions.import_ledger(store, actor(rulebook, store, "city_staff"), "workers", path)
    assert (result.added, result.updated, result.rejected) == (0, 0, 2)
    assert get_worker_by_external_id(store, "W-NEW1") is None


@pytest.mark.parametrize("key", ["admin", "system"])
def test_admin_and_the_command_line_cover_every_row(rulebook, store, tmp_path, key):
    path = write_ledger(tmp_path / "w.jsonl", "workers", [NEW_DONGXIANG, worker("B", phone="13900000004")])
    who = SYSTEM if key == "system" else actor(rulebook, store, key)
    result = actions.import_ledger(store, who, "workers", path)
    assert (result.added, result.updated, result.rejected) == (1, 1, 0)
    assert get_worker_by_external_id(store, "W-B")["phone"] == "13900000004"


@pytest.mark.parametrize("key", ["anonymous", "worker", "employer"])
def test_only_staff_import(rulebook, store, tmp_path, key):
    path = write_ledger(tmp_path / "w.jsonl", "workers", [NEW_YOUYANG])
    before = rw.snapshot(store_file(store))
    with pytest.raises(ActionError) as err:
        actions.import_ledger(store, actor(rulebook, store, key), "workers", path)
    assert err.value.kind == "forbidden"
    with pytest.raises(ActionError):
        actions.list_batches(store, actor(rulebook, store, key))
    assert rw.snapshot(store_file(store)) == before


def test_a_bad_upload_is_refused_whole_and_kept_nowhere(rulebook, store, data_dir):
    staff = actor(rulebook, store, "county_staff")
    batches = store.execute("SELECT COUNT(*) FROM import_batches").fetchone()[0]  # the world's own
    for filename, data, field, message in [
        ("ledger.xls", b"whatever", "file", "不支持“.xls”文件"),
        (None, b"", "file", "请选择"),
        ("ledger.csv", "编号,姓名\n".encode(), "file", "没有数据行"),
        ("ledger.csv", b"", "file", "文件是空的"),
    ]:
        with pytest.raises(ActionError) as err:
            actions.import_upload(store, staff, "workers", filename, data)
        assert (err.value.field, err.value.kind) == (field, "invalid") and message in err.value.message
    with pytest.raises(ActionError) as err:
        actions.import_upload(store, staff, "people", "ledger.csv", "编号,姓名\nW1,张三\n".encode())
    assert err.value.field == "kind"
    assert store.execute("SELECT COUNT(*) FROM import_batches").fetchone()[0] == batches
    assert not list((data_dir / "imports").glob("*/*")) if (data_dir / "imports").exists() else True


def test_an_upload_keeps_its_name_and_not_its_file(rulebook, store, data_dir):
    staff = actor(rulebook, store, "county_staff")
    content = "编号,姓名,户籍省份,户籍区县\nW-UP1,冉上传,重庆市,酉阳\n".encode("gbk")
    batch = actions.get_batch(store, staff, actions.import_upload(store, staff, "workers", "../三月 台账.csv", content))
    assert batch["added"] == 1 and batch["filename"] == "三月_台账.csv" and batch["status"] == "done"
    assert not list((data_dir / "imports").glob("*/*"))  # full ID numbers do not stay on disk


def test_a_report_is_its_importers_and_admins(rulebook, store, tmp_path):
    """Finding 7 (imports): another staff member's report is not found; lists are filtered in SQL."""
    path = write_ledger(tmp_path / "w.jsonl", "workers", [NEW_YOUYANG, NEW_DONGXIANG])
    county, city, admin = (actor(rulebook, store, k) for k in ("county_staff", "city_staff", "admin"))
    mine = actions.import_ledger(store, county, "workers", path).batch_id
    theirs = actions.import_ledger(store, city, "workers", path).batch_id
    by_system = actions.import_ledger(store, SYSTEM, "workers", path).batch_id
    assert actions.get_batch(store, county, mine)["rejected"] == 1
    for who, batch in [(county, theirs), (county, by_system), (city, mine)]:
        with pytest.raises(ActionError) as err:
            actions.get_batch(store, who, batch)
        assert err.value.kind == "not_found"
    assert actions.get_batch(store, admin, mine)["id"] == mine
    world = rulebook.batch  # the world's own batch, county staff's
    assert [b["id"] for b in actions.list_batches(store, county)] == [mine, world]
    assert [b["id"] for b in actions.list_batches(store, city)] == [theirs]
    assert [b["id"] for b in actions.list_batches(store, admin)] == [by_system, theirs, mine, world]


def store_file(db):
    return rw.store_location(db)
