"""疑似重复 (issue 9, finding 1): the queue proposes records that may be one person, and a merge keeps every
application, placement and follow-up, is audited, and never joins two different ID numbers."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from placement_factory import make_id, make_job, make_user, make_worker

from models.errors import ActionError


@pytest.fixture
def people(db):
    """Two counties registered the same people: a pair per reason, a stranger, and a worker out of scope."""
    from models.people.pii import protect_id

    same_id = make_id("622926", "19900101", "123")
    w = {
        # Same ID: the second one waits with its ID number held (a database from before the UNIQUE rule).
        "id_a": make_worker(db, "马五", external_id="DX-1", id_number=same_id, phone="13900000001",
                            birth_year=1990),
        "id_b": make_worker(db, "马伍", external_id="LX-1", birth_year=1990,
                            held_id_hash=protect_id(same_id)["id_hash"], id_masked=protect_id(same_id)["id_masked"],
                            id_number_enc=protect_id(same_id)["id_number_enc"]),
        # Same name, birth and county, no ID numbers.
        "nb_a": make_worker(db, "韩梅", external_id="DX-2", birth_year=1985),
        "nb_b": make_worker(db, "韩梅", external_id="LX-2", birth_year=1985, phone="13900000002",
                            experience="在工地干过三年"),
        # Same phone.
        "ph_a": make_worker(db, "李雷", external_id="DX-3", phone="13900000003", birth_year=1980),
        "ph_b": make_worker(db, "李磊", external_id="LX-3", phone="13900000003", birth_year=1981),
        "stranger": make_worker(db, "韩梅", external_id="DX-9", birth_year=1999),
        "far": make_worker(db, "马五", external_id="CQ-1", province="重庆市", county="酉阳土家族苗族自治县",
                           phone="13900000001", birth_year=1990),
    }
    return w


def _staff(db, counties=("东乡族自治县",)):
    from models.people.users import get_user

    return get_user(db, make_user(db, f"staff{len(counties)}", "staff", counties=counties, cities=()))


def test_the_queue_proposes_each_kind_of_pair_within_scope(db, people):
    from models.actions import duplicates

    staff = _staff(db)
    pairs = {(p["a"]["external_id"], p["b"]["external_id"]): p["reasons"] for p in duplicates.queue(db, staff)}
    assert pairs == {("DX-1", "LX-1"): ["id"], ("DX-2", "LX-2"): ["name_birth_county"], ("DX-3", "LX-3"): ["phone"]}
    admin = {"role": "admin", "id": make_user(db, "boss", "admin")}
    everyone = {(p["a"]["external_id"], p["b"]["external_id"]) for p in duplicates.queue(db, admin)}
    assert ("DX-1", "CQ-1") in everyone  # same phone across counties: only someone covering both sees it
    with pytest.raises(ActionError) as err:
        duplicates.queue(db, {"role": "worker", "id": 99, "worker_id": people["id_a"]})
    assert err.value.kind == "forbidden"


def test_merge_keeps_every_application_placement_and_follow_up_and_is_audited(db, people):
    from models.actions import duplicates
    from models.hiring import applications as application_store
    from models.placement.follow_ups import record_follow_up
    from models.placement.placements import create_placement

    keep, gone = people["nb_a"], people["nb_b"]
    j1, j2, j3 = (make_job(db, t, external_id=f"J{t}") for t in ("焊工", "叉车司机", "包装工"))
    a_keep = application_store.insert(db, keep, j1, source="worker", status="面试", consent_via="worker")
    a_twin = application_store.insert(db, gone, j1, source="worker", status="待处理", consent_via="worker")
    a_moved = application_store.insert(db, gone, j2, source="worker", status="录用", consent_via="worker")
    placement = create_placement(db, gone, job_id=j2, start_date="2026-06-01", application_id=a_moved)
    follow_up = record_follow_up(db, placement, date="2026-07-01", channel="电话", still_employed=True)
    outside = create_placement(db, gone, employer_name="烟台厂", city="烟台", title="普工", start_date="2026-01-01")
    twin_placement = create_placement(db, gone, job_id=j3, start_date="2025-01-01", application_id=a_twin)
    account = make_user(db, "hanmei", "worker", worker_id=gone)
    staff = _staff(db)

    kept = duplicates.merge(db, staff, keep, gone)

    assert kept["id"] == keep and kept["phone"] == "13900000002" and kept["experience"] == "在工地干过三年"
    assert db.execute("SELECT COUNT(*) FROM workers WHERE id = ?", (gone,)).fetchone()[0] == 0
    assert {r[0] for r in db.execute("SELECT id FROM applications WHERE worker_id = ?", (keep,))} == {a_keep, a_moved}
    assert {r[0] for r in db.execute("SELECT id FROM placements WHERE worker_id = ?", (keep,))} == \
        {placement, outside, twin_placement}
    assert db.execute("SELECT application_id FROM placements WHERE id = ?", (twin_placement,)).fetchone()[0] == a_keep
    assert db.execute("SELECT placement_id FROM follow_ups WHERE id = ?", (follow_up,)).fetchone()[0] == placement
    assert db.execute("SELECT worker_id FROM users WHERE id = ?", (account,)).fetchone()[0] == keep
    _action, entity_id, detail = db.execute("SELECT action, entity_id, detail FROM audit_log"
                                           " WHERE action = 'worker.merge'").fetchone()
    detail = json.loads(detail)
    assert (entity_id, detail["kept"], detail["merged"]) == (keep, "DX-2", "LX-2")
    assert detail["moved"] == {"applications": 1, "placements": 3, "users": 1}
    assert [d["application"] for d in detail["dropped_applications"]] == [a_twin]
    assert "phone" in detail["filled"]
    assert ("DX-2", "LX-2") not in {(p["a"]["external_id"], p["b"]["external_id"]) for p in duplicates.queue(db, staff)}


def test_merge_takes_the_held_id_number_and_the_database_stays_unique(db, people):
    from models.actions import duplicates

    staff = _staff(db)
    duplicates.merge(db, staff, people["id_b"], people["id_a"])  # keep the one whose ID number was held
    row = db.execute("SELECT id_hash IS NOT NULL, held_id_hash, id_masked FROM workers WHERE id = ?",
                     (people["id_b"],)).fetchone()
    assert row[0] == 1 and row[1] is None and row[2].startswith("622926")
    assert db.execute("SELECT COUNT(*) FROM workers WHERE id_hash IS NOT NULL OR held_id_hash IS NOT NULL"
                      ).fetchone()[0] == 1


def test_no_merge_without_a_reason_across_ids_or_outside_scope(db, people):
    from models.actions import duplicates
    from models.people.pii import protect_id

    staff = _staff(db)
    for keep, other, kind in ((people["nb_a"], people["ph_a"], "conflict"),   # nothing in common
                              (people["id_a"], people["far"], "not_found"),   # 酉阳 is not this staff's
                              (people["id_a"], people["id_a"], "invalid")):
        with pytest.raises(ActionError) as err:
            duplicates.merge(db, staff, keep, other)
        assert err.value.kind == kind
    other_id = protect_id(make_id("622926", "19850101", "456"))
    db.execute("UPDATE workers SET id_hash = ?, id_number_enc = ? WHERE id = ?",
               (other_id["id_hash"], other_id["id_number_enc"], people["ph_b"]))
    db.execute("UPDATE workers SET id_hash = ?, id_number_enc = ? WHERE id = ?",
               (protect_id(make_id("622926", "19800101", "789"))["id_hash"], "x", people["ph_a"]))
    with pytest.raises(ActionError) as err:
        duplicates.merge(db, staff, people["ph_a"], people["ph_b"])
    assert err.value.kind == "conflict" and "身份证号不同" in err.value.message
    assert db.execute("SELECT COUNT(*) FROM workers WHERE id IN (?, ?)", (people["ph_a"], people["ph_b"])).fetchone()[0] == 2


def test_dismissed_pairs_are_not_proposed_again(db, people):
    from models.actions import duplicates

    staff = _staff(db)
    duplicates.dismiss(db, staff, people["ph_b"], people["ph_a"])
    assert ("DX-3", "LX-3") not in {(p["a"]["external_id"], p["b"]["external_id"]) for p in duplicates.queue(db, staff)}
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'worker.not_duplicate'").fetchone()[0] == 1


def test_a_merge_moves_every_column_that_points_at_a_worker(db):
    from models.people.duplicates import WORKER_REFERENCES

    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    pointing = {(t, fk[3]) for t in tables for fk in db.execute(f"PRAGMA foreign_key_list({t})") if fk[2] == "workers"}
    assert pointing == set(WORKER_REFERENCES)


def test_page_and_api(db, people, client):
    from models.people.api_tokens import create_token

    staff = make_user(db, "dx", "staff", counties=("东乡族自治县",), cities=())
    _, token = create_token(db, staff)
    client.application.config["WTF_CSRF_ENABLED"] = False
    with client.session_transaction() as session:
        session["_user_id"] = str(staff)
        session["_fresh"] = True
    html = client.get("/staff/duplicates/").get_data(as_text=True)
    assert "疑似重复" in html and "DX-3" in html and "LX-3" in html and "手机号相同" in html and "CQ-1" not in html
    response = client.post("/staff/duplicates/merge", data={"keep_id": people["ph_a"], "merge_id": people["ph_b"]})
    assert response.status_code == 302
    assert db.execute("SELECT COUNT(*) FROM workers WHERE id = ?", (people["ph_b"],)).fetchone()[0] == 0
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/duplicates", headers=auth).get_json()["data"]
    assert {(p["a"]["external_id"], p["b"]["external_id"]) for p in listed} == {("DX-1", "LX-1"), ("DX-2", "LX-2")}
    assert "13900000002" not in json.dumps(listed)  # phones masked
    merged = client.post("/api/v1/duplicates/merge", json={"keep_id": people["nb_a"], "merge_id": people["nb_b"]},
                         headers=auth)
    assert merged.status_code == 200 and merged.get_json()["data"]["merged"]["merged"] == "LX-2"
    out = client.post("/api/v1/duplicates/merge", json={"keep_id": people["id_a"], "merge_id": people["far"]},
                      headers=auth)
    assert out.status_code == 404
    assert client.post("/api/v1/duplicates/merge", json={"keep_id": "x"}, headers=auth).status_code == 422
