"""Helpers for store/import tests: valid resident IDs, ledger rows, and ledger files in each format.

``standin_records`` is a tiny stand-in for ``models.intake.records`` used only while VALIDATION's module is
missing; tests use the real module as soon as it exists.
"""
from __future__ import annotations

import csv
import json
import re
import types
from datetime import date
from pathlib import Path

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return "10X98765432"[total % 11]


def make_id(area: str, born: date, seq: int) -> str:
    """A valid 18-character resident ID (``seq`` odd = male, even = female)."""
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


WORKER_LABELS = {
    "external_id": "编号", "name": "姓名", "id_number": "身份证号", "phone": "手机号", "gender": "性别",
    "birth_year": "出生年份", "hukou_province": "户籍省份", "hukou_county": "户籍区县",
    "assistance_status": "帮扶身份", "education": "学历", "skills": "技能", "certificates": "证书",
    "experience": "工作经历", "desired_jobs": "求职意向", "desired_cities": "意向城市",
    "expected_salary": "期望月薪", "needs": "需求", "training_wanted": "培训意愿",
}
JOB_LABELS = {
    "external_id": "编号", "employer_name": "用人单位", "employer_credit_code": "统一社会信用代码",
    "title": "岗位名称", "description": "岗位描述", "city": "工作城市", "district": "区县",
    "salary_min": "月薪下限", "salary_max": "月薪上限", "headcount": "招聘人数", "age_min": "年龄下限",
    "age_max": "年龄上限", "education_min": "最低学历", "required_certificates": "必备证书",
    "skills": "技能要求", "benefits": "福利", "status": "状态",
}

# Real county-level divisions: 酉阳 (Chongqing), 东乡族自治县 (Gansu).
YOUYANG = ("重庆市", "酉阳土家族苗族自治县", "500242")
DONGXIANG = ("甘肃省", "东乡族自治县", "622926")


def worker_row(n: int, **overrides: object) -> dict:
    """A valid worker ledger row (strings, as a CSV cell would hold them)."""
    province, county, area = YOUYANG if n % 2 else DONGXIANG
    row = {
        "external_id": f"W{n:05d}", "name": f"测试{n}", "id_number": make_id(area, date(1980 + n % 20, 3, 5), n % 999 + 1),
        "phone": f"139{n:08d}", "hukou_province": province, "hukou_county": county,
        "assistance_status": "脱贫享受政策人口", "education": "初中", "skills": "电焊、叉车",
        "certificates": "焊工证", "experience": "在工地干过三年电焊", "desired_jobs": "焊工",
        "desired_cities": "青岛、烟台", "expected_salary": "6000", "needs": "包吃住", "training_wanted": "",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def job_row(n: int, **overrides: object) -> dict:
    row = {
        "external_id": f"J{n:04d}", "employer_name": f"青岛测试制造有限公司{n % 3}", "employer_credit_code": "",
        "title": "电焊工", "description": "<script>alert(1)</script>负责车间焊接", "city": "青岛",
        "district": "黄岛区", "salary_min": "6000", "salary_max": "8000", "headcount": "5", "age_min": "18",
        "age_max": "50", "education_min": "初中", "required_certificates": "焊工证", "skills": "二保焊",
        "benefits": "包吃住、五险一金", "status": "open",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def headers_for(kind: str, chinese: bool) -> list[str]:
    labels = WORKER_LABELS if kind == "workers" else JOB_LABELS
    return list(labels.values()) if chinese else list(labels)


def write_ledger(path: Path, kind: str, rows: list[dict], *, chinese: bool = False,
                 encoding: str = "utf-8") -> Path:
    """Write ``rows`` as .jsonl, .csv (``encoding``) or .xlsx, by ``path``'s suffix."""
    labels = WORKER_LABELS if kind == "workers" else JOB_LABELS
    fields = list(labels)
    heads = headers_for(kind, chinese)
    suffix = path.suffix
    if suffix == ".jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps({h: row.get(f, "") for f, h in zip(fields, heads)}, ensure_ascii=False) + "\n")
    elif suffix == ".csv":
        with path.open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(heads)
            for row in rows:
                writer.writerow([row.get(f, "") for f in fields])
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(heads)
        for row in rows:
            ws.append([row.get(f, "") for f in fields])
        wb.save(path)
    else:
        raise ValueError(suffix)
    return path


# --- stand-in for models.intake.records (only while it is missing) ---------------------------------------

def standin_records() -> types.ModuleType:
    """A minimal ``models.intake.records`` with the contract's names: enough rules to exercise the import."""
    mod = types.ModuleType("models.intake.records")

    class FieldError:
        def __init__(self, field, message):
            self.field, self.message = field, message

    def header_map(headers, kind=None):
        out = {}
        for h in headers:
            h2 = h.strip()
            found = None
            for table in ((WORKER_LABELS, JOB_LABELS) if kind is None else
                          ((WORKER_LABELS,) if kind == "workers" else (JOB_LABELS,))):
                for f, label in table.items():
                    if h2 in (f, label):
                        found = f
            out[h] = found
        return out

    def split(value):
        if isinstance(value, list):
            return value
        return [p for p in re.split(r"[、，,；;\s]+", value or "") if p]

    def clean_worker(raw, today=None):
        errors, rec = [], {}
        for f in WORKER_LABELS:
            rec[f] = raw.get(f) or None
        if not rec["external_id"]:
            errors.append(FieldError("external_id", "缺少编号"))
        if not rec["name"]:
            errors.append(FieldError("name", "缺少姓名"))
        number = rec["id_number"]
        if number:
            number = str(number).strip().upper()
            if len(number) != 18 or id_check_char(number[:17]) != number[17]:
                errors.append(FieldError("id_number", f"身份证号 {number} 校验位错误"))
            else:
                rec["id_number"] = number
                rec["gender"] = "男" if int(number[16]) % 2 else "女"
                rec["birth_year"] = int(number[6:10])
        if rec["phone"] and not re.fullmatch(r"1[3-9]\d{9}", str(rec["phone"])):
            errors.append(FieldError("phone", f"手机号 {rec['phone']} 格式不对"))
        for f in ("skills", "certificates", "desired_cities", "needs"):
            rec[f] = split(rec[f])
        if rec["expected_salary"]:
            try:
                rec["expected_salary"] = int(rec["expected_salary"])
            except ValueError:
                errors.append(FieldError("expected_salary", "期望月薪不是数字"))
        return (None if errors else rec), errors

    def clean_job(raw):
        errors, rec = [], {}
        for f in JOB_LABELS:
            rec[f] = raw.get(f) or None
        for f in ("external_id", "employer_name", "title"):
            if not rec[f]:
                errors.append(FieldError(f, f"缺少{JOB_LABELS[f]}"))
        for f in ("required_certificates", "skills", "benefits"):
            rec[f] = split(rec[f])
        for f in ("salary_min", "salary_max", "headcount", "age_min", "age_max"):
            if rec[f]:
                try:
                    rec[f] = int(rec[f])
                except ValueError:
                    errors.append(FieldError(f, f"{JOB_LABELS[f]}不是数字"))
        return (None if errors else rec), errors

    mod.FieldError = FieldError
    mod.header_map = header_map
    mod.clean_worker = clean_worker
    mod.clean_job = clean_job
    mod.WORKER_FIELDS = dict(WORKER_LABELS)
    mod.JOB_FIELDS = dict(JOB_LABELS)
    return mod
