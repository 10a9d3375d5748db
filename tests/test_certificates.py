"""Certificate names normalise to one canonical name; holding a certificate follows the covering rules."""
from __future__ import annotations

import csv

import pytest

from models.intake.certificates import (
    CSV_PATH,
    all_certificates,
    certificate_category,
    certificate_label,
    covered_by,
    holds_certificate,
    is_known_certificate,
    normalise_certificate,
)


@pytest.mark.parametrize("written, canonical", [
    ("特种作业操作证（焊接与热切割作业）", "焊工证"),
    ("特种作业操作证(焊接与热切割作业)", "焊工证"),          # half-width brackets
    ("特种作业操作证 （ 熔化焊接与热切割作业 ）", "焊工证"),    # spaces
    ("电焊证", "焊工证"),
    ("焊工操作证", "焊工证"),
    ("电焊工证", "焊工证"),
    ("熔化焊接与热切割", "焊工证"),
    ("焊工证书", "焊工证"),
    ("焊工证（中级）", "焊工证"),
    ("持有焊工证", "焊工证"),
    ("电工证（低压）", "低压电工证"),
    ("电工证(低压)", "低压电工证"),
    ("特种作业操作证（低压电工作业）", "低压电工证"),
    ("特种作业操作证（高压电工作业）", "高压电工证"),
    ("高处作业证", "登高证"),
    ("特种作业操作证（制冷与空调设备运行操作作业）", "制冷证"),
    ("特种设备作业人员证（N1叉车）", "叉车证"),
    ("N1证", "叉车证"),
    ("叉车操作证", "叉车证"),
    ("叉车驾驶证", "叉车证"),
    ("行车证", "起重机司机证"),
    ("特种设备作业人员证（Q2）", "起重机司机证"),
    ("G1证", "锅炉司炉证"),
    ("健康证明", "健康证"),
    ("食品从业人员健康证", "健康证"),
    ("挖掘机操作证书", "挖掘机操作证"),
    ("挖机证", "挖掘机操作证"),
    ("铲车证", "装载机操作证"),
    ("养老护理员职业技能等级证书", "养老护理员证"),
    ("月嫂证", "母婴护理证"),
    ("育婴师证", "育婴员证"),
    ("保育员", "保育员证"),
    ("厨师证", "中式烹调师证"),
    ("维修电工证", "电工职业资格证"),
    ("电工职业资格证书", "电工职业资格证"),
])
def test_variants_map_to_canonical(written, canonical):
    assert normalise_certificate(written) == canonical


@pytest.mark.parametrize("written, canonical", [
    ("C1驾驶证", "C1驾驶证"), ("C1驾照", "C1驾驶证"), ("c1驾照", "C1驾驶证"), ("驾驶证C1", "C1驾驶证"),
    ("Ｃ１驾驶证", "C1驾驶证"), ("C1", "C1驾驶证"), ("B2驾驶证（大货车）", "B2驾驶证"), ("A2本", "A2驾驶证"),
    ("驾照A1", "A1驾驶证"), ("A3照", "A3驾驶证"), ("B1证", "B1驾驶证"), ("C2 驾照", "C2驾驶证"),
    ("驾照", "驾驶证"), ("机动车驾驶证", "驾驶证"),
])
def test_driving_licence_variants(written, canonical):
    assert normalise_certificate(written) == canonical


def test_unknown_certificate_returned_cleaned():
    assert normalise_certificate("  无人机 驾驶员执照（ＡＢＣ） ") == "无人机驾驶员执照(ABC)"
    assert not is_known_certificate("无人机驾驶员执照")
    assert normalise_certificate("") == ""
    assert normalise_certificate(None) == ""
    assert holds_certificate(["无人机驾驶员执照"], "无人机驾驶员执照")
    assert not holds_certificate(["焊工证"], "无人机驾驶员执照")


def test_holds_after_normalisation():
    assert holds_certificate(["特种作业操作证（焊接与热切割作业）"], "焊工证")
    assert holds_certificate(["电焊证", "健康证"], "焊工证")
    assert holds_certificate(["焊工证"], "电焊工证")
    assert holds_certificate(["N1"], "叉车证")
    assert not holds_certificate([], "焊工证")
    assert not holds_certificate(None, "叉车证")
    assert not holds_certificate(["叉车证"], "焊工证")
    assert holds_certificate(["叉车证"], "")   # no requirement


@pytest.mark.parametrize("held, required, ok", [
    ("A1驾驶证", "A3驾驶证", True), ("A1驾驶证", "B1驾驶证", True), ("A1驾驶证", "B2驾驶证", True),
    ("A1驾驶证", "C1驾驶证", True), ("A1驾驶证", "C2驾驶证", True), ("A1驾驶证", "A2驾驶证", False),
    ("A2驾驶证", "B2驾驶证", True), ("A2驾驶证", "C1驾驶证", True), ("A2驾驶证", "A1驾驶证", False),
    ("A3驾驶证", "C1驾驶证", True), ("A3驾驶证", "B2驾驶证", False),
    ("B2驾驶证", "C1驾驶证", True), ("B2驾驶证", "C2驾驶证", True), ("B2驾驶证", "B1驾驶证", False),
    ("B1驾驶证", "C1驾驶证", True), ("B2驾驶证", "A2驾驶证", False),
    ("C1驾驶证", "C2驾驶证", True), ("C1驾照", "C2", True), ("C2驾驶证", "C1驾驶证", False),
    ("C1驾驶证", "B2驾驶证", False), ("C1驾驶证", "驾驶证", True), ("B2", "驾照", True),
    ("E驾驶证", "F驾驶证", True), ("E驾驶证", "C1驾驶证", False),
    ("驾驶证", "C1驾驶证", False),   # an unspecified licence proves no class
])
def test_licence_implication(held, required, ok):
    assert holds_certificate([held], required) is ok


def test_high_voltage_does_not_cover_low_voltage():
    assert not holds_certificate(["高压电工证"], "低压电工证")
    assert not holds_certificate(["低压电工证"], "高压电工证")
    assert holds_certificate(["高压电工证", "低压电工证"], "低压电工证")


def test_generic_special_operation_requirement():
    assert holds_certificate(["电焊证"], "特种作业操作证")
    assert holds_certificate(["叉车证"], "特种设备作业人员证")
    assert not holds_certificate(["健康证"], "特种作业操作证")
    assert not holds_certificate(["特种作业操作证"], "焊工证")


def test_covered_by_and_labels():
    assert covered_by("C1驾照") == {"C1驾驶证", "C2驾驶证", "C3驾驶证", "驾驶证"}
    assert certificate_label("特种作业操作证（焊接与热切割作业）") == "焊工证"
    assert certificate_category("N1证") == "特种设备"
    assert certificate_category("C1") == "驾驶证"
    assert certificate_category("不存在的证") is None


def test_reference_list_is_complete_and_consistent():
    certs = all_certificates()
    assert len(certs) >= 40
    names = {c.canonical for c in certs}
    for must in ("焊工证", "低压电工证", "高压电工证", "登高证", "制冷证", "叉车证", "起重机司机证", "电梯证",
                 "锅炉司炉证", "健康证", "A1驾驶证", "A2驾驶证", "A3驾驶证", "B1驾驶证", "B2驾驶证", "C1驾驶证",
                 "C2驾驶证", "挖掘机操作证", "装载机操作证", "养老护理员证", "母婴护理证", "育婴员证", "保育员证",
                 "中式烹调师证", "电工职业资格证"):
        assert must in names
    for cert in certs:   # every alias leads back to its own certificate, every covered name exists
        for alias in (cert.canonical, *cert.aliases):
            assert normalise_certificate(alias) == cert.canonical, alias
        assert set(cert.covers) <= names
    with CSV_PATH.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle))[:3] == ["canonical", "category", "aliases"]


def test_road_transport_qualification_generic_and_specific():
    assert normalise_certificate("货运资格证") == "货运从业资格证"
    assert holds_certificate(["货运资格证"], "道路运输从业资格证")
    assert holds_certificate(["客运从业资格证"], "道路运输从业资格证")
    assert not holds_certificate(["道路运输从业资格证"], "危险货物运输从业资格证")
    assert not holds_certificate(["客运从业资格证"], "货运从业资格证")


def test_ledger_wordings_for_excavator_and_scaffold_certificates():
    from models.intake.certificates import normalise_certificate

    assert normalise_certificate("挖掘机驾驶员证") == "挖掘机操作证"
    assert normalise_certificate("登高作业证（架子工）") == "登高架设证"
    assert normalise_certificate("登高作业证") == "登高证"      # without 架子工 it is the 高处作业 one
    assert normalise_certificate("建筑架子工") == "架子工证"     # the housing ministry's card stays its own
