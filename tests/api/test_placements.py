"""/api/v1/placements: staff record placements; employers and workers see their own."""
from __future__ import annotations


def test_staff_record_a_placement_found_elsewhere(call, world):
    body = {"worker_external_id": "W-C", "employer_name": "潍坊某食品厂", "title": "包装工", "city": "潍坊",
            "start_date": "2026-05-01"}
    response = call("staff", "POST", "/api/v1/placements", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()["data"]
    assert created["status"] == "在岗" and created["job_external_id"] is None
    assert created["start_date"] == "2026-05-01" and created["worker_external_id"] == "W-C"
    assert response.headers["Location"].endswith(f"/api/v1/placements/{created['id']}")
    # The worker left the "needs a job" queue: employers no longer see them as a candidate.
    assert call("employer_x", "GET", "/api/v1/workers/W-C").status_code == 404
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
