"""Worker and job records: header mapping and clean_worker / clean_job on good and bad rows."""
from __future__ import annotations

import csv
from datetime import date

import pytest

from models.intake.records import JOB_FIELDS, WORKER_FIELDS, FieldError, clean_job, clean_worker, header_map
from models.intake.validation import credit_code_check_character, id_check_character

TODAY = date(2026, 6, 1)


def make_id(area: str, born: str, seq: str = "031") -> str:
    first17 = area + born + seq
    return first17 + id_check_character(first17)


def credit_code(first17: str = "91370211MA3C0001X") -> str:
    return first17 + credit_code_check_character(first17)


def worker(**overrides) -> dict:
    row = {
        "external_id": "W001", "name": "冉光明", "id_number": make_id("500242", "19880412", "031"),
        "phone": "139 8765 4321", "hukou_province": "重庆", "hukou_county": "酉阳县",
        "assistance_status": "脱贫户", "education": "初中", "skills": "电焊、气割",
        "certificates": "电焊证，叉车证", "experience": "在工地干过三年电焊", "desired_jobs": "焊工",
        "desired_cities": "青岛市、烟台", "expected_salary": "7千", "needs": "包吃住 夫妻房",
        "training_wanted": "",
    }
    row.update(overrides)
    return row


def job(**overrides) -> dict:
    row = {
        "external_id": "J001", "employer_name": "青岛海晟船舶配套有限公司", "employer_credit_code": credit_code(),
        "title": "电焊工", "description": "船体分段焊接，二保焊为主", "city": "青岛市", "district": "黄岛",
        "salary_min": "8000", "salary_max": "1.2万", "headcount": "5人", "age_min": "20", "age_max": "50",
        "education_min": "初中及以上", "required_certificates": "焊工证", "skills": "二保焊、立焊",
        "benefits": "包吃住，五险一金", "status": "招聘中",
    }
    row.update(overrides)
    return row


def fields_of(errors: list[FieldError]) -> list[str | None]:
    return [e.field for e in errors]


# --- headers ------------------------------------------------------------------------------------------

def test_fields_carry_the_contract_labels():
    assert WORKER_FIELDS["id_number"].label == "身份证号" and WORKER_FIELDS["hukou_county"].label == "户籍区县"
    assert JOB_FIELDS["employer_credit_code"].label == "统一社会信用代码" and JOB_FIELDS["title"].label == "岗位名称"
    contract_workers = ["external_id", "name", "id_number", "phone", "gender", "birth_year", "hukou_province",
                        "hukou_county", "assistance_status", "education", "skills", "certificates", "experience",
                        "desired_jobs", "desired_cities", "expected_salary", "needs", "training_wanted"]
    assert [f for f, spec in WORKER_FIELDS.items() if spec.stored] == contract_workers


def test_header_map_english_labels_and_aliases():
    headers = ["编号", "姓名", "身份证号码", "联系电话", "户籍所在县", "文化程度", "期望月薪（元/月）", " 手机号 ",
               "备注说明", "external_id"]
    mapped = header_map(headers, "workers")
    assert mapped["身份证号码"] == "id_number" and mapped["联系电话"] == "phone"
    assert mapped["户籍所在县"] == "hukou_county" and mapped["文化程度"] == "education"
    assert mapped["期望月薪（元/月）"] == "expected_salary"
    assert mapped["编号"] == "external_id" and mapped["external_id"] is None  # a field is mapped once
    assert mapped[" 手机号 "] is None  # phone already taken by 联系电话
    assert mapped["备注说明"] is None
    jobs = header_map(["单位名称", "招聘岗位", "工作地点", "薪资待遇", "年龄要求", "学历要求", "性别", "区县*"], "jobs")
    assert jobs == {"单位名称": "employer_name", "招聘岗位": "title", "工作地点": "city", "薪资待遇": "salary_range",
                    "年龄要求": "age_range", "学历要求": "education_min", "性别": "gender_requirement",
                    "区县*": "district"}


# --- workers ------------------------------------------------------------------------------------------

def test_clean_worker_canonical_record():
    record, errors = clean_worker(worker(), today=TODAY)
    assert errors == []
    assert record["id_number"] == make_id("500242", "19880412", "031")
    assert (record["gender"], record["birth_year"]) == ("男", 1988)
    assert record["phone"] == "13987654321"
    assert (record["hukou_province"], record["hukou_county"], record["hukou_county_code"]) == (
        "重庆市", "酉阳土家族苗族自治县", "500242")
    assert record["assistance_status"] == "脱贫享受政策人口" and record["education"] == "初中"
    assert record["skills"] == ["电焊", "气割"] and record["certificates"] == ["电焊证", "叉车证"]
    assert record["desired_cities"] == ["青岛", "烟台"] and record["needs"] == ["包吃住", "夫妻房"]
    assert record["expected_salary"] == 7000 and record["training_wanted"] is None


def test_clean_worker_accepts_json_values():
    record, errors = clean_worker(worker(skills=["电焊"], certificates=[], desired_cities=["济南"],
                                         expected_salary=6500, phone=13987654321), today=TODAY)
    assert errors == [] and record["skills"] == ["电焊"] and record["expected_salary"] == 6500
    assert record["phone"] == "13987654321"


def test_bad_worker_row_lists_every_problem():
    bad_id = make_id("500242", "19880412")[:17] + "0"
    if bad_id == make_id("500242", "19880412"):
        bad_id = bad_id[:17] + "1"
    record, errors = clean_worker(worker(name="", id_number=bad_id, phone="12345", hukou_county="不存在县",
                                         education="博士后", assistance_status="富裕户",
                                         desired_cities="北京、青岛", expected_salary="很多"), today=TODAY)
    assert record is None
    assert fields_of(errors) == ["name", "id_number", "phone", "hukou_county", "assistance_status", "education",
                                 "desired_cities", "expected_salary"]
    assert all(e.message for e in errors)
    assert "北京" in errors[6].message


def test_required_fields():
    record, errors = clean_worker({"name": "  "}, today=TODAY)
    assert record is None and fields_of(errors) == ["external_id", "name"]
    record, errors = clean_worker({"external_id": "W9", "name": "张" * 31}, today=TODAY)
    assert record is None and "30" in errors[0].message


def test_optional_empty_fields_are_fine():
    record, errors = clean_worker({"external_id": "W9", "name": "马小花", "id_number": "", "phone": "无",
                                   "certificates": "/", "expected_salary": "-", "education": None}, today=TODAY)
    assert errors == []
    assert record["id_number"] is None and record["phone"] is None and record["certificates"] == []
    assert record["expected_salary"] is None and record["gender"] is None and record["birth_year"] is None


def test_under_sixteen_is_rejected():
    number = make_id("622926", "20100602")  # 16 the day after TODAY
    record, errors = clean_worker(worker(id_number=number), today=TODAY)
    assert record is None and fields_of(errors) == ["id_number"] and "16" in errors[0].message
    record, errors = clean_worker(worker(id_number=make_id("622926", "20100601")), today=TODAY)
    assert errors == [] and record["birth_year"] == 2010
    record, errors = clean_worker(worker(id_number="", birth_year="2012"), today=TODAY)
    assert record is None and fields_of(errors) == ["birth_year"]
    record, errors = clean_worker(worker(id_number="", age="15"), today=TODAY)
    assert record is None and fields_of(errors) == ["birth_year"]


def test_future_birth_date_in_id():
    record, errors = clean_worker(worker(id_number=make_id("500242", "20270101")), today=TODAY)
    assert record is None and "晚于今天" in errors[0].message


def test_gender_and_birth_year_must_agree_with_the_id():
    record, errors = clean_worker(worker(gender="男", birth_year="1988"), today=TODAY)
    assert errors == [] and record["gender"] == "男"
    record, errors = clean_worker(worker(gender="女", birth_year="1990"), today=TODAY)
    assert record is None and fields_of(errors) == ["gender", "birth_year"]


def test_without_id_number_gender_and_birth_year_are_taken_as_given():
    record, errors = clean_worker(worker(id_number="", gender="女性", birth_year="1979年"), today=TODAY)
    assert errors == [] and (record["gender"], record["birth_year"]) == ("女", 1979)
    record, errors = clean_worker(worker(id_number="", age="40"), today=TODAY)
    assert errors == [] and record["birth_year"] == 1986


@pytest.mark.parametrize("province,county,expected", [
    ("甘肃省", "东乡县", ("甘肃省", "东乡族自治县", "622926")),
    ("甘肃", "积石山县", ("甘肃省", "积石山保安族东乡族撒拉族自治县", "622927")),
    ("", "彭水", ("重庆市", "彭水苗族土家族自治县", "500243")),   # province from the county (unique)
    ("", "", (None, None, None)),
])
def test_hukou_resolution(province, county, expected):
    record, errors = clean_worker(worker(hukou_province=province, hukou_county=county), today=TODAY)
    assert errors == []
    assert (record["hukou_province"], record["hukou_county"], record["hukou_county_code"]) == expected


def test_hukou_errors():
    _, errors = clean_worker(worker(hukou_province="甘肃省", hukou_county="酉阳县"), today=TODAY)
    assert fields_of(errors) == ["hukou_county"] and "重庆市" in errors[0].message
    _, errors = clean_worker(worker(hukou_province="甘肃", hukou_county="临夏"), today=TODAY)
    assert "多个" in errors[0].message
    _, errors = clean_worker(worker(hukou_province="甘肃", hukou_county="兰州新区"), today=TODAY)
    assert "开发区" in errors[0].message
    _, errors = clean_worker(worker(hukou_province="火星", hukou_county="酉阳"), today=TODAY)
    assert fields_of(errors) == ["hukou_province"]
    _, errors = clean_worker(worker(hukou_province="", hukou_county="市中区", id_number=""), today=TODAY)
    assert fields_of(errors) == ["hukou_county"] and "户籍省份" in errors[0].message


def test_hukou_from_address_when_county_missing():
    record, errors = clean_worker(worker(hukou_province="", hukou_county="",
                                         hukou_address="甘肃省临夏州东乡县锁南镇某村"), today=TODAY)
    assert errors == [] and record["hukou_county"] == "东乡族自治县" and record["hukou_province"] == "甘肃省"


def test_desired_cities_anywhere_and_districts():
    record, _ = clean_worker(worker(desired_cities="不限"), today=TODAY)
    assert record["desired_cities"] == []
    record, _ = clean_worker(worker(desired_cities="黄岛、青岛、济南市"), today=TODAY)
    assert record["desired_cities"] == ["青岛", "济南"]


def test_hostile_text_is_kept_as_plain_text():
    text = '<script>alert("x")</script><b>会烧电焊</b> & 开过叉车'
    record, errors = clean_worker(worker(experience=text, name="<img src=x onerror=alert(1)>"), today=TODAY)
    assert errors == [] and record["experience"] == text and record["name"].startswith("<img")
    record, errors = clean_worker(worker(experience="会电焊\x00\x07"), today=TODAY)
    assert record["experience"] == "会电焊"


# --- jobs ---------------------------------------------------------------------------------------------

def test_clean_job_canonical_record():
    record, errors = clean_job(job())
    assert errors == []
    assert record == {
        "external_id": "J001", "employer_name": "青岛海晟船舶配套有限公司", "employer_credit_code": credit_code(),
        "title": "电焊工", "description": "船体分段焊接，二保焊为主", "city": "青岛", "district": "黄岛区",
        "salary_min": 8000, "salary_max": 12000, "headcount": 5, "age_min": 20, "age_max": 50,
        "education_min": "初中", "required_certificates": ["焊工证"], "skills": ["二保焊", "立焊"],
        "benefits": ["包吃住", "五险一金"], "status": "open",
    }


def test_job_defaults():
    record, errors = clean_job({"external_id": "J2", "employer_name": "淄博某厂", "title": "普工", "city": "淄博"})
    assert errors == []
    assert record["headcount"] == 1 and record["status"] == "open" and record["education_min"] is None
    assert record["required_certificates"] == [] and record["salary_min"] is None
    record, _ = clean_job(job(headcount="若干", education_min="不限", required_certificates="无"))
    assert record["headcount"] == 1 and record["education_min"] is None and record["required_certificates"] == []


def test_bad_job_row_lists_every_problem():
    record, errors = clean_job(job(employer_name="", employer_credit_code="91110000600037341M", title="",
                                   city="北京", salary_min="9000", salary_max="6000", headcount="0",
                                   age_min="14", education_min="博士后", status="maybe"))
    assert record is None
    assert fields_of(errors) == ["employer_name", "employer_credit_code", "title", "city", "salary_max",
                                 "headcount", "age_min", "education_min", "status"]


def test_job_city_is_required_unless_the_district_names_it():
    record, errors = clean_job(job(city=""))
    assert errors == [] and record["city"] == "青岛" and record["district"] == "黄岛区"
    record, errors = clean_job(job(city="", district=""))
    assert record is None and fields_of(errors) == ["city"]


def test_district_must_lie_in_the_city():
    record, errors = clean_job(job(city="烟台", district="黄岛区"))
    assert record is None and fields_of(errors) == ["district"] and "青岛" in errors[0].message
    record, errors = clean_job(job(city="济南", district="市中区"))
    assert errors == [] and record["district"] == "市中区"
    record, errors = clean_job(job(city="烟台", district="烟台经济技术开发区"))
    assert errors == [] and record["district"] == "烟台经济技术开发区"  # a park is kept as written


def test_age_limits():
    record, errors = clean_job(job(age_min="16", age_max="16"))
    assert errors == [] and (record["age_min"], record["age_max"]) == (16, 16)
    _, errors = clean_job(job(age_min="50", age_max="45"))
    assert fields_of(errors) == ["age_max"]
    _, errors = clean_job(job(age_min="15"))
    assert fields_of(errors) == ["age_min"] and "16" in errors[0].message
    _, errors = clean_job(job(age_max="120"))
    assert fields_of(errors) == ["age_max"]
    record, errors = clean_job(job(age_min="", age_max="", age_range="18-45岁"))
    assert errors == [] and (record["age_min"], record["age_max"]) == (18, 45)


def test_salary_range_column():
    record, errors = clean_job(job(salary_min="", salary_max="", salary_range="6-8千元/月"))
    assert errors == [] and (record["salary_min"], record["salary_max"]) == (6000, 8000)
    record, errors = clean_job(job(salary_min="", salary_max="", salary_range="面议"))
    assert errors == [] and record["salary_min"] is None and record["salary_max"] is None
    _, errors = clean_job(job(salary_min="", salary_max="", salary_range="200元/天"))
    assert fields_of(errors) == ["salary_range"]


@pytest.mark.parametrize("value", ["男", "限男性", "女", "男性优先"])
def test_gender_requirement_is_rejected(value):
    record, errors = clean_job(job(gender_requirement=value))
    assert record is None and fields_of(errors) == ["gender_requirement"] and "性别" in errors[0].message


@pytest.mark.parametrize("value", ["不限", "男女不限", "", None])
def test_no_gender_requirement_passes(value):
    record, errors = clean_job(job(gender_requirement=value))
    assert errors == [] and "gender_requirement" not in record


def test_hostile_job_text_kept():
    text = "<script>alert(1)</script>负责车间焊接"
    record, _ = clean_job(job(description=text, title="<b>焊工</b>"))
    assert record["description"] == text and record["title"] == "<b>焊工</b>"


# --- through the ledger import ------------------------------------------------------------------------

def test_staff_ledger_with_alias_headers_imports(db, tmp_path):
    from models.access import EVERYTHING
    from models.intake.ledger import import_file
    from models.people.workers import get_worker_by_external_id

    path = tmp_path / "台账.csv"
    with path.open("w", encoding="gbk", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["人员编号", "姓名", "身份证号码", "联系电话", "户籍省", "户籍所在县", "文化程度", "帮扶类型",
                      "持有证书", "意向务工地", "期望工资（元）"])
        out.writerow(["YY-001", "冉光明", make_id("500242", "19880412"), "13987654321", "重庆", "酉阳",
                      "中专", "监测户", "电焊证、叉车证", "青岛、潍坊", "6千"])
        out.writerow(["YY-002", "田小芳", make_id("500242", "19880230"), "13987654322", "重庆", "酉阳",
                      "初中", "脱贫户", "", "", ""])
    result = import_file(db, "workers", path, scope=EVERYTHING, progress=False, today=TODAY)
    assert (result.added, result.rejected) == (1, 1), result.rejections
    assert result.rejections[0][:2] == (3, "id_number")
    stored = get_worker_by_external_id(db, "YY-001")
    assert stored["hukou_county"] == "酉阳土家族苗族自治县" and stored["education"] == "中专/技校"
    assert stored["assistance_status"] == "防止返贫监测对象" and stored["desired_cities"] == ["青岛", "潍坊"]
    assert stored["expected_salary"] == 6000
