"""Employer pages: postings through the form (validated by clean_job, matchable at once), close/reopen,
ranked candidates with masked personal data, the applications pipeline (录用 creates the placement), the
company profile; only the employer's own data; other roles refused; CSRF on every POST."""
from __future__ import annotations

import re

import pytest

from app.database import get_db
from tests.web.conftest import ID_A, ID_B

NEW_POSTING = {
    "title": "焊工（钢结构）", "description": "钢结构厂房焊接，二保焊", "city": "青岛", "district": "黄岛区",
    "salary_min": "7千", "salary_max": "9000", "headcount": "3", "age_min": "18", "age_max": "50",
    "education_min": "", "required_certificates": "", "skills": "电焊、二保焊", "benefits": ["包吃住", "五险一金"],
    "benefits_other": "年底双薪",
}


def _job_row(site, external_id):
    from models.hiring.jobs import get_job_by_external_id

    with site.app.app_context():
        return get_job_by_external_id(get_db(), external_id)


def test_employer_posts_a_new_posting_and_a_worker_sees_it_at_once(site, world, encoder):
    page = site.login("employer_x")
    form = page.get("/employer/postings/new")
    assert form.status_code == 200 and "发布新岗位" in form.text
    assert "性别" not in form.text.replace("不得限定性别", "")  # no gender field, ever
    response = page.post("/employer/postings/new", NEW_POSTING)
    assert response.status_code == 302, response.text[:2000]
    ext = f"E{world.employers['X']}-1"
    job = _job_row(site, ext)
    assert job is not None and job["status"] == "open" and job["employer_id"] == world.employers["X"]
    assert job["salary_min"] == 7000 and job["salary_max"] == 9000 and job["headcount"] == 3
    assert job["district"] == "黄岛区" and job["benefits"] == ["包吃住", "五险一金", "年底双薪"]
    assert job["employer_name"] == "青岛鑫达焊接有限公司"
    listing = page.get("/employer/").text
    assert "焊工（钢结构）" in listing and ext in listing

    worker = site.login("worker_a")
    matches = worker.get("/me/matches").text
    assert "焊工（钢结构）" in matches

    # A second posting gets the next number.
    page.post("/employer/postings/new", dict(NEW_POSTING, title="气保焊工"), from_url="/employer/postings/new")
    assert _job_row(site, f"E{world.employers['X']}-2")["title"] == "气保焊工"


def test_bad_form_shows_errors_next_to_fields_and_keeps_typed_values(site, world):
    page = site.login("employer_x")
    page.get("/employer/postings/new")
    bad = dict(NEW_POSTING, title="叉车工<b>", salary_min="9000", salary_max="6000", city="上海",
               skills="开叉车、看仓库")
    response = page.post("/employer/postings/new", bad)
    assert response.status_code == 200
    html = response.text
    assert "月薪上限（6000）低于月薪下限（9000）" in html
    assert "不是山东省的 16 个地级市之一" in html
    # Errors sit inside the field's block.
    assert "月薪上限（6000）低于月薪下限（9000）" in _field_errors(html, "salary_max")
    assert "城市“上海”不是山东省的 16 个地级市之一" in _field_errors(html, "city")
    assert _field_errors(html, "title") == ""
    # What was typed is still there (escaped).
    assert 'value="叉车工&lt;b&gt;"' in html and 'value="开叉车、看仓库"' in html
    assert 'value="9000"' in html and 'value="6000"' in html and "年底双薪" in html
    assert "叉车工<b>" not in html
    with site.app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM jobs WHERE external_id LIKE 'E%'").fetchone()[0] == 0


def _field_errors(html: str, name: str) -> str:
    """The error text shown inside the form field ``name``'s block (empty when it has none)."""
    block = re.search(r'<div class="field( has-error)?">\s*<label for="' + name + r'">(.*?)</div>', html, re.DOTALL)
    assert block, name
    return " ".join(re.findall(r'<p class="error" role="alert">(.*?)</p>', block.group(2)))


def test_a_posting_may_not_require_a_gender(site, world):
    """There is no gender field; a crafted one is ignored (the record never carries a gender)."""
    page = site.login("employer_x")
    page.get("/employer/postings/new")
    response = page.post("/employer/postings/new", dict(NEW_POSTING, gender_requirement="男"))
    assert response.status_code == 302
    job = _job_row(site, f"E{world.employers['X']}-1")
    assert "gender" not in " ".join(k for k, v in job.items() if v)


def test_edit_keeps_status_and_number(site, world):
    from models.hiring.jobs import set_job_status

    with site.app.app_context():
        set_job_status(get_db(), world.jobs["X2"], "filled")
    page = site.login("employer_x")
    form = page.get(f"/employer/postings/{world.jobs['X2']}/edit")
    assert form.status_code == 200 and 'value="叉车司机"' in form.text and 'value="叉车证"' in form.text
    response = page.post(f"/employer/postings/{world.jobs['X2']}/edit",
                         {"title": "叉车司机（夜班）", "city": "青岛", "salary_min": "6500", "salary_max": "8000",
                          "headcount": "2", "required_certificates": "叉车证", "benefits": ["包住"]})
    assert response.status_code == 302, response.text[:2000]
    job = _job_row(site, "J-X2")
    assert job["title"] == "叉车司机（夜班）" and job["status"] == "filled" and job["salary_min"] == 6500
    assert job["id"] == world.jobs["X2"]


def test_employer_cannot_touch_another_employers_posting(site, world):
    """Y1 is open, so X may see it, but it is not X's: 403 on every page that would change or mine it, as the
    API answers (PATCH /api/v1/jobs/J-Y1 is 403 too)."""
    page = site.login("employer_x")
    y1 = world.jobs["Y1"]
    assert page.get(f"/employer/postings/{y1}/edit").status_code == 403
    assert page.get(f"/employer/postings/{y1}/candidates").status_code == 403
    assert page.get(f"/employer/applications?job_id={y1}").status_code == 403
    page.get("/employer/")
    assert page.post(f"/employer/postings/{y1}/edit", dict(NEW_POSTING)).status_code == 403
    assert page.post(f"/employer/postings/{y1}/close", {"status": "closed"}).status_code == 403
    assert page.post(f"/employer/postings/{y1}/reopen").status_code == 403
    job = _job_row(site, "J-Y1")
    assert job["title"] == "缝纫工" and job["status"] == "open"
    assert page.get("/employer/postings/999999/edit").status_code == 404
    # Y's applications are not in X's pipeline, and X cannot move them.
    from models.actions import applications as actions
    from models.hiring import applications

    with site.app.app_context():
        app_id = actions.apply(get_db(), world.user(get_db(), "worker_b"), y1)
    html = page.get("/employer/applications").text
    assert "马小花" not in html and "缝纫工" not in html
    assert page.post(f"/employer/applications/{app_id}", {"status": "录用"}, from_url="/employer/").status_code == 404
    with site.app.app_context():
        assert applications.get_application(get_db(), app_id)["status"] == "待处理"
    assert "马小花" in site.login("employer_y").get("/employer/applications").text


def test_candidates_are_ranked_and_masked_until_the_worker_applies(site, world, encoder):
    page = site.login("employer_x")
    url = f"/employer/postings/{world.jobs['X1']}/candidates"
    html = page.get(url).text
    assert "冉**" in html and "138****5678" in html
    assert "冉大山" not in html and "13812345678" not in html
    assert ID_A not in html and ID_A[-4:] not in html and "身份证" not in html
    assert "马**" not in html and "马小花" not in html  # W-B has no 焊工证
    assert "初中" in html and "电焊证" in html and "青岛" in html and "<li>" in html  # education, cert, reasons
    assert "<script>alert(1)</script>" not in html

    from models.actions import applications as actions

    with site.app.app_context():
        actions.apply(get_db(), world.user(get_db(), "worker_a"), world.jobs["X1"])
    html = page.get(url).text
    assert "冉大山" in html and "13812345678" in html and "酉阳" in html
    assert ID_A not in html and ID_A[-4:] not in html and ID_B not in html


def test_pipeline_moves_to_hired_and_creates_the_placement(site, world):
    from models.actions import applications as actions
    from models.actions.workers import edit_worker
    from models.hiring import applications

    with site.app.app_context():
        db = get_db()
        app_a = actions.apply(db, world.user(db, "worker_a"), world.jobs["X1"])
        # X2 needs a 叉车证: B got one, so staff may recommend X2 to B (and B accepts)
        edit_worker(db, world.user(db, "staff"), world.workers["B"], {"certificates": "叉车证"})
        app_b = actions.recommend(db, world.user(db, "staff"), world.workers["B"], world.jobs["X2"])
        actions.accept(db, world.user(db, "worker_b"), app_b)
    page = site.login("employer_x")
    html = page.get("/employer/applications").text
    assert "冉大山" in html and "13812345678" in html and "马小花" in html and "13987654321" in html
    assert "工作人员推荐" in html
    assert ID_A not in html and ID_B not in html
    assert html.index("待处理") < html.index("冉大山")

    response = page.post(f"/employer/applications/{app_a}", {"status": "面试", "note": "周三上午来面试"})
    assert response.status_code == 302
    html = page.get("/employer/applications?status=面试").text
    assert "冉大山" in html and "周三上午来面试" in html and "马小花" not in html
    with site.app.app_context():
        assert applications.get_application(get_db(), app_a)["status"] == "面试"

    response = page.post(f"/employer/applications/{app_a}", {"status": "录用"})
    assert response.status_code == 302
    html = page.get(response.location).text
    assert "已录用，就业记录已生成" in html
    with site.app.app_context():
        db = get_db()
        assert applications.get_application(db, app_a)["status"] == "录用"
        placement = db.execute("SELECT worker_id, job_id, employer_id, application_id FROM placements").fetchall()
        assert placement == [(world.workers["A"], world.jobs["X1"], world.employers["X"], app_a)]

    # 录用 is final: a further change is refused with a clear message, nothing changes.
    page.post(f"/employer/applications/{app_a}", {"status": "不合适"}, from_url="/employer/applications")
    html = page.get("/employer/applications").text
    assert "已录用的投递不能再改状态" in html
    with site.app.app_context():
        assert applications.get_application(get_db(), app_a)["status"] == "录用"

    page.post(f"/employer/applications/{app_b}", {"status": "不合适", "back_job": str(world.jobs["X2"])},
              from_url="/employer/applications")
    with site.app.app_context():
        assert applications.get_application(get_db(), app_b)["status"] == "不合适"
    # Postings list counts applications per status.
    listing = page.get("/employer/").text
    assert re.search(r"录用 <strong>1</strong>", listing) and re.search(r"不合适 <strong>1</strong>", listing)


def test_closing_a_posting_removes_it_from_matches_at_once(site, world, encoder):
    worker = site.login("worker_a")
    assert "鑫达焊接" in worker.get("/me/matches").text and _has_job(worker, world.jobs["X1"])
    page = site.login("employer_x")
    page.get("/employer/")
    response = page.post(f"/employer/postings/{world.jobs['X1']}/close", {"status": "filled"})
    assert response.status_code == 302
    assert _job_row(site, "J-X1")["status"] == "filled"
    assert not _has_job(worker, world.jobs["X1"])
    assert "已招满" in page.get("/employer/").text

    page.post(f"/employer/postings/{world.jobs['X1']}/reopen", from_url="/employer/")
    assert _job_row(site, "J-X1")["status"] == "open"
    assert _has_job(worker, world.jobs["X1"])


def _has_job(worker_page, job_id: int) -> bool:
    return f"/jobs/{job_id}\"" in worker_page.get("/me/matches").text


def test_profile_validates_credit_code_and_keeps_the_name(site, world):
    page = site.login("employer_x")
    html = page.get("/employer/profile").text
    assert "青岛鑫达焊接有限公司" in html and "readonly" in html
    response = page.post("/employer/profile", {"credit_code": "91370200MA3C00000X", "city": "青岛",
                                               "contact_phone": "12345", "name": "别的公司"})
    assert response.status_code == 200
    assert "统一社会信用代码" in response.text and 'value="91370200MA3C00000X"' in response.text
    assert "has-error" in response.text
    code = _valid_credit_code()
    response = page.post("/employer/profile", {"credit_code": code, "city": "青岛市", "district": "黄岛区",
                                               "contact_name": "王经理", "contact_phone": "13700001111",
                                               "description": "钢结构焊接", "name": "别的公司"})
    assert response.status_code == 302
    from models.people.employers import get_employer

    with site.app.app_context():
        employer = get_employer(get_db(), world.employers["X"])
    assert employer["name"] == "青岛鑫达焊接有限公司" and employer["credit_code"] == code
    assert employer["city"] == "青岛" and employer["contact_phone"] == "13700001111"


def _valid_credit_code() -> str:
    from models.intake.validation import credit_code_check_character

    first17 = "91370200MA3C00001"
    return first17 + credit_code_check_character(first17)


@pytest.mark.parametrize("user", ["worker_a", "staff", "admin"])
def test_other_roles_get_403(site, world, user):
    page = site.login(user)
    for url in ("/employer/", "/employer/postings/new", f"/employer/postings/{world.jobs['X1']}/edit",
                f"/employer/postings/{world.jobs['X1']}/candidates", "/employer/applications",
                "/employer/profile"):
        assert page.get(url).status_code == 403, url
    assert page.post(f"/employer/postings/{world.jobs['X1']}/close", {"status": "closed"}).status_code == 403
    assert _job_row(site, "J-X1")["status"] == "open"


def test_anonymous_goes_to_login(site, world):
    response = site.anonymous().get("/employer/")
    assert response.status_code == 302 and "/login" in response.location


def test_posts_need_the_csrf_token(site, world):
    page = site.login("employer_x")
    page.get("/employer/")
    response = page.post(f"/employer/postings/{world.jobs['X1']}/close", {"status": "closed"}, csrf=False)
    assert response.status_code == 400
    response = page.post("/employer/postings/new", NEW_POSTING, csrf=False)
    assert response.status_code == 400
    assert _job_row(site, "J-X1")["status"] == "open"
    with site.app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM jobs WHERE external_id LIKE 'E%'").fetchone()[0] == 0
