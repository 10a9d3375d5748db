"""/api/v1/workers: the registry for staff, masked views for others, audited ID reveals, validation."""
from __future__ import annotations

import json

from .conftest import ID_A, ID_C, id_with_check_digit, insert_user


def data(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["data"]


def test_staff_list_search_and_pagination(call, world):
    body = call("staff", "GET", "/api/v1/workers").get_json()
    assert body["meta"] == {"page": 1, "per_page": 20, "total": 3}
    assert {w["external_id"] for w in body["data"]} == {"W-A", "W-B", "W-C"}
    assert all("id_number" not in w and "id_hash" not in w for w in body["data"])
    first = call("staff", "GET", "/api/v1/workers?per_page=2").get_json()
    second = call("staff", "GET", "/api/v1/workers?per_page=2&page=2").get_json()
    assert len(first["data"]) == 2 and len(second["data"]) == 1
    assert first["meta"]["total"] == second["meta"]["total"] == 3
    ids = [w["external_id"] for w in first["data"] + second["data"]]
    assert sorted(ids) == ["W-A", "W-B", "W-C"]
    assert call("staff", "GET", "/api/v1/workers?per_page=500").get_json()["meta"]["per_page"] == 100
    assert call("staff", "GET", "/api/v1/workers?page=9").get_json()["data"] == []
    found = call("staff", "GET", "/api/v1/workers?q=张三").get_json()
    assert [w["external_id"] for w in found["data"]] == ["W-A"] and found["meta"]["total"] == 1


def test_scoped_staff_see_only_their_counties(call, world, db, api_client):
    from models.people.api_tokens import create_token

    user_id = insert_user(db, "pingdu", "staff", scope_counties=json.dumps(["平度市"], ensure_ascii=False))
    headers = {"Authorization": f"Bearer {create_token(db, user_id)[1]}"}
    body = api_client.get("/api/v1/workers", headers=headers).get_json()
    assert [w["external_id"] for w in body["data"]] == ["W-C"] and body["meta"]["total"] == 1
    assert api_client.get("/api/v1/workers/W-C", headers=headers).get_json()["data"]["name"] == "王五"
    # A of another county, seeking: what staff who do not cover her see on every door (skills, no identity)
    other = api_client.get("/api/v1/workers/W-A", headers=headers).get_json()["data"]
    assert other["name"] == "张*" and other["phone"] == "138****5678" and other["visibility"] == "masked"
    assert not {"id_masked", "birth_year", "gender", "hukou_county"} & set(other)
    # B of another county, no longer seeking: not there at all
    assert api_client.get("/api/v1/workers/W-B", headers=headers).status_code == 404
    assert api_client.get("/api/v1/workers/W-A?reveal=id_number", headers=headers).status_code == 403


def test_views_of_one_worker_by_role(call, world):
    staff = data(call("staff", "GET", "/api/v1/workers/W-A"))
    assert staff["name"] == "张三" and staff["phone"] == "13812345678"
    assert staff["id_masked"] == ID_A[:6] + "********" + ID_A[-4:] and "id_number" not in staff
    assert staff["skills"] == ["电焊"] and staff["hukou_county"] == "酉阳土家族苗族自治县"
    own = data(call("worker_a", "GET", "/api/v1/workers/W-A"))
    assert own["name"] == "张三" and own["phone"] == "13812345678" and "id_number" not in own
    # Employer X: A applied to X's posting, so X may contact A (still no full ID).
    applied = data(call("employer_x", "GET", "/api/v1/workers/W-A"))
    assert applied["name"] == "张三" and applied["phone"] == "13812345678" and "id_number" not in applied
    # Employer Y: A never applied there: masked name and phone, no home county.
    masked = data(call("employer_y", "GET", "/api/v1/workers/W-A"))
    assert masked["name"] == "张*" and masked["phone"] == "138****5678"
    assert "hukou_county" not in masked and "id_number" not in masked
    assert masked["skills"] == ["电焊"]  # what an employer needs to judge fit


def test_reveal_full_id_is_staff_only_and_audited(call, world, db):
    def reveals():
        return db.execute("SELECT user_id, entity, entity_id, detail FROM audit_log"
                          " WHERE action = 'worker.reveal_id'").fetchall()

    call("staff", "GET", "/api/v1/workers/W-A")
    assert reveals() == []
    shown = data(call("staff", "GET", "/api/v1/workers/W-A?reveal=id_number"))
    assert shown["id_number"] == ID_A
    response = call("staff", "GET", "/api/v1/workers/W-A?reveal=id_number")
    assert response.headers["Cache-Control"] == "no-store"
    rows = reveals()
    assert len(rows) == 2 and rows[0][:3] == (world.users["staff"], "worker", world.workers["A"])
    assert ID_A not in rows[0][3]
    assert data(call("admin", "GET", "/api/v1/workers/W-A?reveal=id_number"))["id_number"] == ID_A
    assert call("worker_a", "GET", "/api/v1/workers/W-A?reveal=id_number").status_code == 403
    assert call("employer_x", "GET", "/api/v1/workers/W-A?reveal=id_number").status_code == 403
    assert call("staff", "GET", "/api/v1/workers/W-A?reveal=phone").status_code == 400
    assert len(reveals()) == 3


def test_create_validates_and_conflicts(call, world):
    new_id = id_with_check_digit("50024219990203004")
    body = {"external_id": "W-NEW", "name": "赵六", "id_number": new_id, "phone": "13611112222",
            "hukou_province": "重庆市", "hukou_county": "酉阳县", "education": "高中",
            "skills": "电工、焊工", "certificates": ["低压电工证"], "desired_cities": ["济南", "青岛"],
            "expected_salary": "6千", "assistance_status": "脱贫享受政策人口"}
    response = call("staff", "POST", "/api/v1/workers", json=body)
    created = data(response, 201)
    assert response.headers["Location"].endswith("/api/v1/workers/W-NEW")
    assert created["hukou_county"] == "酉阳土家族苗族自治县" and created["gender"] == "女"
    assert created["birth_year"] == 1999 and created["expected_salary"] == 6000
    assert created["skills"] == ["电工", "焊工"] and "id_number" not in created
    assert created["id_masked"].startswith("500242") and new_id not in response.get_data(as_text=True)
    again = call("staff", "POST", "/api/v1/workers", json=body)
    assert again.status_code == 409 and again.get_json()["error"]["field"] == "external_id"
    for field, value in (("id_number", "500242199902030041"), ("phone", "12345"), ("hukou_county", "不存在县"),
                         ("education", "博士后")):
        bad = dict(body, external_id=f"W-BAD-{field}", **{field: value})
        response = call("staff", "POST", "/api/v1/workers", json=bad)
        assert response.status_code == 422, (field, response.get_data(as_text=True))
        assert response.get_json()["error"]["field"] == field
    missing = call("staff", "POST", "/api/v1/workers", json={"external_id": "W-X"})
    assert missing.status_code == 422 and missing.get_json()["error"]["field"] == "name"


def test_update_is_partial_and_keeps_the_id_number(call, world):
    updated = data(call("staff", "PATCH", "/api/v1/workers/W-C", json={"expected_salary": 7500,
                                                                       "needs": ["包吃住"]}))
    assert updated["expected_salary"] == 7500 and updated["needs"] == ["包吃住"]
    assert updated["name"] == "王五" and updated["hukou_county"] == "平度市"
    assert data(call("staff", "GET", "/api/v1/workers/W-C?reveal=id_number"))["id_number"] == ID_C
    response = call("staff", "PATCH", "/api/v1/workers/W-C", json={"phone": "999"})
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "phone"
    response = call("staff", "PATCH", "/api/v1/workers/W-C", json={"external_id": "W-Z"})
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "external_id"
    assert call("staff", "PATCH", "/api/v1/workers/W-NOPE", json={"name": "x"}).status_code == 404


def test_only_staff_edit_a_worker_through_the_api(call, world):
    """As on the staff worker form: workers and employers are refused at the door, nothing changes."""
    for role in ("worker_a", "employer_x"):
        assert call(role, "PATCH", "/api/v1/workers/W-A", json={"phone": "13811112222"}).status_code == 403
    assert call("staff", "GET", "/api/v1/workers/W-A").get_json()["data"]["phone"] == "13812345678"


def test_staff_open_a_worker_account(call, world, api_client):
    short = call("staff", "POST", "/api/v1/workers/W-C/account", json={"username": "ww", "password": "short"})
    assert short.status_code == 422 and short.get_json()["error"]["field"] == "password"
    created = data(call("staff", "POST", "/api/v1/workers/W-C/account", json={"password": "wangwu-2026"}), 201)
    assert created == {"user_id": created["user_id"], "username": "13700001111", "worker_external_id": "W-C"}
    again = call("staff", "POST", "/api/v1/workers/W-C/account", json={"password": "wangwu-2026"})
    assert again.status_code == 409 and again.get_json()["error"]["field"] == "username"
    assert call("employer_x", "POST", "/api/v1/workers/W-A/account", json={"password": "x" * 9}).status_code == 403


def test_finding_6_an_employer_reads_through_the_api_what_the_pages_show(rulebook, app, db):
    """Issue 8, finding 6: an employer's GET /api/v1/workers/<id> is ``actions.workers.view`` — for a worker
    who has not applied or been recommended to them no ID fragment, birth year, gender, name or phone; for
    one who has, contact details but still no ID fragment."""
    from app.api.schemas import WorkerSchema
    from models.actions import workers as worker_actions
    from tests.rulebook_world import ID_A, ID_B, ID_C, ID_D, WORKERS

    client = app.test_client()

    def get(key, external_id):
        response = client.get(f"/api/v1/workers/{external_id}",
                              headers={"Authorization": f"Bearer {rulebook.tokens[key]}"})
        return response.status_code, response.get_json().get("data"), response.get_data(as_text=True)

    for key, worker, level in [("employer", "C", "masked"), ("employer", "B", "masked"),
                               ("other_employer", "C", "contact"), ("employer", "A", "contact"),
                               ("other_employer", "A", "masked")]:   # rec-A-Y2 not yet accepted by A
        status, shown, text = get(key, WORKERS[worker]["external_id"])
        assert status == 200 and shown["visibility"] == level, (key, worker)
        expected = worker_actions.view(db, rulebook.user(db, key), rulebook.workers[worker])
        assert shown == WorkerSchema().dump(expected)
        number = {"A": ID_A, "B": ID_B, "C": ID_C}[worker]
        assert "id_masked" not in shown and number[:6] not in text and number[-4:] not in text
        if level == "masked":
            assert not {"birth_year", "gender", "hukou_county"} & set(shown)
            assert WORKERS[worker]["name"] not in text and WORKERS[worker]["phone"] not in text
    # D stopped seeking and never applied to Y, nor works there: not there at all for Y; X employs D (placed
    # at X1), so X sees D's contact details — and still no ID fragment
    assert get("other_employer", "W-D")[0] == 404
    status, shown, text = get("employer", "W-D")
    assert status == 200 and shown["visibility"] == "contact" and ID_D[-4:] not in text
