"""/api/v1/placements: staff record placements; employers and workers see their own."""
from __future__ import annotations


def test_staff_record_a_placement_found_elsewhere(call, world, db):
    body = {"worker_external_id": "W-C", "employer_name": "潍坊某食品厂", "title": "包装工", "city": "潍坊",
            "start_date": "2026-05-01"}
    response = call("staff", "POST", "/api/v1/placements", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()["data"]
    assert created["status"] == "在岗" and created["job_external_id"] is None
    assert created["start_date"] == "2026-05-01" and created["worker_external_id"] == "W-C"
    assert response.headers["Location"].endswith(f"/api/v1/placements/{created['id']}")
    # The worker left the "needs a job" queue.
    assert db.execute("SELECT seeking FROM workers WHERE external_id = 'W-C'").fetchone()[0] == 0
    for patch, field in (({"title": None}, "title"), ({"start_date": "2026-13-40"}, "start_date"),
                         ({"worker_external_id": "W-NOPE"}, "worker_external_id")):
        response = call("staff", "POST", "/api/v1/placements", json=dict(body, **patch))
        assert response.status_code in (404, 422), response.get_data(as_text=True)
        assert response.get_json()["error"]["field"] == field


def test_placement_on_a_platform_job(call, world):
    response = call("admin", "POST", "/api/v1/placements",
                    json={"worker_external_id": "W-A", "job_external_id": "J-X1", "start_date": "2026-06-01"})
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()["data"]
    assert created["employer_name"] == "青岛鑫达焊接有限公司" and created["title"] == "电焊工"
    assert {p["id"] for p in call("employer_x", "GET", "/api/v1/placements").get_json()["data"]} == {created["id"]}


def test_who_sees_which_placements(call, world):
    def seen(role):
        return {p["worker_external_id"] for p in call(role, "GET", "/api/v1/placements").get_json()["data"]}

    assert seen("staff") == {"W-B"} and seen("admin") == {"W-B"}
    assert seen("employer_y") == {"W-B"} and seen("employer_x") == set()
    assert seen("worker_b") == {"W-B"} and seen("worker_a") == set()
    body = call("staff", "GET", "/api/v1/placements?per_page=1").get_json()
    assert body["meta"] == {"page": 1, "per_page": 1, "total": 1}
    assert call("staff", "GET", "/api/v1/placements?status=离职").get_json()["meta"]["total"] == 0


def test_follow_ups_and_leaving_through_the_api(call, world, db, api_client):
    from .openapi_check import response_schema, validate

    spec = api_client.get("/api/v1/openapi.json").get_json()
    url = f"/api/v1/placements/{world.placements['B-Y']}"
    response = call("staff", "POST", url + "/follow-ups",
                    json={"date": "2026-04-02", "channel": "电话", "still_employed": True, "satisfaction": 4})
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert not validate(spec, response_schema(spec, "/api/v1/placements/{placement_id}/follow-ups", "post", 201),
                        created)
    assert (created["data"]["date"], created["data"]["still_employed"], created["data"]["satisfaction"]) == \
        ("2026-04-02", True, 4)
    for body, status, field in [({"channel": "短信", "still_employed": True}, 422, "channel"),
                                ({"channel": "电话"}, 422, "still_employed"),
                                ({"channel": "电话", "still_employed": True, "date": "2099-01-01"}, 422, "date")]:
        response = call("staff", "POST", url + "/follow-ups", json=body)
        assert (response.status_code, response.get_json()["error"]["field"]) == (status, field), body
    for role in ("employer_y", "worker_b", "employer_x"):   # staff work: other roles are refused at the door
        assert call(role, "POST", url + "/follow-ups", json={"channel": "电话", "still_employed": True}
                    ).status_code == 403
        assert call(role, "POST", url + "/end", json={"end_date": "2026-05-01"}).status_code == 403
    response = call("staff", "POST", url + "/end", json={"end_date": "2026-05-01", "leave_reason": "回老家"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert (response.get_json()["data"]["status"], response.get_json()["data"]["end_date"]) == ("离职", "2026-05-01")
    assert db.execute("SELECT seeking FROM workers WHERE id = ?", (world.workers["B"],)).fetchone()[0] == 1
    assert call("staff", "POST", url + "/end", json={"end_date": "2026-05-02"}).status_code == 409
    assert call("staff", "POST", url + "/follow-ups", json={"channel": "电话", "still_employed": True}
                ).status_code == 409
