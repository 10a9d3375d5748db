"""Ranking rules without the model: hard filters and their edges, reasons, gender, stability, filters."""
from __future__ import annotations

import importlib.util
from datetime import date

import pytest

from matching import weights as W
from matching.features import need_met
from matching.ranker import combine, rank_jobs, semantic_scaler
from matching.service import SearchFilters
from models.hiring.eligibility import age_in_year, check_hard

TODAY = date(2026, 7, 1)
# education_rank comes from VALIDATION's models/validation.py; these tests skip until it exists.
needs_validation = pytest.mark.skipif(importlib.util.find_spec("models.intake.validation") is None,
                                      reason="models.intake.validation (VALIDATION) not written yet")


def worker(**kw) -> dict:
    base = {"id": 1, "external_id": "W1", "name": "测试", "birth_year": 1990, "education": "初中",
            "skills": [], "certificates": [], "experience": "", "desired_jobs": "", "desired_cities": [],
            "expected_salary": None, "needs": [], "gender": "男"}
    base.update(kw)
    return base


def job(**kw) -> dict:
    base = {"id": 1, "external_id": "J1", "employer_id": 1, "title": "普工", "description": "", "city": "青岛",
            "salary_min": 5000, "salary_max": 6000, "age_min": None, "age_max": None, "education_min": None,
            "required_certificates": [], "skills": [], "benefits": [], "status": "open"}
    base.update(kw)
    return base


# --- hard requirements ------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, ok", [("open", True), ("closed", False), ("filled", False)])
def test_only_open_jobs_pass(status, ok):
    assert check_hard(worker(), job(status=status), TODAY).ok is ok


@pytest.mark.parametrize("age, ok", [(17, False), (18, True), (45, True), (46, False)])
def test_age_boundaries_are_inclusive(age, ok):
    w = worker(birth_year=TODAY.year - age)
    result = check_hard(w, job(age_min=18, age_max=45), TODAY)
    assert result.ok is ok
    if not ok:
        assert any("年龄" in f for f in result.failures)


def test_age_is_the_age_reached_this_calendar_year():
    assert age_in_year(1981, date(2026, 1, 1)) == 45
    assert age_in_year(1981, date(2026, 12, 31)) == 45
    assert age_in_year(None, TODAY) is None


def test_missing_birth_year_keeps_the_job_but_flags_it_for_staff():
    result = check_hard(worker(birth_year=None), job(age_min=18, age_max=45), TODAY)
    assert result.ok
    assert "未填写出生年份，年龄要求待核实" in result.warnings
    # no age range on the job: nothing to verify, nothing to flag
    assert check_hard(worker(birth_year=None), job(), TODAY).warnings == []


@needs_validation
@pytest.mark.parametrize("have, need, ok", [
    ("中专/技校", "高中", True), ("高中", "中专/技校", True), ("初中", "高中", False), ("初中", "中专/技校", False),
    ("大专", "高中", True), ("小学及以下", "初中", False), ("本科及以上", "大专", True), ("高中", "大专", False),
])
def test_education_minimum_with_high_school_equal_to_vocational(have, need, ok):
    assert check_hard(worker(education=have), job(education_min=need), TODAY).ok is ok


@needs_validation
def test_missing_education_keeps_the_job_but_flags_it():
    result = check_hard(worker(education=None), job(education_min="高中"), TODAY)
    assert result.ok and any("学历" in w and "待核实" in w for w in result.warnings)


@pytest.mark.parametrize("held, required, ok", [
    (["特种作业操作证（焊接与热切割作业）"], "焊工证", True),
    (["焊工证"], "焊工证", True),
    ([], "焊工证", False),
    (["健康证"], "焊工证", False),
    (["低压电工证"], "高压电工作业证", False),
])
def test_required_certificates_after_normalisation(held, required, ok):
    result = check_hard(worker(certificates=held), job(required_certificates=[required]), TODAY)
    assert result.ok is ok
    if ok:
        assert result.held_certificates == [required]
    else:
        assert result.failures == [f"缺少必备证书：{required}"]


def test_every_required_certificate_is_needed():
    j = job(required_certificates=["A2驾驶证", "道路运输从业资格证"])
    assert not check_hard(worker(certificates=["A2驾驶证"]), j, TODAY).ok


@needs_validation
def test_ranker_never_returns_an_infeasible_job():
    w = worker(birth_year=TODAY.year - 50, education="初中", certificates=["叉车证"])
    jobs = [job(id=1, external_id="J1", status="closed"), job(id=2, external_id="J2", age_max=45),
            job(id=3, external_id="J3", education_min="高中"), job(id=4, external_id="J4",
                                                                 required_certificates=["焊工证"]),
            job(id=5, external_id="J5", required_certificates=["叉车证"], age_max=50)]
    ranked = rank_jobs(w, [(j, 0.8) for j in jobs], today=TODAY)
    assert [s.record["external_id"] for s in ranked] == ["J5"]


# --- reasons ----------------------------------------------------------------------------------------------

def test_reasons_in_plain_chinese_for_a_welder():
    w = worker(desired_jobs="电焊工", experience="在船厂干过三年，做过钢结构焊接，会二保焊",
               certificates=["特种作业操作证（焊接与热切割作业）"], desired_cities=["青岛"], expected_salary=7000,
               needs=["包吃住", "夫妻房"], skills=["二保焊"])
    j = job(title="钢结构焊工", city="青岛", salary_min=8000, salary_max=12000, required_certificates=["焊工证"],
            skills=["二保焊"], benefits=["包吃住", "夫妻房", "五险一金"], description="钢结构厂房焊接")
    [scored] = rank_jobs(w, [(j, 0.9)], today=TODAY)
    reasons = scored.reasons
    assert "持有焊工证" in reasons
    assert "意向城市：青岛" in reasons
    assert "月薪8000–12000元，高于期望" in reasons
    assert "提供包吃住、夫妻房" in reasons
    assert "做过钢结构焊接" in reasons
    assert any(r.startswith("技能相符") and "二保焊" in r for r in reasons)


def test_missing_data_warning_reaches_the_match():
    [scored] = rank_jobs(worker(birth_year=None), [(job(age_min=18, age_max=50), 0.8)], today=TODAY)
    assert "未填写出生年份，年龄要求待核实" in scored.warnings


def test_every_match_has_at_least_one_reason():
    bare_worker = worker(desired_jobs="", experience="", expected_salary=None)
    jobs = [job(id=i, external_id=f"J{i}", title=t, salary_min=None, salary_max=None)
            for i, t in enumerate(["会计", "挖掘机司机", "保洁"], 1)]
    ranked = rank_jobs(bare_worker, [(j, 0.7 + 0.01 * j["id"]) for j in jobs], today=TODAY)
    assert len(ranked) == 3 and all(s.reasons for s in ranked)


def test_preferences_move_jobs_but_do_not_hide_them():
    w = worker(desired_cities=["青岛"], expected_salary=8000, needs=["夫妻房"])
    home = job(id=1, external_id="J1", city="青岛", salary_min=8000, salary_max=9000, benefits=["夫妻房"])
    away = job(id=2, external_id="J2", city="菏泽", salary_min=4000, salary_max=5000)
    ranked = rank_jobs(w, [(away, 0.8), (home, 0.8)], today=TODAY)
    assert [s.record["external_id"] for s in ranked] == ["J1", "J2"]
    assert any("不在意向城市" in x for x in ranked[1].warnings)


# --- gender, stability, scoring -------------------------------------------------------------------------

def test_gender_never_changes_anything():
    jobs = [job(id=i, external_id=f"J{i}", title=t, city=c) for i, (t, c) in
            enumerate([("保洁", "青岛"), ("焊工", "青岛"), ("缝纫工", "潍坊"), ("保安", "济南")], 1)]
    sims = [0.71, 0.83, 0.77, 0.69]
    results = []
    for gender in ("男", "女", None):
        w = worker(gender=gender, desired_jobs="焊工", desired_cities=["青岛"])
        ranked = rank_jobs(w, [(j, s) for j, s in zip(jobs, sims)], today=TODAY)
        results.append([(s.record["id"], s.score, s.reasons, s.warnings) for s in ranked])
    assert results[0] == results[1] == results[2]


def test_stability_reorders_otherwise_equal_jobs():
    w = worker(desired_jobs="包装普工")
    a = job(id=1, external_id="J1", employer_id=10, title="包装普工")
    b = job(id=2, external_id="J2", employer_id=20, title="包装普工")
    order = lambda st: [s.record["id"] for s in rank_jobs(w, [(a, 0.8), (b, 0.8)], today=TODAY,
                                                            stability=st)]
    assert order(None) == [1, 2]
    assert order({10: 0.2, 20: 0.9}) == [2, 1]
    assert order({10: 0.9, 20: 0.2}) == [1, 2]
    assert order({}) == [1, 2]          # unknown employers: neutral


def test_semantic_rescaling_spreads_compressed_similarities():
    scale = semantic_scaler([0.66, 0.68, 0.70, 0.72, 0.93])
    assert scale(0.93) > 0.85 and scale(0.66) < 0.35
    assert semantic_scaler([0.8])(0.8) == W.NEUTRAL
    assert semantic_scaler([0.8, 0.8])(0.8) == W.NEUTRAL


def test_unverified_requirement_costs_a_little_score():
    j = job(age_min=18, age_max=50)
    known = rank_jobs(worker(), [(j, 0.8)], today=TODAY)[0]
    unknown = rank_jobs(worker(birth_year=None), [(j, 0.8)], today=TODAY)[0]
    assert unknown.score == pytest.approx(known.score - W.PENALTY_UNVERIFIED)
    assert 0.0 <= combine(known.signals) <= 1.0


# --- seeker search filters --------------------------------------------------------------------------------

def test_search_filters_are_constraints():
    f = SearchFilters.of({"city": "青岛", "salary_floor": 6000, "benefits": ["包吃住"], "keywords": "焊"})
    good = job(title="电焊工", city="青岛", salary_max=9000, benefits=["包吃住"])
    assert f.admits(good)
    assert not f.admits({**good, "city": "烟台"})
    assert not f.admits({**good, "salary_max": 5500, "salary_min": 5000})
    assert not f.admits({**good, "benefits": ["五险一金"]})
    assert not f.admits({**good, "title": "保洁"})
    assert SearchFilters.of(None) is None and SearchFilters.of({}).empty()


def test_needs_read_benefits_and_contradictions():
    assert need_met("包住", job(benefits=["包吃住"]))
    assert need_met("夫妻房", job(benefits=[], description="夫妻工有夫妻房"))
    assert not need_met("长白班", job(benefits=["长白班"], description="两班倒"))
    assert not need_met("夫妻房", job(benefits=["包住"]))
