"""Job seeker pages: recommended jobs with reasons, one-tap apply (and its refusals), search filters, the job
page (escaped description, the unmet requirement named), my applications, own profile view and edit, roles
and CSRF. Against the real store and the real matching model (``encoder``)."""
from __future__ import annotations

import re

import pytest

from tests.web.conftest import ID_A


def _db():
    from models.store.db import connect

    return connect()


def _applications(worker_id: int, job_id: int | None = None) -> list[tuple]:
    db = _db()
    try:
        sql, params = "SELECT worker_id, job_id, status, source FROM applications WHERE worker_id = ?", [worker_id]
        if job_id is not None:
            sql += " AND job_id = ?"
            params.append(job_id)
        return db.execute(sql, params).fetchall()
    finally:
        db.conn.close()


def _field_block(html: str, name: str) -> str:
    """The ``<div class="field">`` that holds the input/select/textarea named ``name``."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.DOTALL):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name}")


def _cards(html: str) -> list[str]:
    return re.findall(r'<article class="job"[^>]*>.*?</article>', html, flags=re.DOTALL)


def _card_for(html: str, title: str) -> str:
    for card in _cards(html):
        if f">{title}</a>" in card:
            return card
    raise AssertionError(f"no card for {title}")


# --- 推荐岗位 --------------------------------------------------------------------------------------------------

def test_matches_show_the_fitting_job_with_reasons_and_never_one_needing_a_missing_certificate(site, world, encoder):
    html = site.login("worker_a").get("/me/matches").text
    card = _card_for(html, "电焊工")
    assert "青岛鑫达焊接有限公司" in card and "青岛" in card and "8000–12000元/月" in card
    reasons = re.search(r'<ul class="reasons">(.*?)</ul>', card, flags=re.DOTALL).group(1)
    assert "焊工证" in reasons or "焊接" in reasons
    assert "包吃住" in card  # benefits
    assert f'action="/jobs/{world.jobs["X1"]}/apply"' in card and ">投递<" in card
    assert "叉车司机" not in html  # J-X2 needs 叉车证, which W-A does not hold
    assert f"/jobs/{world.jobs['X2']}" not in html
    assert "资料还缺" not in html


def test_matches_mark_applied_jobs_and_note_a_thin_profile(site, world, encoder, web_app):
    from app.database import get_db
    from models.actions import applications as actions

    with web_app.app_context():
        actions.apply(get_db(), world.user(get_db(), "worker_a"), world.jobs["X1"])
        get_db().execute("UPDATE workers SET desired_jobs = NULL, skills = '[]', experience = NULL WHERE id = ?",
                         (world.workers["A"],))
    html = site.login("worker_a").get("/me/matches").text
    card = _card_for(html, "电焊工")
    assert "已投递" in card and "/apply" not in card
    assert "资料还缺" in html and 'href="/me/profile/edit"' in html


def test_matches_tell_a_placed_worker_kindly(site, world, encoder, web_app):
    from app.database import get_db
    from models.people.workers import set_worker_seeking

    with web_app.app_context():
        set_worker_seeking(get_db(), world.workers["A"], False)
    response = site.login("worker_a").get("/me/matches")
    assert response.status_code == 200
    assert "已经在岗" in response.text


# --- 投递 ------------------------------------------------------------------------------------------------------

def test_apply_creates_the_application_and_a_second_apply_is_refused(site, world, encoder):
    page = site.login("worker_a")
    x1 = world.jobs["X1"]
    response = page.post(f"/jobs/{x1}/apply", {"next": "/me/matches"}, from_url="/me/matches")
    assert response.status_code == 302 and response.location.endswith("/me/matches")
    rows = _applications(world.workers["A"], x1)
    assert rows == [(world.workers["A"], x1, "待处理", "worker")]
    html = page.get("/me/matches").text
    assert "已投递“电焊工”" in html
    assert "已投递" in _card_for(html, "电焊工")

    response = page.post(f"/jobs/{x1}/apply", {"next": "/me/matches"})
    assert response.status_code == 302
    html = page.get(response.location).text
    assert "已经投递过" in html
    assert len(_applications(world.workers["A"], x1)) == 1


def test_apply_redirects_only_to_same_site_paths(site, world, encoder):
    page = site.login("worker_a")
    response = page.post(f"/jobs/{world.jobs['Y1']}/apply", {"next": "https://evil.example/x"},
                         from_url=f"/jobs/{world.jobs['Y1']}")
    assert response.status_code == 302
    assert "evil" not in response.location and response.location.endswith(f"/jobs/{world.jobs['Y1']}")
    assert len(_applications(world.workers["A"], world.jobs["Y1"])) == 1


def test_worker_without_the_certificate_cannot_apply_even_by_posting_the_form(site, world):
    page = site.login("worker_b")
    x1 = world.jobs["X1"]
    html = page.get(f"/jobs/{x1}").text
    assert "焊工证" in html and "不能投递" in html
    assert f"/jobs/{x1}/apply" not in html  # no apply button
    response = page.post(f"/jobs/{x1}/apply", {"next": "/me/matches"})
    assert response.status_code == 302
    assert _applications(world.workers["B"]) == []
    html = page.get(response.location).text
    assert "不能投递" in html and "缺少必备证书：焊工证" in html


def test_apply_to_a_closed_job_is_refused_with_a_message(site, world, web_app):
    from app.database import get_db
    from models.hiring.jobs import set_job_status

    page = site.login("worker_b")
    page.get("/me/applications")
    with web_app.app_context():
        set_job_status(get_db(), world.jobs["Y1"], "closed")
    response = page.post(f"/jobs/{world.jobs['Y1']}/apply", {"next": "/me/applications"})
    assert response.status_code == 302
    assert "停止招聘" in page.get(response.location).text
    assert _applications(world.workers["B"]) == []
    assert page.get(f"/jobs/{world.jobs['Y1']}").status_code == 404  # can_view_job: closed is not for workers


def test_apply_without_csrf_token_is_refused_and_creates_nothing(site, world):
    page = site.login("worker_a")
    response = page.post(f"/jobs/{world.jobs['X1']}/apply", {"next": "/me/matches"}, csrf=False)
    assert response.status_code == 400
    assert _applications(world.workers["A"]) == []


# --- 找工作 ----------------------------------------------------------------------------------------------------

def test_search_by_city_returns_no_jobs_elsewhere(site, world, encoder):
    page = site.login("worker_a")
    html = page.get("/jobs?city=潍坊").text
    assert "缝纫工" in html
    assert "电焊工" not in html and "叉车司机" not in html
    assert "青岛鑫达" not in html
    assert '<option selected value="潍坊">' in html  # the filter stays chosen
    # the fit ranking still never shows a job the worker cannot take
    assert "叉车司机" not in page.get("/jobs").text


def test_search_filters_benefits_salary_and_keywords(site, world, encoder):
    page = site.login("worker_b")
    html = page.get("/jobs?benefits=夫妻房").text
    assert "缝纫工" in html and "电焊工" not in html
    html = page.get("/jobs?salary_floor=1万").text
    assert "缝纫工" not in html  # tops out at 8000
    html = page.get("/jobs?salary_floor=很多").text
    assert "月薪" in _field_block(html, "salary_floor") and 'class="error"' in _field_block(html, "salary_floor")
    html = page.get("/jobs?keywords=服装厂").text
    assert "缝纫工" in html


def test_search_for_other_roles_lists_open_postings(site, world):
    page = site.login("employer_y")
    html = page.get("/jobs").text
    for title in ("电焊工", "叉车司机", "缝纫工"):
        assert f">{title}</a>" in html
    html = page.get("/jobs?city=潍坊").text
    assert "缝纫工" in html and "电焊工" not in html and "叉车司机" not in html
    html = site.login("staff").get("/jobs?benefits=包住&keywords=叉车").text
    assert "叉车司机" in html and "缝纫工" not in html and "电焊工" not in html


# --- 岗位详情 --------------------------------------------------------------------------------------------------

def test_job_detail_escapes_the_description_and_shows_the_facts(site, world, encoder):
    page = site.login("worker_a")
    html = page.get(f"/jobs/{world.jobs['X1']}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for text in ("电焊工", "青岛鑫达焊接有限公司", "青岛", "8000–12000元/月", "5人", "18–55岁", "焊工证", "五险一金"):
        assert text in html, text
    assert "为什么适合您" in html and "持有焊工证" in html
    assert f'action="/jobs/{world.jobs["X1"]}/apply"' in html
    for role in ("employer_y", "staff"):
        html = site.login(role).get(f"/jobs/{world.jobs['X1']}").text
        assert "&lt;script&gt;" in html and "<script>alert(1)</script>" not in html
        assert "/apply" not in html


def test_job_detail_of_a_closed_posting_is_404_for_workers_but_not_its_employer(site, world, web_app):
    from app.database import get_db
    from models.hiring.jobs import set_job_status

    with web_app.app_context():
        set_job_status(get_db(), world.jobs["X2"], "closed")
    assert site.login("worker_a").get(f"/jobs/{world.jobs['X2']}").status_code == 404
    assert site.login("employer_y").get(f"/jobs/{world.jobs['X2']}").status_code == 404
    assert site.login("employer_x").get(f"/jobs/{world.jobs['X2']}").status_code == 200
    assert site.login("worker_a").get("/jobs/99999").status_code == 404


# --- 我的投递 --------------------------------------------------------------------------------------------------

def test_my_applications_show_status_source_and_employer(site, world, web_app):
    from app.database import get_db
    from models.actions import applications as actions

    with web_app.app_context():
        db = get_db()
        actions.apply(db, world.user(db, "worker_a"), world.jobs["X1"])
        rec = actions.recommend(db, world.user(db, "staff"), world.workers["A"], world.jobs["Y1"],
                                note="内部备注：不要给求职者看")
        actions.record_consent(db, world.user(db, "staff"), rec, "11月2日电话确认")
        actions.change_status(db, world.user(db, "staff"), rec, "面试", note="单位备注")
        actions.apply(db, world.user(db, "worker_b"), world.jobs["Y1"])
    html = site.login("worker_a").get("/me/applications").text
    own, recommended = _card_for(html, "电焊工"), _card_for(html, "缝纫工")
    assert "青岛鑫达焊接有限公司" in own and "已投递，等待单位查看" in own and "工作人员推荐" not in own
    assert "潍坊锦绣服饰有限公司" in recommended and "约了面试" in recommended and "工作人员推荐" in recommended
    assert re.search(r"\d{4}-\d{2}-\d{2}", own)
    assert "内部备注" not in html and "单位备注" not in html
    assert len(_cards(html)) == 2  # W-B's application is not W-A's


# --- 我的资料 --------------------------------------------------------------------------------------------------

def test_profile_shows_own_record_with_the_id_masked(site, world):
    html = site.login("worker_a").get("/me/profile").text
    assert "冉大山" in html and "13812345678" in html and "电焊证" in html and "酉阳" in html
    assert ID_A not in html
    assert ID_A[:6] + "********" + ID_A[-4:] in html
    assert ID_A not in site.login("worker_a").get("/me/profile/edit").text


def test_profile_edit_with_a_bad_phone_shows_the_error_by_the_field_and_keeps_the_input(site, world):
    page = site.login("worker_a")
    page.get("/me/profile/edit")
    form = {"name": "冉大山", "phone": "12345", "hukou_province": "重庆市", "hukou_county": "酉阳",
            "education": "初中", "skills": "电焊、氩弧焊", "certificates": "电焊证", "experience": "钢结构焊接五年",
            "desired_jobs": "电焊工、铆工", "desired_cities": "青岛、烟台", "expected_salary": "8千", "needs": "包吃住",
            "training_wanted": "想学氩弧焊"}
    response = page.post("/me/profile/edit", form)
    assert response.status_code == 200
    html = response.text
    phone = _field_block(html, "phone")
    assert 'class="error"' in phone and "手机号" in phone and 'value="12345"' in phone
    assert 'class="error"' not in _field_block(html, "skills")
    for name, value in (("skills", "电焊、氩弧焊"), ("desired_cities", "青岛、烟台"), ("expected_salary", "8千"),
                        ("training_wanted", "想学氩弧焊"), ("desired_jobs", "电焊工、铆工")):
        assert f'value="{value}"' in _field_block(html, name), name
    assert "钢结构焊接五年" in _field_block(html, "experience")
    db = _db()
    try:
        assert db.execute("SELECT phone, skills FROM workers WHERE id = ?", (world.workers["A"],)).fetchone() \
            == ("13812345678", '["电焊", "气保焊"]')
    finally:
        db.conn.close()


def test_profile_edit_saves_keeps_the_id_number_and_shows_the_change(site, world, web_app):
    page = site.login("worker_a")
    page.get("/me/profile/edit")
    form = {"name": "冉大山", "phone": "13900001111", "hukou_province": "重庆市", "hukou_county": "酉阳",
            "education": "高中", "skills": "电焊、氩弧焊", "certificates": "电焊证、叉车证", "experience": "钢结构焊接五年",
            "desired_jobs": "电焊工", "desired_cities": "青岛、烟台", "expected_salary": "8千", "needs": "包吃住、夫妻房",
            "training_wanted": ""}
    response = page.post("/me/profile/edit", form)
    assert response.status_code == 302 and response.location.endswith("/me/profile")
    from app.database import get_db
    from models.people.workers import get_worker, reveal_id_number

    with web_app.app_context():
        db = get_db()
        worker = get_worker(db, world.workers["A"])
        assert worker["phone"] == "13900001111" and worker["expected_salary"] == 8000
        assert worker["desired_cities"] == ["青岛", "烟台"] and worker["education"] == "高中"
        assert worker["certificates"] == ["电焊证", "叉车证"]
        assert worker["assistance_status"] == "脱贫享受政策人口" and worker["external_id"] == "W-A"
        assert worker["hukou_county"] == "酉阳土家族苗族自治县"
        assert reveal_id_number(db, world.workers["A"], None) == ID_A  # the stored ID is kept
    html = page.get(response.location).text
    assert "资料已保存" in html and "13900001111" in html and "青岛、烟台" in html and "叉车证" in html


def test_profile_edit_without_csrf_token_is_refused(site, world):
    page = site.login("worker_a")
    response = page.post("/me/profile/edit", {"name": "改名", "phone": "13900001111"}, csrf=False)
    assert response.status_code == 400
    db = _db()
    try:
        assert db.execute("SELECT name FROM workers WHERE id = ?", (world.workers["A"],)).fetchone()[0] == "冉大山"
    finally:
        db.conn.close()


# --- roles -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/me/matches", "/me/applications", "/me/profile", "/me/profile/edit"])
@pytest.mark.parametrize("role", ["employer_x", "staff", "admin"])
def test_other_roles_get_403_on_worker_pages(site, world, url, role):
    assert site.login(role).get(url).status_code == 403


@pytest.mark.parametrize("url", ["/me/matches", "/me/applications", "/me/profile", "/me/profile/edit", "/jobs",
                                 "/jobs/1"])
def test_anonymous_is_sent_to_login(site, world, url):
    response = site.anonymous().get(url)
    assert response.status_code == 302 and "/login" in response.location


def test_other_roles_cannot_apply(site, world):
    for role in ("employer_x", "staff"):
        page = site.login(role)
        response = page.post(f"/jobs/{world.jobs['Y1']}/apply", {}, from_url="/jobs")
        assert response.status_code == 403
    assert _applications(world.workers["A"]) == [] and _applications(world.workers["B"]) == []


def test_a_self_registered_worker_completes_the_profile(site, world, encoder):
    page = site.anonymous()
    page.get("/register")
    response = page.post("/register", {"name": "田小军", "phone": "13712345670", "password": "pass-Word-123",
                                       "hukou_province": "重庆市", "hukou_county": "酉阳",
                                       "assistance_status": "脱贫享受政策人口", "desired_jobs": ""})
    assert response.status_code == 302 and response.location.endswith("/me/profile/edit")
    html = page.get("/me/matches").text
    assert "资料还缺" in html
    page.get("/me/profile/edit")
    response = page.post("/me/profile/edit", {
        "name": "田小军", "phone": "13712345670", "hukou_province": "重庆市", "hukou_county": "酉阳县",
        "education": "初中", "skills": "缝纫", "certificates": "", "experience": "在服装厂干过两年",
        "desired_jobs": "缝纫工", "desired_cities": "潍坊", "expected_salary": "5000", "needs": "",
        "training_wanted": ""})
    assert response.status_code == 302
    html = page.get("/me/matches").text
    assert "资料还缺" not in html and ">缝纫工</a>" in html


def test_worker_accepts_declines_and_withdraws_on_my_applications(site, world, web_app):
    """我的投递: a recommendation shows the staff note with 接受/不接受; an application can be withdrawn; each
    button goes through the same action as the API, and the employer sees the answer."""
    from app.database import get_db
    from models.actions import applications as actions

    with web_app.app_context():
        db = get_db()
        staff = world.user(db, "staff")
        rec = actions.recommend(db, staff, world.workers["B"], world.jobs["Y1"], note="离家近，包吃住")
        own = actions.apply(db, world.user(db, "worker_a"), world.jobs["X1"])
    page = site.login("worker_b")
    html = page.get("/me/applications").text
    assert "离家近，包吃住" in html and "接受推荐" in html and "不接受" in html
    response = page.post(f"/me/applications/{rec}/accept", {}, from_url="/me/applications")
    assert response.status_code == 302
    assert "已接受推荐" in page.get(response.location).text
    with web_app.app_context():
        assert actions.get(get_db(), world.user(get_db(), "staff"), rec)["status"] == "待处理"
    # another worker's application: not theirs to know
    assert page.post(f"/me/applications/{own}/withdraw", {}, from_url="/me/applications").status_code == 404
    page_a = site.login("worker_a")
    page_a.get("/me/applications")
    response = page_a.post(f"/me/applications/{own}/withdraw", {}, from_url="/me/applications")
    assert response.status_code == 302 and "已撤回投递" in page_a.get(response.location).text
    assert "求职者已撤回" in site.login("employer_x").get("/employer/applications").text
    # accepting an application that is no recommendation is refused with the action's message
    response = page_a.post(f"/me/applications/{own}/accept", {}, from_url="/me/applications")
    assert "这不是等您确认的推荐" in page_a.get(response.location).text
