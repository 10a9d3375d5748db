"""The store: worker and job upserts (added/updated/unchanged), reads, search, status, the audited reveal."""
from __future__ import annotations

from datetime import date

import pytest

from tests.ledger_factory import make_id


def _worker(n: int, **kw) -> dict:
    rec = {
        "external_id": f"W{n}", "name": f"张{n}", "id_number": make_id("500242", date(1985, 1, n), 11 + 2 * n),
        "phone": f"1390000{n:04d}", "gender": "男", "birth_year": 1985, "hukou_province": "重庆市",
        "hukou_county": "酉阳土家族苗族自治县", "hukou_county_code": "500242",
        "assistance_status": "脱贫享受政策人口", "education": "初中", "skills": ["电焊"], "certificates": ["焊工证"],
        "experience": "干过电焊", "desired_jobs": "焊工", "desired_cities": ["青岛"], "expected_salary": 6000,
        "needs": ["包吃住"], "training_wanted": None,
    }
    rec.update(kw)
    return rec


def _job(n: int, **kw) -> dict:
    rec = {
        "external_id": f"J{n}", "employer_name": "青岛某某机械有限公司", "employer_credit_code": None,
        "title": "电焊工", "description": "车间焊接", "city": "青岛", "district": "黄岛区", "salary_min": 6000,
        "salary_max": 8000, "headcount": 3, "age_min": 18, "age_max": 50, "education_min": "初中",
        "required_certificates": ["焊工证"], "skills": ["二保焊"], "benefits": ["包吃住"], "status": "open",
    }
    rec.update(kw)
    return rec


def test_upsert_worker_added_unchanged_updated(db):
    from models.people.workers import get_worker_by_external_id, upsert_worker

    assert upsert_worker(db, _worker(1)) == "added"
    before = db.execute("SELECT rev, updated_at, content_hash FROM workers").fetchone()
    assert before[2]
    assert upsert_worker(db, _worker(1)) == "unchanged"
    assert db.execute("SELECT rev, updated_at, content_hash FROM workers").fetchone() == before
    assert upsert_worker(db, _worker(1, expected_salary=7000)) == "updated"
    after = db.execute("SELECT rev, content_hash FROM workers").fetchone()
    assert after[0] > before[0] and after[1] != before[2]
    worker = get_worker_by_external_id(db, "W1")
    assert worker["expected_salary"] == 7000
    assert worker["skills"] == ["电焊"] and worker["needs"] == ["包吃住"]
    assert worker["seeking"] is True


def test_worker_reads_never_carry_the_full_id(db):
    from models.people.workers import find_worker_by_id_number, get_worker, upsert_worker

    rec = _worker(2)
    upsert_worker(db, rec)
    worker = find_worker_by_id_number(db, rec["id_number"].lower())
    assert worker is not None and worker["external_id"] == "W2"
    full = get_worker(db, worker["id"])
    assert rec["id_number"] not in repr(full)
    assert full["id_masked"] == rec["id_number"][:6] + "********" + rec["id_number"][-4:]
    assert full["phone"] == rec["phone"] and full["phone_masked"] == rec["phone"][:3] + "****" + rec["phone"][-4:]
    assert find_worker_by_id_number(db, make_id("500242", date(1990, 1, 1), 1)) is None


def test_duplicate_id_number_refused_with_existing_external_id(db):
    from models.people.workers import DuplicateWorkerError, upsert_worker

    rec = _worker(3)
    upsert_worker(db, rec)
    with pytest.raises(DuplicateWorkerError) as info:
        upsert_worker(db, _worker(4, id_number=rec["id_number"]))
    assert info.value.field == "id_number" and "W3" in info.value.message
    assert rec["id_number"] not in str(info.value)
    assert db.execute("SELECT COUNT(*) FROM workers").fetchone()[0] == 1


def test_reveal_id_number_is_audited(db):
    from models.people.workers import get_worker_by_external_id, reveal_id_number, upsert_worker

    rec = _worker(5)
    upsert_worker(db, rec)
    wid = get_worker_by_external_id(db, "W5")["id"]
    assert db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 0
    assert reveal_id_number(db, wid, None) == rec["id_number"]
    row = db.execute("SELECT action, entity, entity_id, detail FROM audit_log").fetchone()
    assert row[:3] == ("worker.reveal_id", "worker", wid)
    assert rec["id_number"] not in (row[3] or "")
    upsert_worker(db, _worker(6, id_number=None))
    assert reveal_id_number(db, get_worker_by_external_id(db, "W6")["id"], None) is None


def test_list_workers_search_filters_and_pages(db):
    from models.people.workers import list_workers, upsert_worker

    for n in range(1, 8):
        upsert_worker(db, _worker(n, assistance_status="低保对象" if n % 2 else "一般农村劳动力"))
    upsert_worker(db, _worker(20, hukou_province="甘肃省", hukou_county="东乡族自治县", hukou_county_code="622926",
                              id_number=make_id("622926", date(1990, 5, 5), 21)))
    rows, total = list_workers(db, limit=3, offset=0)
    assert total == 8 and [r["external_id"] for r in rows] == ["W1", "W2", "W3"]
    rows, _ = list_workers(db, limit=3, offset=6)
    assert [r["external_id"] for r in rows] == ["W7", "W20"]
    assert list_workers(db, q="张3")[1] == 1
    assert list_workers(db, q="W20")[0][0]["name"] == "张20"
    assert list_workers(db, county="东乡族自治县")[1] == 1
    assert list_workers(db, county="622926")[1] == 1
    assert list_workers(db, county="酉阳")[1] == 7
    assert list_workers(db, status="低保对象")[1] == 4
    full = make_id("622926", date(1990, 5, 5), 21)
    assert [r["external_id"] for r in list_workers(db, q=full)[0]] == ["W20"]
    assert list_workers(db, q=full[-4:])[1] >= 1
    assert all("id_hash" not in r and "id_number_enc" not in r for r in list_workers(db)[0])


def test_upsert_job_creates_employer_once(db):
    from models.hiring.jobs import get_job_by_external_id, upsert_job

    assert upsert_job(db, _job(1, employer_credit_code=None)) == "added"
    assert upsert_job(db, _job(2, employer_credit_code="91370200MA3C4X5Y6Z")) == "added"
    assert db.execute("SELECT COUNT(*) FROM employers").fetchone()[0] == 1
    assert db.execute("SELECT credit_code FROM employers").fetchone()[0] == "91370200MA3C4X5Y6Z"
    job = get_job_by_external_id(db, "J1")
    assert job["employer_name"] == "青岛某某机械有限公司"
    assert job["benefits"] == ["包吃住"] and job["required_certificates"] == ["焊工证"]
    rev = job["rev"]
    assert upsert_job(db, _job(1)) == "unchanged"
    assert get_job_by_external_id(db, "J1")["rev"] == rev
    assert upsert_job(db, _job(1, salary_max=9000)) == "updated"
    assert get_job_by_external_id(db, "J1")["rev"] > rev


def test_save_job_and_status(db):
    from models.hiring.jobs import get_job, list_jobs, save_job, set_job_status

    job_id = save_job(db, _job(3, status=None))
    assert get_job(db, job_id)["status"] == "open"
    assert save_job(db, _job(3, title="氩弧焊工", status=None), job_id=job_id) == job_id
    assert get_job(db, job_id)["title"] == "氩弧焊工"
    rev = get_job(db, job_id)["rev"]
    assert set_job_status(db, job_id, "closed") is True
    job = get_job(db, job_id)
    assert job["status"] == "closed" and job["rev"] > rev
    assert list_jobs(db, status="open")[1] == 0
    assert list_jobs(db, status="closed", city="青岛市")[1] == 1
    assert list_jobs(db, q="氩弧")[1] == 1 and list_jobs(db, q="机械")[1] == 1
    with pytest.raises(ValueError):
        set_job_status(db, job_id, "deleted")
    assert set_job_status(db, 9999, "open") is False
    with pytest.raises(LookupError):
        save_job(db, _job(4), job_id=9999)


def test_list_jobs_by_employer(db):
    from models.hiring.jobs import list_jobs, upsert_job
    from models.people.employers import get_employer_by_name

    upsert_job(db, _job(1))
    upsert_job(db, _job(2, employer_name="烟台某某食品有限公司", city="烟台"))
    emp = get_employer_by_name(db, "烟台某某食品有限公司")
    rows, total = list_jobs(db, employer_id=emp["id"])
    assert total == 1 and rows[0]["city"] == "烟台"
