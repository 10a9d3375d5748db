"""Validation rules (models.intake.validation, models.intake.reference) with real and broken values."""
from __future__ import annotations

from datetime import date

import pytest

from models.intake import reference
from models.intake.validation import (
    ValidationError,
    check_credit_code,
    check_id_number,
    check_phone,
    check_working_age,
    credit_code_check_character,
    education_rank,
    id_check_character,
    normalise_assistance_status,
    normalise_city,
    normalise_education,
    normalise_gender,
    normalise_job_status,
    parse_age_range,
    parse_int,
    parse_salary,
    parse_salary_range,
    resolve_county,
    resolve_province,
    split_list,
)

TODAY = date(2026, 6, 1)


def make_id(area: str, born: str, seq: str = "003") -> str:
    first17 = area + born + seq
    return first17 + id_check_character(first17)


# --- resident ID --------------------------------------------------------------------------------------

def test_id_check_digit_matches_published_example():
    # GB 11643's worked example: 11010519491231002X.
    assert id_check_character("11010519491231002") == "X"
    info = check_id_number("11010519491231002x", TODAY)
    assert info.number == "11010519491231002X" and info.gender == "女"
    assert info.birth_date == date(1949, 12, 31) and info.area_code == "110105"


def test_real_id_gives_birth_date_gender_area():
    number = make_id("500242", "19900305", "031")
    info = check_id_number(f" {number[:6]} {number[6:14]} {number[14:]} ", TODAY)
    assert info.number == number and info.birth_year == 1990 and info.gender == "男"
    assert info.area_code == "500242"
    assert check_id_number(make_id("622926", "19850101", "042"), TODAY).gender == "女"


@pytest.mark.parametrize("area", [
    "622927",  # 积石山 (county)
    "370200",  # 青岛市 (prefecture)
    "500000",  # 重庆市 (province level)
    "500234",  # 开县: renamed 开州区 in 2016, old IDs keep the code
    "622626",  # 文县 under the former 陇南地区 (before 2004)
    "810000",  # Hong Kong residence permit
])
def test_current_and_historical_area_codes_are_accepted(area):
    assert check_id_number(make_id(area, "19800101"), TODAY).area_code == area


@pytest.mark.parametrize("value,reason", [
    ("", "为空"),
    ("50024219900305003", "18 位"),
    ("500242900305003", "15 位"),
    ("5002421990030500AX", "格式"),
    ("50024219900305003Y", "格式"),
])
def test_malformed_ids(value, reason):
    with pytest.raises(ValidationError) as exc:
        check_id_number(value, TODAY)
    assert reason in exc.value.message and exc.value.field == "id_number"


def test_bad_check_digit():
    good = make_id("500242", "19900305")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        check_id_number(bad, TODAY)


def test_impossible_birth_date():
    with pytest.raises(ValidationError, match="不是真实的日期"):
        check_id_number(make_id("500242", "19900230"), TODAY)
    with pytest.raises(ValidationError, match="不是真实的日期"):
        check_id_number(make_id("500242", "19901301"), TODAY)


def test_future_birth_date():
    with pytest.raises(ValidationError, match="晚于今天"):
        check_id_number(make_id("500242", "20260602"), TODAY)
    assert check_id_number(make_id("500242", "20260601"), TODAY)  # born today: a real ID (of a baby)


@pytest.mark.parametrize("area", ["999999", "500299", "620199", "123456"])
def test_unknown_area_code(area):
    with pytest.raises(ValidationError, match="地区码不存在"):
        check_id_number(make_id(area, "19900101"), TODAY)


def test_messages_never_repeat_the_number():
    number = make_id("999999", "19900101")
    for value in (number, number[:17] + ("1" if number[17] != "1" else "2"), make_id("500242", "19900230")):
        with pytest.raises(ValidationError) as exc:
            check_id_number(value, TODAY)
        assert value not in exc.value.message and value[6:14] not in exc.value.message


def test_working_age():
    assert check_working_age(date(2010, 6, 1), TODAY) == 16  # 16th birthday today
    with pytest.raises(ValidationError, match="未满 16 周岁"):
        check_working_age(date(2010, 6, 2), TODAY, field="id_number")
    with pytest.raises(ValidationError, match="未满 16 周岁") as exc:
        check_working_age(2011, TODAY)
    assert exc.value.field == "birth_year"
    assert check_working_age(2010, TODAY) == 16
    with pytest.raises(ValidationError, match="超过 100"):
        check_working_age(1900, TODAY)


def test_validation_error_is_a_value_error_with_field_and_message():
    err = ValidationError("手机号格式不对", "phone")
    assert isinstance(err, ValueError) and str(err) == "手机号格式不对" and err.field == "phone"


# --- phone, credit code -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["13912345678", "139 1234 5678", "139-1234-5678", "+86 139 1234 5678",
                                   "+8613912345678", "008613912345678", "8613912345678", "１３９１２３４５６７８",
                                   13912345678])
def test_good_phones(value):
    assert check_phone(value) == "13912345678"


@pytest.mark.parametrize("value,reason", [("12345", "11 位"), ("12912345678", "13–19"), ("1391234567x", "数字"),
                                          ("0531-88886666", "11 位"), ("139123456789", "11 位")])
def test_bad_phones(value, reason):
    with pytest.raises(ValidationError) as exc:
        check_phone(value)
    assert reason in exc.value.message and exc.value.field == "phone"
    assert value not in exc.value.message


def test_credit_codes():
    assert check_credit_code("91110000600037341L") == "91110000600037341L"  # published example
    assert check_credit_code("9111 0000 6000 3734 1l") == "91110000600037341L"
    first17 = "91370200MA3C12345"
    code = first17 + credit_code_check_character(first17)
    assert check_credit_code(code) == code
    with pytest.raises(ValidationError, match="校验位"):
        check_credit_code("91110000600037341M")
    with pytest.raises(ValidationError, match="18 位"):
        check_credit_code("9111000060003734")
    with pytest.raises(ValidationError, match="不允许的字符") as exc:
        check_credit_code("91110000600O37341L")
    assert exc.value.field == "employer_credit_code"


# --- provinces, counties, cities -----------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [("重庆", "重庆市"), ("重庆市", "重庆市"), ("甘肃", "甘肃省"),
                                            ("甘肃省", "甘肃省"), ("山东", "山东省"), ("广西", "广西壮族自治区"),
                                            (" 内蒙古 ", "内蒙古自治区")])
def test_provinces(value, expected):
    assert resolve_province(value) == expected


def test_unknown_province():
    with pytest.raises(ValidationError, match="省份") as exc:
        resolve_province("渝州省")
    assert exc.value.field == "hukou_province"


@pytest.mark.parametrize("province,county,name,code", [
    ("重庆市", "酉阳土家族苗族自治县", "酉阳土家族苗族自治县", "500242"),
    ("重庆市", "酉阳县", "酉阳土家族苗族自治县", "500242"),
    ("重庆", "酉阳", "酉阳土家族苗族自治县", "500242"),
    ("重庆", "酉阳自治县", "酉阳土家族苗族自治县", "500242"),
    ("重庆", "彭水", "彭水苗族土家族自治县", "500243"),
    ("重庆", "彭水县", "彭水苗族土家族自治县", "500243"),
    ("重庆", "秀山县", "秀山土家族苗族自治县", "500241"),
    ("重庆", "石柱", "石柱土家族自治县", "500240"),
    ("重庆", "城口", "城口县", "500229"),
    ("重庆", "巫溪县", "巫溪县", "500238"),
    ("重庆", "重庆市奉节县", "奉节县", "500236"),
    ("重庆", "开县", "开州区", "500154"),       # former name (2016)
    ("重庆", "梁平县", "梁平区", "500155"),     # 县 → 区
    ("甘肃省", "东乡县", "东乡族自治县", "622926"),
    ("甘肃", "东乡", "东乡族自治县", "622926"),
    ("甘肃", "积石山县", "积石山保安族东乡族撒拉族自治县", "622927"),
    ("甘肃", "积石山", "积石山保安族东乡族撒拉族自治县", "622927"),
    ("甘肃", "临夏州东乡县", "东乡族自治县", "622926"),
    ("甘肃", "甘肃省临夏回族自治州临夏县", "临夏县", "622921"),
    ("甘肃", "临夏县", "临夏县", "622921"),
    ("甘肃", "宕昌", "宕昌县", "621223"),
    ("甘肃", "礼县", "礼县", "621226"),
    ("甘肃", "岷县", "岷县", "621126"),
    ("甘肃", "通渭", "通渭县", "621121"),
    ("甘肃", "嘉峪关市", "嘉峪关市", "620201"),
    ("山东", "平度", "平度市", "370283"),
    ("山东", "济南市市中区", "市中区", "370103"),
    ("山东", "枣庄市中区", "市中区", "370402"),
])
def test_counties_full_and_short_names(province, county, name, code):
    found = resolve_county(province, county)
    assert (found.name, found.code) == (name, code)


def test_county_carries_province_and_city():
    found = resolve_county("甘肃", "东乡县")
    assert (found.province, found.city) == ("甘肃省", "临夏回族自治州")
    assert resolve_county("重庆", "酉阳").city == "重庆市"


def test_ambiguous_county_names_are_rejected_saying_so():
    with pytest.raises(ValidationError) as exc:
        resolve_county("甘肃", "临夏")
    assert "多个" in exc.value.message and "临夏县" in exc.value.message and "临夏市" in exc.value.message
    with pytest.raises(ValidationError, match="济南市市中区"):
        resolve_county("山东", "市中区")


def test_development_zones_are_not_counties():
    assert reference.county_by_code("620171").is_development_zone
    with pytest.raises(ValidationError, match="开发区") as exc:
        resolve_county("甘肃", "兰州新区")
    assert exc.value.field == "hukou_county"
    with pytest.raises(ValidationError, match="开发区"):
        resolve_county("山东", "烟台高新技术产业开发区")
    with pytest.raises(ValidationError, match="开发区"):
        resolve_county("山东", "威海经开区")


def test_county_of_another_province_is_named():
    with pytest.raises(ValidationError) as exc:
        resolve_county("甘肃省", "酉阳县")
    assert "不在甘肃省" in exc.value.message and "重庆市" in exc.value.message


@pytest.mark.parametrize("county,reason", [("不存在县", "不是甘肃省的区县"), ("临夏州", "地级"), ("", "为空")])
def test_unknown_counties(county, reason):
    with pytest.raises(ValidationError, match=reason):
        resolve_county("甘肃", county)


def test_county_with_bad_province_names_the_province_field():
    with pytest.raises(ValidationError) as exc:
        resolve_county("火星", "酉阳")
    assert exc.value.field == "hukou_province"


@pytest.mark.parametrize("value,expected", [("青岛", "青岛"), ("青岛市", "青岛"), (" 济南市 ", "济南"),
                                            ("山东省烟台市", "烟台"), ("山东菏泽", "菏泽"), ("平度", "青岛"),
                                            ("黄岛区", "青岛"), ("即墨", "青岛")])
def test_shandong_cities(value, expected):
    assert normalise_city(value) == expected


def test_all_sixteen_cities_with_and_without_shi():
    assert len(reference.SHANDONG_CITIES) == 16
    for city in reference.SHANDONG_CITIES:
        assert normalise_city(city) == city == normalise_city(city + "市")


@pytest.mark.parametrize("value", ["北京", "重庆市", "青岛县", "市中区", "胶东", ""])
def test_not_shandong_cities(value):
    with pytest.raises(ValidationError, match="16 个地级市") as exc:
        normalise_city(value)
    assert exc.value.field == "city"


# --- enums --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("中专", "中专/技校"), ("技校", "中专/技校"), ("职高", "中专/技校"), ("中专/技校", "中专/技校"),
    ("中专（技校）", "中专/技校"), ("大学本科", "本科及以上"), ("本科", "本科及以上"), ("硕士研究生", "本科及以上"),
    ("专科", "大专"), ("大专", "大专"), ("高职", "大专"), ("小学", "小学及以下"), ("文盲", "小学及以下"),
    ("初中", "初中"), ("初中毕业", "初中"), ("初中及以上", "初中"), ("高中", "高中"), ("高中以上", "高中"),
])
def test_education_variants(value, expected):
    assert normalise_education(value) == expected


def test_education_order():
    assert education_rank("小学及以下") < education_rank("初中") < education_rank("高中") < education_rank("大专")
    assert education_rank("高中") == education_rank("技校") == education_rank("中专/技校")
    assert education_rank("大专") < education_rank("本科")
    with pytest.raises(ValueError):
        education_rank("博士后")


@pytest.mark.parametrize("value", ["博士后", "幼儿园毕业生", "xx"])
def test_unknown_education(value):
    with pytest.raises(ValidationError, match="学历"):
        normalise_education(value)


@pytest.mark.parametrize("value,expected", [
    ("脱贫户", "脱贫享受政策人口"), ("脱贫人口", "脱贫享受政策人口"), ("建档立卡贫困户", "脱贫享受政策人口"),
    ("监测户", "防止返贫监测对象"), ("边缘户", "防止返贫监测对象"), ("边缘易致贫户", "防止返贫监测对象"),
    ("脱贫不稳定户", "防止返贫监测对象"), ("低保户", "低保对象"), ("低保", "低保对象"), ("五保户", "特困人员"),
    ("特困供养人员", "特困人员"), ("一般农户", "一般农村劳动力"), ("脱贫户、低保户", "脱贫享受政策人口"),
    ("低保户/监测户", "防止返贫监测对象"),
])
def test_assistance_status_variants(value, expected):
    assert normalise_assistance_status(value) == expected


def test_unknown_assistance_status():
    with pytest.raises(ValidationError, match="帮扶身份") as exc:
        normalise_assistance_status("富裕户")
    assert exc.value.field == "assistance_status"


def test_gender_and_job_status():
    assert [normalise_gender(v) for v in ("男", "女性", "M", "female")] == ["男", "女", "男", "女"]
    with pytest.raises(ValidationError):
        normalise_gender("未知")
    assert [normalise_job_status(v) for v in ("open", "招聘中", "已关闭", "已招满", "CLOSED")] == [
        "open", "open", "closed", "filled", "closed"]
    with pytest.raises(ValidationError, match="岗位状态"):
        normalise_job_status("maybe")


# --- lists and numbers --------------------------------------------------------------------------------

def test_split_list_on_every_separator():
    assert split_list("电焊、叉车，钢筋,木工；瓦工;油漆 水电\t抹灰") == [
        "电焊", "叉车", "钢筋", "木工", "瓦工", "油漆", "水电", "抹灰"]
    assert split_list("电焊、、电焊 ,") == ["电焊"]
    assert split_list(None) == [] and split_list("") == [] and split_list("无") == []
    assert split_list(["电工、焊工", " 叉车证 "]) == ["电工", "焊工", "叉车证"]
    assert split_list('["低压电工证", "焊工证"]') == ["低压电工证", "焊工证"]


def test_split_list_keeps_brackets_together():
    assert split_list("特种作业操作证 （焊接与热切割作业）、叉车证(N1, N2)") == [
        "特种作业操作证（焊接与热切割作业）", "叉车证(N1, N2)"]


@pytest.mark.parametrize("value,expected", [
    ("8000", 8000), ("8千", 8000), ("0.8万", 8000), ("8000元", 8000), ("8k", 8000), ("8K", 8000),
    ("8,000", 8000), ("8000元/月", 8000), ("月薪8000左右", 8000), ("七千五", 7500), ("1万2", 12000),
    ("6000-8000", 6000), (8000, 8000), (7999.6, 8000), ("面议", None), ("", None), (None, None),
])
def test_salaries(value, expected):
    assert parse_salary(value) == expected


@pytest.mark.parametrize("value", ["8", "200/天", "30元/小时", "很多", "8000000"])
def test_bad_salaries(value):
    with pytest.raises(ValidationError):
        parse_salary(value, "期望月薪", "expected_salary")


def test_salary_ranges():
    assert parse_salary_range("6000-8000") == (6000, 8000)
    assert parse_salary_range("6-8千") == (6000, 8000)
    assert parse_salary_range("0.6~0.8万") == (6000, 8000)
    assert parse_salary_range("6千至8千元") == (6000, 8000)
    assert parse_salary_range("8000以上") == (8000, None)
    assert parse_salary_range("5000以下") == (None, 5000)
    assert parse_salary_range("面议") == (None, None)


def test_ints_and_age_ranges():
    assert parse_int("5人", "招聘人数") == 5 and parse_int(5.0, "x") == 5 and parse_int("", "x") is None
    with pytest.raises(ValidationError, match="不是整数"):
        parse_int("五个", "招聘人数", "headcount")
    assert parse_age_range("18-50岁") == (18, 50)
    assert parse_age_range("18至45周岁") == (18, 45)
    assert parse_age_range("50岁以下") == (None, 50)
    assert parse_age_range("18岁以上") == (18, None)
    assert parse_age_range("不限") == (None, None)
    with pytest.raises(ValidationError):
        parse_age_range("年轻")
