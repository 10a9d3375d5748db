"""/api/v1/jobs: open postings for everyone, writes for the owning employer and staff."""
from __future__ import annotations


def data(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["data"]


def ids(response) -> set[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {j["external_id"] for j in response.get_json()["data"]}


def test_list_shows_open_postings_with_filters_and_pages(call, world):
    assert ids(call("worker_a", "GET", "/api/v1/jobs")) == {"J-X1", "J-Y1"}
    assert ids(call("worker_a", "GET", "/api/v1/jobs?city=烟台")) == {"J-Y1"}
    assert ids(call("worker_a", "GET", "/api/v1/jobs?q=钢筋")) == {"J-Y1"}
    page = call("worker_a", "GET", "/api/v1/jobs?per_page=1&page=2").get_json()
    assert page["meta"] == {"page": 2, "per_page": 1, "total": 2} and len(page["data"]) == 1
    job = data(call("worker_a", "GET", "/api/v1/jobs/J-X1"))
    assert job["employer_name"] == "青岛鑫达焊接有限公司" and job["benefits"] == ["包吃住"]
    assert job["status"] == "open" and job["salary_min"] == 6000


def test_closed_postings_only_for_their_employer_and_staff(call, world):
    assert ids(call("employer_x", "GET", "/api/v1/jobs?mine=true")) == {"J-X1", "J-X2"}
    assert ids(call("employer_y", "GET", "/api/v1/jobs?mine=true")) == {"J-Y1"}
    assert ids(call("employer_x", "GET", "/api/v1/jobs?status=closed")) == {"J-X2"}
    assert ids(call("employer_y", "GET", "/api/v1/jobs?status=closed")) == set()
    assert ids(call("staff", "GET", "/api/v1/jobs?status=closed")) == {"J-X2"}
    assert call("worker_a", "GET", "/api/v1/jobs/J-X2").status_code == 404
    assert call("worker_a", "GET", "/api/v1/jobs?mine=true").status_code == 400


def test_employer_posts_only_under_their_own_name(call, world):
    body = {"external_id": "J-X3", "title": "二保焊工", "city": "青岛", "salary_min": 7000, "salary_max": 10000,
            "headcount": 2, "required_certificates": ["焊工证"], "benefits": "包吃住、五险一金"}
    response = call("employer_x", "POST", "/api/v1/jobs", json=body)
    created = data(response, 201)
    assert response.headers["Location"].endswith("/api/v1/jobs/J-X3")
    assert created["employer_name"] == "青岛鑫达焊接有限公司" and created["status"] == "open"
    assert created["benefits"] == ["包吃住", "五险一金"]
    assert "J-X3" in ids(call("worker_b", "GET", "/api/v1/jobs"))
    other = dict(body, external_id="J-X4", employer_name="烟台海阳建筑公司")
    response = call("employer_x", "POST", "/api/v1/jobs", json=other)
    assert response.status_code == 403 and response.get_json()["error"]["field"] == "employer_name"
    response = call("employer_x", "POST", "/api/v1/jobs", json=body)
    assert response.status_code == 409 and response.get_json()["error"]["field"] == "external_id"


def test_job_validation_names_the_field(call, world):
    base = {"external_id": "J-V", "title": "普工", "city": "青岛", "salary_min": 5000, "salary_max": 6000}
    for patch, field in (({"city": "北京"}, "city"), ({"salary_min": 9000, "salary_max": 6000}, None),
                         ({"headcount": 0}, "headcount"), ({"education_min": "博士后"}, "education_min")):
        response = call("employer_x", "POST", "/api/v1/jobs", json=dict(base, **patch))
        assert response.status_code == 422, (patch, response.get_data(as_text=True))
        if field:
            assert response.get_json()["error"]["field"] == field
        else:
            assert response.get_json()["error"]["field"] in ("salary_min", "salary_max")
    response = call("staff", "POST", "/api/v1/jobs", json=base)
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "employer_name"


def test_update_and_close(call, world):
    updated = data(call("employer_x", "PATCH", "/api/v1/jobs/J-X1", json={"salary_max": 9800}))
    assert updated["salary_max"] == 9800 and updated["title"] == "电焊工"
    response = call("employer_x", "PATCH", "/api/v1/jobs/J-X1", json={"employer_name": "烟台海阳建筑公司"})
    assert response.status_code == 422
    assert call("employer_y", "PATCH", "/api/v1/jobs/J-X1", json={"salary_max": 1}).status_code == 403
    assert data(call("worker_a", "GET", "/api/v1/jobs/J-X1"))["salary_max"] == 9800
    assert call("employer_y", "POST", "/api/v1/jobs/J-X1/close").status_code == 403
    assert data(call("employer_x", "POST", "/api/v1/jobs/J-X1/close"))["status"] == "closed"
    assert ids(call("worker_a", "GET", "/api/v1/jobs")) == {"J-Y1"}
    assert call("worker_a", "GET", "/api/v1/jobs/J-X1").status_code == 404
    assert data(call("staff", "POST", "/api/v1/jobs/J-Y1/close"))["status"] == "closed"
