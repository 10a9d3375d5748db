"""Reference data for validation: China's administrative divisions and Shandong's 16 cities.

Loaded once, at import time, from ``data/admin-divisions/`` (NBS codes, 2023 edition) into plain
dicts, so every look-up during a 50,000-row import is a dictionary hit. This module only *finds*
things; the rules and the Chinese messages live in ``models.intake.validation``.

What is indexed:
- provinces by full name and by the forms people write (重庆 → 重庆市, 广西 → 广西壮族自治区);
- prefectures by full and short name (临夏回族自治州, 临夏州, 临夏), to read "临夏州东乡县";
- county-level divisions per province by full name and by their common short forms:
  酉阳土家族苗族自治县 ⇐ 酉阳, 酉阳县, 酉阳自治县; 东乡族自治县 ⇐ 东乡, 东乡县;
  梁平区 ⇐ 梁平, 梁平县 (renamed 2016); 平度市 ⇐ 平度. A short form shared by two divisions of one
  province (临夏 = 临夏县 or 临夏市) returns both, and the caller reports the ambiguity;
- development zones (code digits 5–6 in 71–73) apart: they are not counties;
- every resident-ID area code that ever existed: the current county, prefecture and province codes,
  plus the historical codes of GB/T 2260 shipped inside python-stdnum (``stdnum/cn/loc.dat``). An ID
  number keeps the code of the place where it was first issued even after that county was renamed
  or merged (开县 500234 became 开州区 500154 in 2016; 陇南地区 6226xx became 陇南市 6212xx in
  2004; Chongqing's counties had Sichuan codes 51xxxx before 1997), so such numbers are real.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

from models.store.config import REFERENCE_DIR

DIVISIONS_DIR = REFERENCE_DIR / "admin-divisions"

#: Shandong's 16 prefecture-level cities, canonical short form (no 市), in code order.
SHANDONG_CITIES: tuple[str, ...] = (
    "济南", "青岛", "淄博", "枣庄", "东营", "烟台", "潍坊", "济宁",
    "泰安", "威海", "日照", "临沂", "德州", "聊城", "滨州", "菏泽",
)
SHANDONG_CODE = "37"

#: Province-level units whose prefectures are the pseudo-units 市辖区 / 县.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})

#: Residence-permit numbers of Hong Kong, Macao and Taiwan residents follow GB 11643 with these codes.
PERMIT_AREA_CODES = frozenset({"810000", "820000", "830000"})

#: The 56 recognised ethnic groups, longest first, for stripping them from autonomous county names.
ETHNIC_GROUPS: tuple[str, ...] = tuple(sorted((
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族",
    "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族",
    "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族",
    "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族",
    "门巴族", "珞巴族", "基诺族",
), key=len, reverse=True))

#: Former names that no suffix rule reaches (renamed, not just 县 → 区), for the partner provinces.
FORMER_NAMES: dict[str, dict[str, str]] = {
    "50": {"开县": "开州区", "黔江土家族苗族自治县": "黔江区", "黔江县": "黔江区",
           "万县": "万州区", "万县市": "万州区", "涪陵市": "涪陵区", "双桥区": "大足区", "万盛区": "綦江区"},
    "62": {"安西县": "瓜州县", "定西县": "安定区", "武都县": "武都区", "武威县": "凉州区",
           "张掖县": "甘州区", "酒泉县": "肃州区", "平凉县": "崆峒区", "天水县": "麦积区",
           "北道区": "麦积区", "秦城区": "秦州区"},
}


@dataclass(frozen=True)
class County:
    """A county-level division: ``code`` (6 digits), full ``name``, ``province`` and ``city`` full names.

    For the municipalities (北京, 天津, 上海, 重庆) ``city`` is the municipality itself."""

    code: str
    name: str
    province: str
    city: str

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def city_code(self) -> str:
        return self.code[:4]

    @property
    def is_development_zone(self) -> bool:
        """True for 开发区/新区 codes (digits 5–6 in 71–73): statistical units, not counties."""
        return 71 <= int(self.code[4:6]) <= 73


def _read(name: str) -> list[dict[str, str]]:
    with (DIVISIONS_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def strip_ethnic(core: str) -> str:
    """``积石山保安族东乡族撒拉族`` → ``积石山``; ``东乡族`` → ``东乡`` (the name is the group itself)."""
    last = ""
    changed = True
    while changed and core:
        changed = False
        for group in ETHNIC_GROUPS:
            if core.endswith(group) and len(core) >= len(group):
                last, core, changed = group, core[: -len(group)], True
                break
    if not core and last:
        core = last[:-1]
    return core


def short_forms(name: str) -> set[str]:
    """The forms people write for a county-level division's full name (the full name included)."""
    forms = {name}
    for suffix, extra in (("自治县", "县"), ("自治旗", "旗")):
        if name.endswith(suffix):
            core = strip_ethnic(name[: -len(suffix)])
            if core:
                forms.update({core + extra, core + suffix})
                if len(core) >= 2:
                    forms.add(core)
            return forms
    for suffix in ("林区", "特区", "县", "区", "市", "旗"):
        if name.endswith(suffix) and len(name) > len(suffix):
            core = name[: -len(suffix)]
            if len(core) >= 2:
                forms.add(core)
                if suffix in ("区", "市"):  # former counties: 梁平区 was 梁平县, 华亭市 was 华亭县
                    forms.add(core + "县")
            break
    return forms


_ZONE_ABBREVIATIONS = (
    ("高新技术产业开发区", ("高新区", "高新技术开发区")), ("高技术产业开发区", ("高新区",)),
    ("高新技术开发区", ("高新区",)), ("经济技术开发区", ("经开区", "经济开发区", "开发区")),
    ("经济开发区", ("经开区", "开发区")),
)


def zone_forms(name: str, prefecture: str) -> set[str]:
    """Forms of a development zone's name (济南高新技术产业开发区 ⇐ 济南高新区, 高新区), so that
    a ledger naming one gets the message "this is a development zone", not "unknown county"."""
    forms = {name}
    for long, shorts in _ZONE_ABBREVIATIONS:
        if long in name:
            forms.update(name.replace(long, short) for short in shorts)
            break
    for prefix in sorted(prefecture_forms(prefecture), key=len, reverse=True) if prefecture else ():
        forms |= {f[len(prefix):] for f in forms if f.startswith(prefix) and len(f) > len(prefix) + 1}
    return forms


def prefecture_forms(name: str) -> set[str]:
    """``临夏回族自治州`` → {临夏回族自治州, 临夏州, 临夏}; ``青岛市`` → {青岛市, 青岛}."""
    forms = {name}
    for suffix in ("自治州", "地区", "市", "盟"):
        if name.endswith(suffix) and len(name) > len(suffix):
            core = name[: -len(suffix)]
            if suffix == "自治州":
                core = strip_ethnic(core)
            if len(core) >= 2:
                forms.add(core)
                if suffix in ("自治州", "地区"):
                    forms.add(core + "州" if suffix == "自治州" else core + "地区")
            break
    return forms


def province_forms(name: str) -> set[str]:
    """``重庆市`` → {重庆市, 重庆}; ``广西壮族自治区`` → {广西壮族自治区, 广西}."""
    forms = {name}
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suffix):
            forms.add(name[: -len(suffix)])
            break
    return forms


def _historical_codes() -> frozenset[str]:
    """Every county/prefecture/province code GB/T 2260 ever had, from python-stdnum's loc.dat."""
    try:
        text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):  # pragma: no cover - stdnum is a requirement
        return frozenset()
    codes: set[str] = set()
    province = None
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line[0] != " ":
            province = line[:2]
            codes.add(province + "0000")
        elif province is not None:
            part = line.strip()[:4]
            if part.isdigit():
                codes.add(province + part)
    return frozenset(codes)


# --- the tables, built once -----------------------------------------------------------------------

PROVINCES: dict[str, str] = {r["code"]: r["name"] for r in _read("provinces.csv")}
PREFECTURES: dict[str, str] = {r["code"]: r["name"] for r in _read("cities.csv")}
COUNTIES: dict[str, County] = {}
for _row in _read("areas.csv"):
    _prov = _row["provinceCode"]
    _city = PROVINCES[_prov] if _prov in MUNICIPALITIES else PREFECTURES.get(_row["cityCode"], "")
    COUNTIES[_row["code"]] = County(_row["code"], _row["name"], PROVINCES[_prov], _city)

_PROVINCE_BY_NAME: dict[str, str] = {}
for _code, _name in PROVINCES.items():
    for _form in province_forms(_name):
        _PROVINCE_BY_NAME[_form] = _code
_PROVINCE_BY_NAME.update({"内蒙": "15", "新疆维吾尔族自治区": "65"})

#: (province code, form) -> prefecture codes; pseudo-prefectures (市辖区, 县) are not indexed.
_PREFECTURE_BY_FORM: dict[tuple[str, str], set[str]] = {}
for _code, _name in PREFECTURES.items():
    if _name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
        continue
    for _form in prefecture_forms(_name):
        _PREFECTURE_BY_FORM.setdefault((_code[:2], _form), set()).add(_code)

#: (province code, full name) -> county codes (a few full names repeat, e.g. 市中区 in 济南 and 枣庄).
_COUNTY_BY_FULL: dict[tuple[str, str], set[str]] = {}
#: (province code, short form) -> county codes.
_COUNTY_BY_FORM: dict[tuple[str, str], set[str]] = {}
#: short form -> county codes in any province (to say "酉阳县 is in 重庆市, not 甘肃省").
_COUNTY_ANYWHERE: dict[str, set[str]] = {}
for _code, _county in COUNTIES.items():
    _prov = _code[:2]
    _COUNTY_BY_FULL.setdefault((_prov, _county.name), set()).add(_code)
    _forms = zone_forms(_county.name, _county.city) if _county.is_development_zone else short_forms(_county.name)
    for _form in _forms:
        _COUNTY_BY_FORM.setdefault((_prov, _form), set()).add(_code)
        _COUNTY_ANYWHERE.setdefault(_form, set()).add(_code)
_FULL_BY_NAME = {(p, n): c for (p, n), codes in _COUNTY_BY_FULL.items() for c in codes}
for _prov, _renames in FORMER_NAMES.items():
    for _old, _new in _renames.items():
        _target = _COUNTY_BY_FULL.get((_prov, _new))
        if _target:
            _COUNTY_BY_FORM[(_prov, _old)] = set(_target)
            _COUNTY_ANYWHERE.setdefault(_old, set()).update(_target)

_CURRENT_CODES = frozenset(
    set(COUNTIES)
    | {c + "00" for c in PREFECTURES}
    | {c + "0000" for c in PROVINCES}
)
AREA_CODES: frozenset[str] = _CURRENT_CODES | _historical_codes() | PERMIT_AREA_CODES

_SHANDONG_FROM_DATA = tuple(
    n[:-1] for c, n in sorted(PREFECTURES.items()) if c.startswith(SHANDONG_CODE) and n.endswith("市")
)
assert _SHANDONG_FROM_DATA == SHANDONG_CITIES, _SHANDONG_FROM_DATA
#: Shandong prefecture code (4 digits) -> canonical short city name.
SHANDONG_CITY_BY_CODE: dict[str, str] = {
    c: n[:-1] for c, n in PREFECTURES.items() if c.startswith(SHANDONG_CODE)
}
del _row, _prov, _city, _code, _name, _form, _forms, _county, _renames, _old, _new, _target


# --- look-ups ---------------------------------------------------------------------------------------

def province_code(name: str) -> str | None:
    """The 2-digit code of a province written in full or short (重庆, 重庆市, 广西), else None."""
    return _PROVINCE_BY_NAME.get(name)


def province_name(code: str) -> str:
    """The full name of a 2-digit province code."""
    return PROVINCES[code]


def area_code_exists(code: str) -> bool:
    """True when a 6-digit code is (or was) a county, prefecture or province code usable on an ID."""
    return code in AREA_CODES


def county_by_code(code: str) -> County | None:
    """The current county-level division with this code, or None."""
    return COUNTIES.get(code)


def counties_named(province: str, text: str) -> list[County]:
    """County-level divisions of ``province`` (2-digit code) that ``text`` names, full name first.

    An exact full name wins over short forms; a short form shared by several divisions returns them
    all (the caller decides what ambiguity means). Development zones are included (check
    ``County.is_development_zone``)."""
    codes = _COUNTY_BY_FULL.get((province, text)) or _COUNTY_BY_FORM.get((province, text)) or ()
    return [COUNTIES[c] for c in sorted(codes)]


def counties_anywhere(text: str) -> list[County]:
    """County-level divisions of any province whose full name or short form is ``text``."""
    return [COUNTIES[c] for c in sorted(_COUNTY_ANYWHERE.get(text, ()))]


def prefectures_named(province: str, text: str) -> list[str]:
    """4-digit codes of prefectures of ``province`` named ``text`` (全称、简称 or 州/地区 form)."""
    return sorted(_PREFECTURE_BY_FORM.get((province, text), ()))


def prefecture_prefixes(province: str) -> list[tuple[str, str]]:
    """(form, prefecture code) pairs of a province, longest form first, for reading "临夏州东乡县"."""
    pairs = [(form, code) for (prov, form), codes in _PREFECTURE_BY_FORM.items() if prov == province
             for code in codes]
    return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))


def province_prefixes() -> list[tuple[str, str]]:
    """(form, province code) pairs, longest first, for reading "甘肃省临夏州东乡县"."""
    return sorted(_PROVINCE_BY_NAME.items(), key=lambda p: (-len(p[0]), p[0]))
