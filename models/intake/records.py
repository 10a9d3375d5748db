"""Worker and job records: the fields of the data contract, their ledger headers, and cleaning.

``WORKER_FIELDS`` / ``JOB_FIELDS`` map each SCHEMA.md field name to a ``FieldSpec``: the Chinese label of
the contract plus the header aliases staff use in Excel (身份证号码, 联系电话, 户籍所在县, 文化程度 …).
``header_map(headers, kind)`` maps a ledger's header row onto field names.

``clean_worker(raw)`` / ``clean_job(raw)`` take one raw row (strings from CSV/Excel, or JSON values) and
return ``(record, errors)``: the record with SCHEMA.md field names and canonical values (lists as
``list[str]``, numbers as ``int``, enums canonical, ID number normalised, county resolved), or ``None``
when any field breaks a rule, with *every* problem listed as a ``FieldError(field, message)``. Empty
optional fields are fine; the usual "nothing here" markers (无, /, -, 暂无) count as empty.

Input-only columns (read, never stored):
- workers: 年龄 (``age``, gives ``birth_year`` when there is no ID number), 户籍地址 (``hukou_address``,
  gives province and county when those columns are empty: 重庆市酉阳县龙潭镇… → 酉阳土家族苗族自治县);
- jobs: 月薪范围 (``salary_range``: 6000-8000, 6-8千), 年龄要求 (``age_range``: 18-50岁, 50岁以下), and
  性别要求 (``gender_requirement``).

Decisions:
- A posting that requires a gender is **rejected** on ``gender_requirement`` (不限、男女不限 pass). The
  contract says a posting may not require one, and the law agrees (《就业促进法》第二十七条,
  《妇女权益保障法》第四十三条); rejecting tells the employer to fix the posting instead of publishing a
  posting that silently differs from what they wrote. Gender never filters or ranks a match.
- A worker's gender and birth year come from the ID number; given values that contradict it are errors.
- Ages are whole years. A worker must be 16 on ``today`` (exact with an ID number; by birth year
  otherwise). A job's age limits must lie within 16–80 and age_min ≤ age_max; both limits are inclusive
  (age_max 50 admits a 50-year-old) — the matching side applies them.
- A job without a city is rejected (every posting is in one of Shandong's 16 cities); a district that
  names a Shandong county is written in full (黄岛 → 黄岛区) and must lie in that city; other district
  text (an industrial park) is kept as written.
- Desired cities must be Shandong cities; 不限、山东、都行 … mean anywhere (an empty list).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from models.intake import reference
from models.intake.validation import (
    NO_REQUIREMENT,
    ValidationError,
    check_credit_code,
    check_id_number,
    check_phone,
    check_working_age,
    clean_text,
    compact_text,
    is_empty,
    normalise_assistance_status,
    normalise_city,
    normalise_education,
    normalise_gender,
    normalise_job_status,
    parse_age_range,
    parse_int,
    parse_salary,
    parse_salary_range,
    place_readings,
    resolve_county,
    resolve_province,
    resolve_today,
    split_list,
)


@dataclass(frozen=True)
class FieldSpec:
    """A record field: its Chinese ``label`` (the contract's header) and other ``aliases`` staff write.
    ``stored`` is False for input-only columns that feed other fields."""

    label: str
    aliases: tuple[str, ...] = ()
    stored: bool = True


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a row; ``field`` is None for the row as a whole."""

    field: str | None
    message: str

    def __str__(self) -> str:
        return self.message


WORKER_FIELDS: dict[str, FieldSpec] = {
    "external_id": FieldSpec("编号", ("人员编号", "登记编号", "求职者编号", "ID", "工号")),
    "name": FieldSpec("姓名", ("名字", "求职者姓名", "劳动力姓名", "人员姓名")),
    "id_number": FieldSpec("身份证号", ("身份证号码", "身份证", "公民身份号码", "身份证件号码", "证件号码", "身份号码",
                                     "居民身份证号")),
    "phone": FieldSpec("手机号", ("手机号码", "手机", "联系电话", "电话", "联系方式", "电话号码", "移动电话")),
    "gender": FieldSpec("性别"),
    "birth_year": FieldSpec("出生年份", ("出生年", "出生年度")),
    "hukou_province": FieldSpec("户籍省份", ("户籍省", "省份", "户籍所在省", "户籍所在省份", "省")),
    "hukou_county": FieldSpec("户籍区县", ("户籍县", "户籍所在县", "户籍所在区县", "户籍县区", "所在区县", "区县",
                                     "县区", "户籍所在县区", "县(区)", "区(县)", "来源县", "县")),
    "assistance_status": FieldSpec("帮扶身份", ("帮扶类型", "人员类别", "人员类型", "脱贫属性", "帮扶对象类别",
                                            "户类型", "脱贫户属性", "身份类别", "帮扶对象类型")),
    "education": FieldSpec("学历", ("文化程度", "最高学历", "受教育程度", "文化水平")),
    "skills": FieldSpec("技能", ("技能特长", "特长", "掌握技能", "专业技能", "技能情况")),
    "certificates": FieldSpec("证书", ("持有证书", "职业资格证书", "资格证书", "技能证书", "持证情况", "证书情况",
                                    "职业资格", "所持证书")),
    "experience": FieldSpec("工作经历", ("务工经历", "工作经验", "从业经历", "个人简介", "自我介绍", "经历")),
    "desired_jobs": FieldSpec("求职意向", ("意向工种", "意向岗位", "务工意愿", "就业意向", "求职岗位", "期望岗位",
                                       "期望工种", "想做的工作")),
    "desired_cities": FieldSpec("意向城市", ("意向务工地", "意向地区", "期望城市", "期望工作地", "意向就业地",
                                         "务工意向地", "意向工作地点", "期望工作地点")),
    "expected_salary": FieldSpec("期望月薪", ("期望薪资", "期望工资", "期望月收入", "期望收入", "期望薪酬",
                                          "最低月薪", "薪资要求", "工资要求")),
    "needs": FieldSpec("需求", ("其他需求", "特殊需求", "就业需求", "务工需求", "住宿需求", "需求情况")),
    "training_wanted": FieldSpec("培训意愿", ("培训需求", "意向培训", "想参加的培训", "培训意向")),
    "age": FieldSpec("年龄", ("周岁",), stored=False),
    "hukou_address": FieldSpec("户籍地址", ("户籍所在地", "家庭住址", "户口所在地", "家庭地址", "住址", "户籍地"),
                               stored=False),
}

JOB_FIELDS: dict[str, FieldSpec] = {
    "external_id": FieldSpec("编号", ("岗位编号", "职位编号", "ID")),
    "employer_name": FieldSpec("用人单位", ("单位名称", "企业名称", "用人单位名称", "招聘单位", "公司名称", "公司",
                                        "企业", "单位")),
    "employer_credit_code": FieldSpec("统一社会信用代码", ("信用代码", "社会信用代码", "统一代码", "企业信用代码")),
    "title": FieldSpec("岗位名称", ("岗位", "招聘岗位", "职位", "职位名称", "工种", "招聘工种", "招聘职位")),
    "description": FieldSpec("岗位描述", ("岗位职责", "工作内容", "职位描述", "岗位要求", "岗位说明", "任职要求",
                                       "备注", "工作职责")),
    "city": FieldSpec("工作城市", ("工作地点", "城市", "所在城市", "工作地市", "地市", "所在地市", "工作地")),
    "district": FieldSpec("区县", ("工作区县", "所在区县", "县区", "县(市、区)", "县市区")),
    "salary_min": FieldSpec("月薪下限", ("最低月薪", "薪资下限", "工资下限", "最低工资", "最低薪资", "月薪(最低)")),
    "salary_max": FieldSpec("月薪上限", ("最高月薪", "薪资上限", "工资上限", "最高工资", "最高薪资", "月薪(最高)")),
    "headcount": FieldSpec("招聘人数", ("人数", "需求人数", "招工人数", "用工人数", "计划招聘人数", "岗位数量")),
    "age_min": FieldSpec("年龄下限", ("最小年龄", "最低年龄", "年龄(最小)")),
    "age_max": FieldSpec("年龄上限", ("最大年龄", "最高年龄", "年龄(最大)")),
    "education_min": FieldSpec("最低学历", ("学历要求", "学历", "文化程度要求", "文化程度")),
    "required_certificates": FieldSpec("必备证书", ("证书要求", "持证要求", "所需证书", "资格证书要求", "必须证书",
                                                 "上岗证要求")),
    "skills": FieldSpec("技能要求", ("技能", "岗位技能", "优先技能", "技能优先")),
    "benefits": FieldSpec("福利", ("福利待遇", "待遇", "岗位福利", "员工福利")),
    "status": FieldSpec("状态", ("岗位状态", "招聘状态")),
    # What a job page answers besides pay (issue 12): free text as the employer says it.
    "work_address": FieldSpec("工作地址", ("详细地址", "上班地址", "工厂地址", "单位地址", "地址")),
    "meals": FieldSpec("伙食", ("吃饭", "食堂", "伙食情况", "工作餐", "用餐")),
    "housing": FieldSpec("住宿", ("宿舍", "住宿情况", "住宿条件")),
    "shifts": FieldSpec("班次", ("工作时间", "上班时间", "班制", "作息时间")),
    "pay_day": FieldSpec("发薪日", ("发工资时间", "工资发放", "发薪时间", "发薪")),
    "salary_range": FieldSpec("月薪范围", ("薪资", "薪资待遇", "工资待遇", "月薪", "工资", "薪酬", "薪资范围",
                                        "工资范围", "月工资", "薪酬待遇"), stored=False),
    "age_range": FieldSpec("年龄要求", ("年龄", "年龄范围", "年龄限制"), stored=False),
    "gender_requirement": FieldSpec("性别要求", ("性别", "性别限制", "限定性别"), stored=False),
}


def _norm_header(header: object) -> str:
    text = "" if header is None else str(header)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split()).replace("*", "").lower()
    return text.strip(":：")


_BRACKETS = re.compile(r"\([^)]*\)")


def _header_index(fields: dict[str, FieldSpec]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, spec in fields.items():
        for header in (name, spec.label, *spec.aliases):
            index.setdefault(_norm_header(header), name)
    return index


_HEADER_INDEX = {"workers": _header_index(WORKER_FIELDS), "jobs": _header_index(JOB_FIELDS)}


def header_map(headers: list[str], kind: str | None = None) -> dict[str, str | None]:
    """Field name for each header (``None`` when unknown): English field names, the contract's Chinese
    labels, and the aliases staff use; spaces, ``*`` and bracketed notes such as （元/月）、（必填） ignored.

    ``kind`` is ``'workers'`` or ``'jobs'``; without it the worker table is tried first. A field claimed by
    an earlier column is not given to a later one."""
    indexes = [_HEADER_INDEX[kind]] if kind else [_HEADER_INDEX["workers"], _HEADER_INDEX["jobs"]]
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        key = _norm_header(header)
        field = None
        for candidate in (key, _BRACKETS.sub("", key)):
            for index in indexes:
                field = index.get(candidate)
                if field:
                    break
            if field:
                break
        if field in taken:
            field = None
        if field:
            taken.add(field)
        out[header] = field
    return out


# --- cleaning ------------------------------------------------------------------------------------------

class _Row:
    """Collects one row's errors; ``get`` treats empty markers as absent."""

    def __init__(self, raw: dict, fields: dict[str, FieldSpec]) -> None:
        self.raw = raw
        self.fields = fields
        self.errors: list[FieldError] = []

    def get(self, field: str) -> object:
        value = self.raw.get(field)
        return None if is_empty(value) else value

    def label(self, field: str) -> str:
        return self.fields[field].label

    def fail(self, field: str | None, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def run(self, where: str, func, *args, **kwargs):
        """``func(*args)``; a ``ValidationError`` becomes a FieldError (on its own field when it names one)."""
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            self.fail(exc.field or where, exc.message)
            return None

    def required_text(self, field: str, max_length: int) -> str | None:
        value = self.get(field)
        text = None if value is None else " ".join(str(value).split())
        if not text:
            self.fail(field, f"缺少{self.label(field)}（必填）。")
            return None
        if len(text) > max_length:
            self.fail(field, f"{self.label(field)}太长：最多 {max_length} 个字，现有 {len(text)} 个字。")
            return None
        return text

    def text(self, field: str, max_length: int = 5000) -> str | None:
        return self.run(field, clean_text, self.raw.get(field), self.label(field), max_length=max_length,
                        field=field)

    def optional(self, field: str, func, *args):
        value = self.get(field)
        return None if value is None else self.run(field, func, value, *args)


_ANYWHERE = frozenset({"不限", "山东", "山东省", "全省", "山东各地", "山东全省", "都行", "均可", "哪里都行", "都可以",
                       "服从分配", "任意", "无要求", "不限地区", "不限城市"})


def _desired_cities(row: _Row) -> list[str]:
    cities: list[str] = []
    for item in split_list(row.get("desired_cities")):
        if item in _ANYWHERE:
            continue
        city = row.run("desired_cities", normalise_city, item, "desired_cities")
        if city and city not in cities:
            cities.append(city)
    return cities


def _county_from_address(address: str, province_code: str | None) -> reference.County | None:
    """The county named at the start of an address (重庆市酉阳县龙潭镇… → 酉阳), or None."""
    text = compact_text(address)
    provinces = [province_code] if province_code else sorted(
        {code for form, code in reference.province_prefixes() if text.startswith(form)})
    for prov in provinces:
        for rest, prefecture in place_readings(text, prov):
            for length in range(min(len(rest), 16), 1, -1):
                found = [c for c in reference.counties_named(prov, rest[:length])
                         if not c.is_development_zone and (prefecture is None or c.city_code == prefecture)]
                if len(found) == 1:
                    return found[0]
                if found:  # ambiguous at this length (临夏 of 临夏州…): try the next reading
                    break
    return None


def _hukou(row: _Row, record: dict, id_area: str | None) -> None:
    province = row.get("hukou_province")
    county = row.get("hukou_county")
    province_full = row.optional("hukou_province", resolve_province, "hukou_province")
    if province is not None and province_full is None:
        province_full = False  # reported already; do not guess another province
    record["hukou_province"] = province_full or None
    record["hukou_county"] = None
    record["hukou_county_code"] = None
    if county is None and row.get("hukou_address") is not None and province_full is not False:
        code = reference.province_code(province_full) if province_full else None
        found = _county_from_address(str(row.get("hukou_address")), code)
        if found is not None:
            record.update(hukou_province=found.province, hukou_county=found.name, hukou_county_code=found.code)
        return
    if county is None or province_full is False:
        return
    if not province_full:
        # No province written: the ID number's province first, then the whole country if unambiguous.
        from_id = reference.PROVINCES.get(id_area[:2]) if id_area else None
        if from_id:
            try:
                found = resolve_county(from_id, county)
            except ValidationError:
                found = None
            if found is not None:
                record.update(hukou_province=found.province, hukou_county=found.name, hukou_county_code=found.code)
                return
        text = compact_text(county)
        matches = [c for c in reference.counties_anywhere(text) if not c.is_development_zone]
        if len(matches) == 1:
            found = matches[0]
            record.update(hukou_province=found.province, hukou_county=found.name, hukou_county_code=found.code)
        elif matches:
            row.fail("hukou_county", f"区县“{text}”在多个省份都有（{'、'.join(sorted({c.province for c in matches}))}），"
                                     "请填写户籍省份。")
        else:
            row.fail("hukou_county", f"区县“{text}”不是有效的区县名称，请填写户籍省份和区县全称（如 重庆市、酉阳县）。")
        return
    found = row.run("hukou_county", resolve_county, province_full, county)
    if found is not None:
        record.update(hukou_province=found.province, hukou_county=found.name, hukou_county_code=found.code)


def clean_worker(raw: dict, today: date | None = None) -> tuple[dict | None, list[FieldError]]:
    """Validate and canonicalise one worker row; ``(record, [])`` or ``(None, errors)`` (all of them).

    ``today`` (default: the platform clock) dates the age and future-birth-date checks."""
    today = resolve_today(today)
    row = _Row(raw, WORKER_FIELDS)
    record: dict = {}
    external_id = row.required_text("external_id", 64)
    record["external_id"] = external_id
    record["name"] = row.required_text("name", 30)

    info = row.optional("id_number", check_id_number, today)
    record["id_number"] = info.number if info else None
    if info is not None:
        row.run("id_number", check_working_age, info.birth_date, today, field="id_number")
    record["phone"] = row.optional("phone", check_phone)

    gender = row.optional("gender", normalise_gender)
    if info is not None:
        if gender is not None and gender != info.gender:
            row.fail("gender", f"性别“{gender}”与身份证号不符（身份证号第 17 位表示{info.gender}）。")
        gender = info.gender
    record["gender"] = gender

    birth_year = row.optional("birth_year", parse_int, WORKER_FIELDS["birth_year"].label, "birth_year")
    if birth_year is not None and not 1900 <= birth_year <= today.year:
        row.fail("birth_year", f"出生年份 {birth_year} 不合理，应为 1900–{today.year} 之间的四位年份。")
        birth_year = None
    age = row.optional("age", parse_int, "年龄", "age")
    if info is not None:
        if birth_year is not None and birth_year != info.birth_year:
            row.fail("birth_year", f"出生年份 {birth_year} 与身份证号中的出生日期不符。")
        birth_year = info.birth_year
    else:
        if birth_year is None and age is not None:
            birth_year = today.year - age
        if birth_year is not None:
            row.run("birth_year", check_working_age, birth_year, today, field="birth_year")
    record["birth_year"] = birth_year

    _hukou(row, record, info.area_code if info else None)
    record["assistance_status"] = row.optional("assistance_status", normalise_assistance_status)
    record["education"] = row.optional("education", normalise_education)
    record["skills"] = split_list(row.get("skills"))
    record["certificates"] = split_list(row.get("certificates"))
    record["experience"] = row.text("experience")
    record["desired_jobs"] = row.text("desired_jobs", 500)
    record["desired_cities"] = _desired_cities(row)
    record["expected_salary"] = row.optional("expected_salary", parse_salary, "期望月薪", "expected_salary")
    record["needs"] = split_list(row.get("needs"))
    record["training_wanted"] = row.text("training_wanted", 500)
    if raw.get("seeking") is not None:
        record["seeking"] = bool(raw["seeking"])
    return (None if row.errors else record), row.errors


_NO_GENDER = frozenset({"不限", "男女不限", "男女均可", "不限性别", "性别不限", "均可", "男女皆可", "无要求"})
_SOME = frozenset({"若干", "不限", "多名", "多人"})
MIN_JOB_AGE, MAX_JOB_AGE = 16, 80


def _district(row: _Row, city: str | None) -> tuple[str | None, str | None]:
    """(district, city it implies). A Shandong county name is written in full; other text kept."""
    value = row.get("district")
    if value is None:
        return None, None
    text = " ".join(str(value).split())
    found: list[reference.County] = []
    for rest, _prefecture in place_readings(compact_text(text), reference.SHANDONG_CODE):
        found = [c for c in reference.counties_named(reference.SHANDONG_CODE, rest) if not c.is_development_zone]
        if _prefecture:
            found = [c for c in found if c.city_code == _prefecture]
        if found:
            break
    if not found:
        return text[:60], None
    in_city = [c for c in found if reference.SHANDONG_CITY_BY_CODE.get(c.city_code) == city]
    if city and in_city:
        return (in_city[0].name, city) if len(in_city) == 1 else (text[:60], city)
    cities = sorted({reference.SHANDONG_CITY_BY_CODE[c.city_code] for c in found})
    if city:
        row.fail("district", f"区县“{text}”属于{'、'.join(cities)}，不在工作城市{city}，请核对。")
        return None, None
    return (found[0].name, cities[0]) if len(found) == 1 else (text[:60], None)


def clean_job(raw: dict) -> tuple[dict | None, list[FieldError]]:
    """Validate and canonicalise one job posting row; ``(record, [])`` or ``(None, errors)``."""
    row = _Row(raw, JOB_FIELDS)
    record: dict = {}
    record["external_id"] = row.required_text("external_id", 64)
    record["employer_name"] = row.required_text("employer_name", 100)
    record["employer_credit_code"] = row.optional("employer_credit_code", check_credit_code)
    record["title"] = row.required_text("title", 60)
    record["description"] = row.text("description")
    for name in ("work_address", "meals", "housing", "shifts", "pay_day"):  # optional; kept only when given
        value = row.text(name, 200)
        if value:
            record[name] = value

    city = row.optional("city", normalise_city, "city")
    district, implied = _district(row, city)
    if city is None and row.get("city") is None:
        if implied:
            city = implied
        else:
            row.fail("city", "缺少工作城市（必填）：应为山东省 16 个地级市之一，如 青岛。")
    record["city"] = city
    record["district"] = district

    salary_min = row.optional("salary_min", parse_salary, "月薪下限", "salary_min")
    salary_max = row.optional("salary_max", parse_salary, "月薪上限", "salary_max")
    if row.get("salary_range") is not None and row.get("salary_min") is None and row.get("salary_max") is None:
        low, high = row.run("salary_range", parse_salary_range, row.get("salary_range"), "月薪范围",
                            "salary_range") or (None, None)
        salary_min = row.run("salary_range", parse_salary, low, "月薪下限", "salary_min") if low else None
        salary_max = row.run("salary_range", parse_salary, high, "月薪上限", "salary_max") if high else None
    if salary_min is not None and salary_max is not None and salary_min > salary_max:
        row.fail("salary_max", f"月薪上限（{salary_max}）低于月薪下限（{salary_min}）。")
    record["salary_min"], record["salary_max"] = salary_min, salary_max

    headcount_raw = row.get("headcount")
    if headcount_raw is not None and compact_text(headcount_raw) in _SOME:
        headcount = None  # 若干: not a number, but not an error either
    else:
        headcount = row.optional("headcount", parse_int, "招聘人数", "headcount")
    if headcount is None:
        headcount = 1
    elif not 1 <= headcount <= 10000:
        row.fail("headcount", f"招聘人数应为 1–10000 的整数，现为 {headcount}。")
    record["headcount"] = headcount

    age_min = row.optional("age_min", parse_int, "年龄下限", "age_min")
    age_max = row.optional("age_max", parse_int, "年龄上限", "age_max")
    if row.get("age_range") is not None and row.get("age_min") is None and row.get("age_max") is None:
        age_min, age_max = row.run("age_range", parse_age_range, row.get("age_range"), "age_range") or (None, None)
    for field, value in (("age_min", age_min), ("age_max", age_max)):
        if value is not None and not MIN_JOB_AGE <= value <= MAX_JOB_AGE:
            row.fail(field, f"{JOB_FIELDS[field].label} {value} 岁不合理：应在 {MIN_JOB_AGE}–{MAX_JOB_AGE} 岁之间"
                            f"（{MIN_JOB_AGE} 岁是法定最低就业年龄）。")
    if age_min is not None and age_max is not None and age_min > age_max:
        row.fail("age_max", f"年龄上限（{age_max}）低于年龄下限（{age_min}）。")
    record["age_min"], record["age_max"] = age_min, age_max

    education = row.get("education_min")
    if education is not None and compact_text(education) in NO_REQUIREMENT:
        education = None
    record["education_min"] = None if education is None else row.run(
        "education_min", normalise_education, education, "education_min")
    record["required_certificates"] = [c for c in split_list(row.get("required_certificates"))
                                       if c not in NO_REQUIREMENT]
    record["skills"] = split_list(row.get("skills"))
    record["benefits"] = split_list(row.get("benefits"))
    record["status"] = "open" if row.get("status") is None else row.run("status", normalise_job_status,
                                                                          row.get("status"))

    gender = row.get("gender_requirement")
    if gender is not None and compact_text(gender) not in _NO_GENDER:
        row.fail("gender_requirement",
                 f"岗位不得限定性别（现为“{compact_text(gender)}”）：依据《就业促进法》和《妇女权益保障法》，招聘不得"
                 "限定性别或性别优先，请删除性别要求或改为“不限”。")
    return (None if row.errors else record), row.errors
