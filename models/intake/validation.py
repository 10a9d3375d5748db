"""Validation rules of the data contract (../shared/SCHEMA.md), each in one place.

Every rule either returns the canonical value or raises ``ValidationError`` whose ``message`` says,
in Chinese, which field is wrong and why (``str(e) == e.message``). Messages never repeat an ID number
or a phone number: they end up in import reports that many people read.

Rules:
- ``check_id_number``: 18 characters, GB 11643 check character, a real birth date (not in the future,
  not before 1900), a 6-digit area code that exists (current or historical, see ``models.intake.reference``);
  returns birth date, gender and area code. ``check_working_age`` is the separate rule that a worker
  must be at least 16 (the legal minimum working age; assistance lists also hold children).
- ``check_phone``: mainland mobile, 1[3-9] + 9 digits (spaces, dashes, +86 removed).
- ``check_credit_code``: unified social credit code, GB 32100 check character.
- ``resolve_province`` / ``resolve_county``: real divisions, full or common short names; development
  zones and names ambiguous within the province are rejected, saying so. ``resolve_county_anywhere``: a
  county named without a separate province (a staff account's counties), unique in the country or refused.
- ``normalise_city``: one of Shandong's 16 prefecture cities, with or without 市 (a Shandong county or
  district name gives its city: 平度 → 青岛).
- enums with the variants people type: ``normalise_education`` (and ``education_rank``),
  ``normalise_assistance_status``, ``normalise_gender``, ``normalise_job_status``.
- ``split_list``; ``parse_salary`` (8000, 8千, 0.8万, 8000元, 8k, 七千五) and ``parse_salary_range``;
  ``parse_int``, ``parse_age_range``; ``clean_text`` (hostile text stays plain text).

Everything the rules look up is precomputed at import time (``models.intake.reference``), so a 50,000-row
ledger validates in seconds.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from models.intake import reference
from models.intake.reference import SHANDONG_CITIES, County
from models.vocabulary import ASSISTANCE_STATUSES, EDUCATION_LEVELS

__all__ = [
    "JOB_STATUSES",
    "MIN_WORKING_AGE",
    "SHANDONG_CITIES",
    "County",
    "IdInfo",
    "ValidationError",
    "check_credit_code",
    "check_id_number",
    "check_phone",
    "check_working_age",
    "clean_text",
    "compact_text",
    "education_rank",
    "is_empty",
    "normalise_assistance_status",
    "normalise_city",
    "normalise_education",
    "normalise_gender",
    "normalise_job_status",
    "parse_age_range",
    "parse_int",
    "parse_salary",
    "parse_salary_range",
    "place_readings",
    "resolve_county",
    "resolve_county_anywhere",
    "resolve_province",
    "resolve_today",
    "split_list",
]


class ValidationError(ValueError):
    """A value breaks a rule. ``field`` names the record field (or None), ``message`` is Chinese."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


def resolve_today(today: date | None) -> date:
    """``today`` or, when None, today's date on the platform clock (``models.store.clock``)."""
    if today is not None:
        return today
    from models.store.clock import today as clock_today

    return clock_today()


# --- empty cells and text ----------------------------------------------------------------------------

#: What ledgers put in a cell that has nothing to say.
EMPTY_MARKERS = frozenset({"", "无", "暂无", "/", "-", "--", "—", "——", "null", "none", "nan", "n/a", "na"})


def is_empty(value: object) -> bool:
    """True for None, blank text and the usual "nothing here" markers (无, /, -, 暂无 …)."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in EMPTY_MARKERS
    if isinstance(value, (list, tuple, set)):
        return len(value) == 0
    return False


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: object, label: str = "内容", *, max_length: int = 5000, field: str | None = None) -> str | None:
    """Free text as written: stripped, control characters removed, ``None`` when empty.

    HTML or script is *not* removed or altered: it is data, stored as text and escaped when shown."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return None
    if len(text) > max_length:
        raise ValidationError(f"{label}太长：最多 {max_length} 个字，现有 {len(text)} 个字。", field)
    return text


def compact_text(value: object) -> str:
    """Text without any whitespace, full-width digits and letters made half-width (NFKC)."""
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


# --- resident ID (GB 11643) --------------------------------------------------------------------------

MIN_WORKING_AGE = 16
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdInfo:
    """What a valid resident ID number says: the normalised number, birth date, gender, area code."""

    number: str
    birth_date: date
    gender: str
    area_code: str

    @property
    def birth_year(self) -> int:
        return self.birth_date.year


def id_check_character(first17: str) -> str:
    """The GB 11643 check character (0–9 or X) of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def check_id_number(value: object, today: date | None = None) -> IdInfo:
    """Validate an 18-character resident ID number (see module docstring); raises ``ValidationError``.

    The minimum working age is a separate rule (``check_working_age``)."""
    field = "id_number"
    number = compact_text(value).upper()
    if not number:
        raise ValidationError("身份证号为空。", field)
    if len(number) == 15 and number.isdigit():
        raise ValidationError("身份证号是 15 位的旧号码，请填写 18 位的居民身份证号。", field)
    if len(number) != 18:
        raise ValidationError(f"身份证号应为 18 位，现为 {len(number)} 位。", field)
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号格式不对：前 17 位应为数字，最后一位为数字或 X。", field)
    if id_check_character(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位不对（最后一位与前 17 位不符），请核对是否抄错。", field)
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号中的出生日期（第 7–14 位）不是真实的日期。", field) from None
    if born.year < 1900:
        raise ValidationError("身份证号中的出生年份早于 1900 年，请核对。", field)
    if born > resolve_today(today):
        raise ValidationError("身份证号中的出生日期晚于今天，请核对。", field)
    area = number[:6]
    if not reference.area_code_exists(area):
        raise ValidationError("身份证号前 6 位的地区码不存在（不是有效的行政区划代码），请核对。", field)
    return IdInfo(number, born, "男" if int(number[16]) % 2 else "女", area)


def age_on(birth: date, today: date) -> int:
    """Completed years of age on ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check_working_age(birth: date | int, today: date | None = None, *, field: str = "birth_year") -> int:
    """A worker must be at least 16 (the legal minimum working age) and plausibly alive.

    ``birth`` is a birth date (exact age) or a birth year (age reached this year). Returns the age."""
    today = resolve_today(today)
    age = age_on(birth, today) if isinstance(birth, date) else today.year - int(birth)
    source = "根据身份证号，" if field == "id_number" else ""
    if age < MIN_WORKING_AGE:
        raise ValidationError(
            f"{source}求职者未满 {MIN_WORKING_AGE} 周岁（法定最低就业年龄），不能登记求职。", field)
    if age > 100:
        raise ValidationError(f"{source}出生年份不合理（年龄超过 100 岁），请核对。", field)
    return age


# --- phone, credit code ------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")


def check_phone(value: object) -> str:
    """A mainland mobile number as 11 digits; spaces, dashes and a +86/0086 prefix are removed."""
    phone = compact_text(value).replace("-", "").replace("(", "").replace(")", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    elif phone.startswith("86") and len(phone) == 13:
        phone = phone[2:]
    if not _MOBILE.fullmatch(phone):
        if phone.isdigit() and len(phone) != 11:
            why = f"应为 11 位数字，现为 {len(phone)} 位"
        elif not phone.isdigit():
            why = "只能包含数字"
        else:
            why = "应以 13–19 开头"
        raise ValidationError(f"手机号格式不对：{why}（大陆手机号，如 139 1234 5678）。", "phone")
    return phone


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_INDEX = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters of a unified social credit code."""
    total = sum(_USCC_INDEX[c] * w for c, w in zip(first17, _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(value: object) -> str:
    """A unified social credit code (统一社会信用代码): 18 characters, GB 32100 check character."""
    field = "employer_credit_code"
    code = compact_text(value).replace("-", "").upper()
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为 18 位，现为 {len(code)} 位。", field)
    bad = sorted({c for c in code if c not in _USCC_INDEX})
    if bad:
        raise ValidationError(
            f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、Z、S、V）。", field)
    if not code[:8].isdigit():
        raise ValidationError("统一社会信用代码第 1–8 位应为数字（登记机关、机构类别和登记地代码）。", field)
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不对（最后一位与前 17 位不符），请核对是否抄错。", field)
    return code


# --- provinces, counties, cities ---------------------------------------------------------------------

def resolve_province(name: object, field: str = "hukou_province") -> str:
    """The canonical full name of a province (重庆 → 重庆市, 甘肃 → 甘肃省, 广西 → 广西壮族自治区)."""
    text = compact_text(name)
    code = reference.province_code(text)
    if code is None:
        raise ValidationError(f"省份“{text}”不是有效的省级行政区名称（如 重庆市、甘肃省、山东省）。", field)
    return reference.province_name(code)


def place_readings(text: str, province: str) -> list[tuple[str, str | None]]:
    """(rest, prefecture code) readings of "甘肃省临夏州东乡县": with the province and/or prefecture
    written in front removed. The text as it is comes first."""
    readings: list[tuple[str, str | None]] = [(text, None)]
    rest = text
    for form, code in reference.province_prefixes():
        if code == province and rest.startswith(form) and len(rest) > len(form):
            rest = rest[len(form):]
            readings.append((rest, None))
            break
    for form, code in reference.prefecture_prefixes(province):
        for base in {text, rest}:
            if base.startswith(form) and len(base) > len(form) + 1:
                readings.append((base[len(form):], code))
    return readings


def _names(counties: list[County]) -> str:
    return "、".join(c.name if c.city in (c.province, "") else f"{c.city}{c.name}" for c in counties)


def resolve_county(province: object, county: object, field: str = "hukou_county") -> County:
    """The real county-level division of ``province`` that ``county`` names.

    Accepts the full name and the common short forms (酉阳, 酉阳县 → 酉阳土家族苗族自治县; 东乡县 →
    东乡族自治县; 积石山县 → 积石山保安族东乡族撒拉族自治县), the prefecture or province written in
    front (临夏州东乡县), and former names (开县 → 开州区). Rejects, saying so: development zones, names
    ambiguous within the province (临夏 = 临夏县 or 临夏市), prefectures, and names of other provinces."""
    province_full = resolve_province(province, "hukou_province" if field == "hukou_county" else field)
    prov = reference.province_code(province_full)
    text = compact_text(county)
    if not text:
        raise ValidationError("区县为空。", field)
    found: list[County] = []
    for rest, prefecture in place_readings(text, prov):
        found = reference.counties_named(prov, rest)
        if prefecture:
            found = [c for c in found if c.city_code == prefecture]
        if found:
            break
    counties = [c for c in found if not c.is_development_zone]
    if len(counties) == 1:
        return counties[0]
    if len(counties) > 1:
        raise ValidationError(
            f"区县“{text}”在{province_full}有多个同名或简称相同的区县：{_names(counties)}，请写全称"
            f"（必要时连同所属市州，如“{counties[0].city}{counties[0].name}”）。", field)
    if found:  # only development zones
        zone = found[0]
        raise ValidationError(
            f"“{text}”是{zone.city}的开发区/功能区（{zone.name}），不是区县，请填写所在的区县。", field)
    if reference.prefectures_named(prov, text):
        raise ValidationError(f"“{text}”是地级市/州，不是区县，请填写具体的区县（如 东乡县、酉阳县）。", field)
    elsewhere = [c for c in reference.counties_anywhere(text) if not c.is_development_zone]
    if elsewhere:
        where = "、".join(sorted({c.province for c in elsewhere}))
        raise ValidationError(f"区县“{text}”不在{province_full}（同名区县在{where}），请核对户籍省份和区县。", field)
    raise ValidationError(f"区县“{text}”不是{province_full}的区县，请填写全称或常用简称（如 酉阳县、东乡县）。",
                          field)


def resolve_county_anywhere(value: object, field: str = "hukou_county") -> County:
    """The county-level division ``value`` names when no province is given separately: the name alone if it
    is a county of one province only (酉阳, 酉阳县 → 酉阳土家族苗族自治县), the name with its province in front
    (重庆市酉阳县), or the six-digit code (500242). A name shared by counties of several provinces is refused,
    asking for the province; so are development zones and names that are no county."""
    text = compact_text(value)
    if not text:
        raise ValidationError("区县为空。", field)
    if text.isdigit() and len(text) == 6:
        county = reference.county_by_code(text)
        if county is None or county.is_development_zone:
            raise ValidationError(f"“{text}”不是现行的区县代码。", field)
        return county
    found = [c for c in reference.counties_anywhere(text) if not c.is_development_zone]
    if len(found) == 1:
        return found[0]
    if found:
        names = "、".join(f"{c.province}{c.name}" for c in found)
        raise ValidationError(f"“{text}”可能是{names}，请写明是哪一个（在前面写上省份，如“{found[-1].province}{text}”）。",
                              field)
    for form, code in reference.province_prefixes():
        if text.startswith(form) and len(text) > len(form):
            return resolve_county(reference.province_name(code), text, field)
    raise ValidationError(f"“{text}”不是有效的区县名称：请写区县全称或常用简称（如 酉阳县、东乡县），"
                          "同名区县请在前面写上省份。", field)


_CITY_FORMS: dict[str, str] = {}
for _city in SHANDONG_CITIES:
    for _form in (_city, _city + "市", "山东" + _city, "山东省" + _city, "山东" + _city + "市",
                  "山东省" + _city + "市"):
        _CITY_FORMS[_form] = _city
del _city, _form


def normalise_city(value: object, field: str = "city") -> str:
    """One of Shandong's 16 prefecture cities in short form (青岛市 → 青岛).

    A Shandong county or district that names its city unambiguously gives that city (平度、黄岛 → 青岛)."""
    text = compact_text(value)
    city = _CITY_FORMS.get(text)
    if city is not None:
        return city
    if text:
        rest = text
        for prefix in ("山东省", "山东"):
            if rest.startswith(prefix):
                rest = rest[len(prefix):]
                break
        counties = reference.counties_named(reference.SHANDONG_CODE, rest)
        cities = {reference.SHANDONG_CITY_BY_CODE.get(c.city_code) for c in counties}
        if len(cities) == 1 and None not in cities:
            return cities.pop()
    raise ValidationError(
        f"城市“{text}”不是山东省的 16 个地级市之一（{'、'.join(SHANDONG_CITIES)}）。", field)


def city_of_district(district: object) -> str | None:
    """The Shandong city of a county/district name when it is unique (黄岛区 → 青岛), else None."""
    counties = reference.counties_named(reference.SHANDONG_CODE, compact_text(district))
    cities = {reference.SHANDONG_CITY_BY_CODE.get(c.city_code) for c in counties}
    return cities.pop() if len(cities) == 1 else None


# --- enums -------------------------------------------------------------------------------------------

_EDUCATION_RANK = {"小学及以下": 0, "初中": 1, "高中": 2, "中专/技校": 2, "大专": 3, "本科及以上": 4}
_EDUCATION_VARIANTS = {
    "小学及以下": ("小学", "小学以下", "文盲", "半文盲", "文盲半文盲", "未上学", "没上过学", "不识字",
               "学龄前", "识字", "扫盲", "小学及以下"),
    "初中": ("初中", "初级中学", "初小", "九年义务教育"),
    "高中": ("高中", "普高", "普通高中", "高级中学"),
    "中专/技校": ("中专", "技校", "职高", "中职", "中技", "职中", "中专/技校", "中专技校", "中专或技校", "技工学校",
              "技工", "中等专业学校", "中等职业学校", "职业高中", "中专/职高", "中专职高", "中专/中技", "技师学院",
              "中专(技校)", "中等专科"),
    "大专": ("大专", "专科", "高职", "大学专科", "高职高专", "高专", "职业技术学院", "大专/高职", "专科/高职"),
    "本科及以上": ("本科", "大学本科", "大学", "本科及以上", "学士", "硕士", "研究生", "硕士研究生", "博士",
              "博士研究生", "大本", "本科以上"),
}
_EDUCATION_BY_TEXT = {v: level for level, variants in _EDUCATION_VARIANTS.items() for v in variants}
#: Said of a requirement: no minimum.
NO_REQUIREMENT = frozenset({"不限", "学历不限", "无要求", "不要求", "无学历要求", "均可", "无"})


def normalise_education(value: object, field: str = "education") -> str:
    """An education level of the canonical scale (中专、技校、职高 → 中专/技校; 大学本科 → 本科及以上)."""
    text = compact_text(value)
    level = _EDUCATION_BY_TEXT.get(text)
    if level is None:
        stem = text
        for suffix in ("及以上", "以上", "学历", "毕业", "文化", "程度", "水平"):
            if stem.endswith(suffix) and len(stem) > len(suffix):
                stem = stem[: -len(suffix)]
        level = _EDUCATION_BY_TEXT.get(stem)
    if level is None:
        raise ValidationError(f"学历“{text}”无法识别，应为：{'、'.join(EDUCATION_LEVELS)}。", field)
    return level


def education_rank(value: object) -> int:
    """Order of an education level: 小学及以下 0 < 初中 1 < 高中 = 中专/技校 2 < 大专 3 < 本科及以上 4."""
    return _EDUCATION_RANK[normalise_education(value)]


_ASSISTANCE_VARIANTS = {
    "脱贫享受政策人口": ("脱贫享受政策人口", "脱贫人口", "脱贫户", "已脱贫", "已脱贫户", "脱贫", "建档立卡",
                  "建档立卡户", "建档立卡贫困户", "建档立卡贫困人口", "贫困户", "建档立卡脱贫户", "脱贫享受政策",
                  "稳定脱贫户", "脱贫劳动力"),
    "防止返贫监测对象": ("防止返贫监测对象", "监测对象", "监测户", "边缘户", "边缘易致贫户", "脱贫不稳定户",
                  "突发严重困难户", "防返贫监测对象", "返贫监测对象", "防贫监测对象", "易返贫致贫户", "三类户",
                  "防止返贫监测户", "监测帮扶对象", "纳入监测对象"),
    "低保对象": ("低保对象", "低保", "低保户", "农村低保", "城乡低保", "低保人员", "最低生活保障", "低保家庭"),
    "特困人员": ("特困人员", "特困", "特困供养", "特困供养人员", "五保户", "五保", "分散供养特困人员"),
    "一般农村劳动力": ("一般农村劳动力", "一般农户", "一般户", "普通农户", "农村劳动力", "一般劳动力", "非贫困户",
                 "普通劳动力", "其他农村劳动力", "一般"),
}
_ASSISTANCE_BY_TEXT = {v: status for status, vs in _ASSISTANCE_VARIANTS.items() for v in vs}
_ASSISTANCE_ORDER = {s: i for i, s in enumerate(ASSISTANCE_STATUSES)}


def normalise_assistance_status(value: object, field: str = "assistance_status") -> str:
    """One of the 5 assistance statuses (脱贫户 → 脱贫享受政策人口; 监测户、边缘户 → 防止返贫监测对象 …).

    When a cell names several (脱贫户、低保户), the first in the canonical order is kept."""
    text = compact_text(value)
    status = _ASSISTANCE_BY_TEXT.get(text)
    if status is None:
        parts = [_ASSISTANCE_BY_TEXT.get(p) for p in re.split(r"[、，,；;/（）()+]+", text) if p]
        known = [p for p in parts if p]
        if known and len(known) == len(parts):
            status = min(known, key=_ASSISTANCE_ORDER.__getitem__)
    if status is None:
        raise ValidationError(f"帮扶身份“{text}”无法识别，应为：{'、'.join(ASSISTANCE_STATUSES)}。", field)
    return status


_GENDERS = {"男": "男", "男性": "男", "m": "男", "male": "男", "女": "女", "女性": "女", "f": "女", "female": "女"}


def normalise_gender(value: object, field: str = "gender") -> str:
    """男 or 女 (男性、M、male …)."""
    text = compact_text(value).lower()
    gender = _GENDERS.get(text)
    if gender is None:
        raise ValidationError(f"性别“{text}”无法识别，应为 男 或 女。", field)
    return gender


JOB_STATUSES: tuple[str, ...] = ("open", "closed", "filled")
_JOB_STATUS_VARIANTS = {
    "open": ("open", "招聘中", "在招", "开放", "有效", "正常", "发布", "已发布", "进行中", "急招"),
    "closed": ("closed", "close", "关闭", "已关闭", "停止", "停止招聘", "暂停", "暂停招聘", "结束", "已结束",
               "下架", "已下架", "过期", "已过期", "撤回"),
    "filled": ("filled", "已招满", "招满", "满员", "已满", "已满员", "招满了"),
}
_JOB_STATUS_BY_TEXT = {v: s for s, vs in _JOB_STATUS_VARIANTS.items() for v in vs}


def normalise_job_status(value: object, field: str = "status") -> str:
    """open, closed or filled (招聘中 → open, 已关闭 → closed, 已招满 → filled)."""
    text = compact_text(value).lower()
    status = _JOB_STATUS_BY_TEXT.get(text)
    if status is None:
        raise ValidationError(f"岗位状态“{text}”无法识别，应为 open（招聘中）、closed（已关闭）或 filled（已招满）。",
                              field)
    return status


# --- lists -------------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[、，,；;\s]+")
_OPEN, _CLOSE = "（(【[", "）)】]"


_SPACE_BEFORE_BRACKET = re.compile(r"\s+(?=[（(【\[])")


def _split_text(text: str) -> list[str]:
    if not any(c in text for c in _OPEN):
        return _SEPARATORS.split(text)
    text = _SPACE_BEFORE_BRACKET.sub("", text)
    parts, buf, depth = [], [], 0  # do not split inside brackets: 特种作业操作证 （焊接与热切割作业）
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if depth == 0 and _SEPARATORS.fullmatch(ch):
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def split_list(value: object) -> list[str]:
    """A list field as a list of strings: text split on 、，,；; and whitespace (not inside brackets),
    a JSON array text read as such, a list taken item by item; empties and repeats dropped."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        items = [str(v) for v in value if v is not None]
    else:
        text = str(value).strip()
        if text.startswith("[") and text.endswith("]"):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return split_list(parsed)
        items = [text]
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        for part in _split_text(item):
            part = part.strip()
            if part and part.lower() not in EMPTY_MARKERS and part not in seen:
                seen.add(part)
                out.append(part)
    return out


# --- numbers -----------------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"千": 1000, "k": 1000, "万": 10000, "w": 10000, "百": 100}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(千|k|万|w|百)?(\d)?")
_CN_AMOUNT = re.compile(r"([一二两三四五六七八九])(千|万)([一二两三四五六七八九])?")
_PER_OTHER = re.compile(r"/(天|日|小时|时|h|年|周)|每(天|日|小时|年|周)|(日|时|年)薪")
MIN_SALARY, MAX_SALARY = 500, 200_000


def _amount(text: str, label: str, field: str | None) -> int:
    """'8000' '8千' '0.8万' '8k' '七千五' '1万2' → yuan."""
    m = _AMOUNT.fullmatch(text)
    if m:
        number, unit, tail = m.groups()
        factor = _UNITS[unit] if unit else 1
        value = float(number) * factor
        if tail is not None:
            if not unit:
                raise ValidationError(f"{label}“{text}”无法识别。", field)
            value += int(tail) * factor // 10
        return round(value)
    m = _CN_AMOUNT.fullmatch(text)
    if m:
        head, unit, tail = m.groups()
        value = _CN_DIGITS[head] * _UNITS[unit]
        if tail:
            value += _CN_DIGITS[tail] * _UNITS[unit] // 10
        return value
    raise ValidationError(f"{label}“{text}”无法识别，请填写每月元数，如 8000、8千、0.8万。", field)


def _salary_text(value: object) -> str:
    text = compact_text(value).lower().replace(",", "").replace("，", "")
    for token in ("人民币", "rmb", "¥", "￥", "左右", "以上", "起", "元/月", "/月", "每月", "月薪", "元", "块钱",
                  "块", "月"):
        text = text.replace(token, "")
    return text


def parse_salary(value: object, label: str = "月薪", field: str | None = None) -> int | None:
    """Monthly salary in yuan: 8000, '8000', '8千', '0.8万', '8000元', '8k', '七千五'; None when empty or
    面议. A range ('6000-8000') gives its lower end. Daily or hourly pay is rejected (not convertible)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        amount = round(value)
    else:
        raw = compact_text(value)
        if raw.lower() in EMPTY_MARKERS or raw in ("面议", "面谈", "待定", "不限", "均可"):
            return None
        if _PER_OTHER.search(raw):
            raise ValidationError(f"{label}“{raw}”不是月薪：请换算成每月多少元。", field)
        low, _high = parse_salary_range(raw, label, field)
        amount = low if low is not None else _high
        if amount is None:
            return None
    if not MIN_SALARY <= amount <= MAX_SALARY:
        raise ValidationError(
            f"{label} {amount} 元不合理：应在 {MIN_SALARY}–{MAX_SALARY} 元之间（如 8000、8千、0.8万）。", field)
    return amount


def parse_salary_range(value: object, label: str = "月薪", field: str | None = None) -> tuple[int | None, int | None]:
    """'6000-8000', '6千~8千', '6-8千', '0.6-0.8万', '8000以上' → (low, high) in yuan; (None, None) for 面议."""
    if value is None:
        return None, None
    raw = compact_text(value)
    if raw.lower() in EMPTY_MARKERS or raw in ("面议", "面谈", "待定", "不限"):
        return None, None
    if _PER_OTHER.search(raw):
        raise ValidationError(f"{label}“{raw}”不是月薪：请换算成每月多少元。", field)
    open_high = any(t in raw for t in ("以上", "起"))
    open_low = any(t in raw for t in ("以下", "以内", "之内"))
    text = _salary_text(raw).replace("以下", "").replace("以内", "").replace("之内", "")
    parts = [p for p in re.split(r"[-~～—–至到]+", text) if p]
    if not parts or len(parts) > 2:
        raise ValidationError(f"{label}“{raw}”无法识别，请填写每月元数，如 8000 或 6000-8000。", field)
    if len(parts) == 2:
        unit = next((u for u in ("千", "万", "k", "w") if parts[1].endswith(u)), "")
        if unit and not parts[0].endswith(tuple(_UNITS)) and not _CN_AMOUNT.fullmatch(parts[0]):
            parts[0] += unit  # 6-8千 → 6千-8千
        low, high = (_amount(p, label, field) for p in parts)
        return low, high
    amount = _amount(parts[0], label, field)
    if open_low and not open_high:
        return None, amount
    return amount, (None if open_high else amount)


_INT = re.compile(r"(\d+)(?:\.0+)?")


def parse_int(value: object, label: str, field: str | None = None, *, unit: str = "") -> int | None:
    """A whole number from 5, '5', '5.0', '5人', '18岁'; None when empty."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise ValidationError(f"{label}应为整数。", field)
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(f"{label}应为整数，现为 {value}。", field)
        return int(value)
    text = compact_text(value)
    if text.lower() in EMPTY_MARKERS:
        return None
    for token in (unit, "人", "名", "岁", "周岁", "年", "个"):
        if token and text.endswith(token):
            text = text[: -len(token)]
    m = _INT.fullmatch(text)
    if not m:
        raise ValidationError(f"{label}“{compact_text(value)}”不是整数。", field)
    return int(m.group(1))


def parse_age_range(value: object, field: str = "age_min") -> tuple[int | None, int | None]:
    """'18-50岁', '18至50', '50岁以下', '18周岁以上', '不限' → (min, max)."""
    raw = compact_text(value)
    if raw.lower() in EMPTY_MARKERS or raw in ("不限", "年龄不限", "无要求"):
        return None, None
    text = raw.replace("周岁", "").replace("岁", "").replace("年龄", "")
    below = any(t in text for t in ("以下", "以内", "之内", "内"))
    above = "以上" in text
    text = re.sub(r"以下|以内|之内|以上|内", "", text)
    parts = [p for p in re.split(r"[-~～—–至到]+", text) if p]
    if not parts or len(parts) > 2 or not all(p.isdigit() for p in parts):
        raise ValidationError(f"年龄要求“{raw}”无法识别，请写成 18-50 这样的范围。", field)
    if len(parts) == 2:
        return int(parts[0]), int(parts[1])
    if below and not above:
        return None, int(parts[0])
    if above and not below:
        return int(parts[0]), None
    raise ValidationError(f"年龄要求“{raw}”无法识别，请写成 18-50 这样的范围。", field)
