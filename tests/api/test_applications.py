"""/api/v1/applications: apply, recommend, the employer's pipeline, and who sees which."""
from __future__ import annotations


def listed(call, role: str) -> set[tuple[str, str]]:
    response = call(role, "GET", "/api/v1/applications")
    assert response.status_code == 200
    return {(a["worker_external_id"], a["job_external_id"]) for a in response.get_json()["data"]}


def test_each_role_sees_only_its_applications(call, world):
    both = {("W-A", "J-X1"), ("W-A", "J-Y1")}   # A's application and the recommendation waiting for A
    assert listed(call, "worker_a") == both
    assert listed(call, "worker_b") == set()
    assert listed(call, "employer_x") == {("W-A", "J-X1")}
    assert listed(call, "employer_y") == {("W-A", "J-Y1")}
    assert listed(call, "staff") == both
    assert listed(call, "staff_cq") == both          # A is from 酉阳
    assert listed(call, "staff_qd") == {("W-A", "J-X1")}  # only the 青岛 posting


def test_worker_applies_once_to_open_postings(call, world):
    response = call("worker_b", "POST", "/api/v1/applications", json={"job_external_id": "J-X1"})
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()["data"]
    assert created["status"] == "待处理" and created["source"] == "worker"
    assert created["worker_external_id"] == "W-B" and created["employer_name"] == "青岛鑫达焊接有限公司"
    again = call("worker_b", "POST", "/api/v1/applications", json={"job_external_id": "J-X1"})
    assert again.status_code == 409
    closed = call("worker_b", "POST", "/api/v1/applications", json={"job_external_id": "J-X2"})
    assert closed.status_code == 409  # it was public while open: "已停止招聘", as the page says
    assert "停止招聘" in closed.get_json()["error"]["message"]
    as_other = call("worker_a", "POST", "/api/v1/applications",
                    json={"job_external_id": "J-Y1", "worker_external_id": "W-B"})
    assert as_other.status_code == 403
    assert ("W-B", "J-X1") in listed(call, "employer_x")
    # Once B applied to X, X may see B's contact details.
    assert call("employer_x", "GET", "/api/v1/workers/W-B").get_json()["data"]["phone"] == "13987654321"


def test_staff_recommend_and_employer_moves_pipeline_to_hire(call, world):
    response = call("staff", "POST", "/api/v1/applications",
                    json={"job_external_id": "J-X1", "worker_external_id": "W-C"})
    assert response.status_code == 201, response.get_data(as_text=True)
    rec = response.get_json()["data"]
    assert rec["source"] == "staff"
    assert call("staff", "POST", "/api/v1/applications", json={"job_external_id": "J-X1"}).status_code == 422
    app_id = world.applications["A-JX1"]
    response = call("employer_x", "PATCH", f"/api/v1/applications/{app_id}", json={"status": "面试",
                                                                                   "note": "周三面试"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["status"] == "面试"
    bad = call("employer_x", "PATCH", f"/api/v1/applications/{app_id}", json={"status": "已入职"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "status"
    hired = call("employer_x", "PATCH", f"/api/v1/applications/{app_id}", json={"status": "录用"})
    assert hired.status_code == 200, hired.get_data(as_text=True)
    placements = call("employer_x", "GET", "/api/v1/placements").get_json()["data"]
    assert [(p["worker_external_id"], p["job_external_id"]) for p in placements] == [("W-A", "J-X1")]
    assert call("worker_a", "GET", f"/api/v1/applications/{app_id}").get_json()["data"]["status"] == "录用"
