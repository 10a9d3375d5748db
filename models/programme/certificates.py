"""务工证明: the employment certificate a worker's home county accepts for a subsidy claim, per placement.

What it says (:func:`certificate_data`): the worker (name, masked ID as the reader may see it, hukou, status),
the employer with its unified social credit code, city and job, start date, full months worked, still
employed (with the latest follow-up that confirmed it) or the end date, the pay range of the posting, and the
staff sign-off (who, when) — or that it is a draft not yet signed.

Rendered as PDF by ReportLab (:func:`render_pdf`) with WenQuanYi Micro Hei embedded (a subset of the glyphs
used), so it prints and reads the same on any machine; the font file comes from the ``paperang-p2-fonts-cjk``
package (the same TTC Debian ships as ``fonts-wqy-microhei``), or ``TONGBANG_PDF_FONT`` (a TTF/TTC path).
As a workbook per county (:func:`county_workbook`): one row per placement, the same fields.
"""
from __future__ import annotations

import io
import os
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import sqlite_utils

from models.placement.placements import PlacementState, add_months, parse_date
from models.store.db import audit, utcnow

FONT_NAME = "WenQuanYiMicroHei"

#: The fields of a certificate, in order: (key, label). The workbook's columns are the same.
FIELDS = [("certificate_no", "证明编号"), ("worker_name", "姓名"), ("id_masked", "身份证号"),
          ("hukou", "户籍"), ("assistance_status", "帮扶身份"), ("employer_name", "用人单位"),
          ("credit_code", "统一社会信用代码"), ("workplace", "工作地点及岗位"), ("start_date", "入职日期"),
          ("months_worked", "已连续工作月数"), ("employment", "在岗情况"), ("pay_range", "月工资范围"),
          ("signed", "经办签发")]


def font_path() -> Path:
    """The CJK font embedded in the PDF: ``TONGBANG_PDF_FONT`` or WenQuanYi Micro Hei from its package."""
    configured = os.environ.get("TONGBANG_PDF_FONT")
    if configured:
        return Path(configured)
    return Path(str(resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"))


@lru_cache(maxsize=1)
def _register_font(path: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


def months_between(start: date, end: date) -> int:
    """Full months from ``start`` to ``end`` (the milestone arithmetic of ``add_months``: 1 Mar → 1 Jun = 3)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def latest_signoff(db: sqlite_utils.Database, placement_id: int) -> dict | None:
    cur = db.execute("SELECT * FROM certificate_signoffs WHERE placement_id = ? ORDER BY id DESC LIMIT 1",
                     (placement_id,))
    row = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], row)) if row else None


def record_signoff(db: sqlite_utils.Database, placement_id: int, *, user_id: int | None, signer_name: str,
                   signed_on: date, note: str | None) -> int:
    """Record that a staff member checked and signed the certificate (the caller checked who may); audited."""
    now = utcnow()
    cur = db.execute("INSERT INTO certificate_signoffs (placement_id, signed_by, signer_name, signed_on, note,"
                     " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (placement_id, user_id, signer_name, signed_on.isoformat(), note, now, now))
    audit(db, "certificate.signed", user_id=user_id, entity="placement", entity_id=placement_id,
          detail={"signed_on": signed_on.isoformat()})
    return cur.lastrowid


def certificate_data(db: sqlite_utils.Database, placement: dict, state: PlacementState, *, id_masked: str | None,
                     today: date) -> dict:
    """Everything the certificate says, as text, for ``placement`` (a row of ``placements.get_placement``)."""
    employer = None
    if placement.get("employer_id"):
        employer = db.execute("SELECT credit_code FROM employers WHERE id = ?", (placement["employer_id"],)).fetchone()
    pay = None
    if placement.get("job_id"):
        pay = db.execute("SELECT salary_min, salary_max FROM jobs WHERE id = ?", (placement["job_id"],)).fetchone()
    start = parse_date(placement["start_date"])
    end = state.left_on if state.status == "离职" else today
    if state.status == "离职":
        employment = f"已于 {state.left_on.isoformat()} 离职"
    elif state.extra.get("latest_confirmation"):
        employment = f"目前仍在岗（{state.extra['latest_confirmation']} 回访确认）"
    else:
        employment = "目前仍在岗（尚无回访确认）"
    signoff = latest_signoff(db, placement["id"])
    if pay and (pay[0] or pay[1]):
        pay_range = f"{pay[0] or '—'}–{pay[1] or '—'} 元/月"
    else:
        pay_range = "未登记"
    return {
        "placement_id": placement["id"],
        "certificate_no": f"TB-{placement['id']:06d}" + (f"-{signoff['id']}" if signoff else ""),
        "worker_name": placement["worker_name"],
        "worker_external_id": placement["worker_external_id"],
        "id_masked": id_masked or "（仅户籍地工作人员可见）",
        "hukou": f"{placement.get('hukou_province') or ''} {placement.get('hukou_county') or ''}".strip() or "未登记",
        "hukou_province": placement.get("hukou_province"),
        "hukou_county": placement.get("hukou_county"),
        "assistance_status": placement.get("assistance_status") or "未登记",
        "employer_name": placement["employer_name"],
        "credit_code": (employer[0] if employer and employer[0] else "未登记"),
        "workplace": f"山东省{placement.get('city') or ''} · {placement['title']}",
        "start_date": start.isoformat(),
        "months_worked": months_between(start, end),
        "still_employed": state.status == "在岗",
        "end_date": state.left_on.isoformat() if state.left_on else None,
        "employment": employment,
        "pay_range": pay_range,
        "signed": (f"{signoff['signer_name']}，{signoff['signed_on']}" if signoff else "未签发（草稿，仅供核对）"),
        "signed_by": signoff["signer_name"] if signoff else None,
        "signed_on": signoff["signed_on"] if signoff else None,
        "issued_on": today.isoformat(),
    }


def render_pdf(data: dict) -> bytes:
    """The certificate as a one-page A4 PDF with the CJK font embedded."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font(str(font_path()))
    title = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=17)
    cell = ParagraphStyle("cell", fontName=font, fontSize=11, leading=15)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=22 * mm,
                            bottomMargin=20 * mm, title=f"务工证明 {data['certificate_no']}", author="同帮",
                            subject="务工证明")
    rows = [[Paragraph(label, cell), Paragraph(str(data[key]), cell)] for key, label in FIELDS]
    table = Table(rows, colWidths=[42 * mm, 128 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    still = "至今仍在该单位工作" if data["still_employed"] else f"已于 {data['end_date']} 离职"
    statement = (f"兹证明 {data['worker_name']}（户籍 {data['hukou']}）自 {data['start_date']} 起在"
                 f"{data['employer_name']}务工，已连续工作 {data['months_worked']} 个月，{still}。")
    story = [Paragraph("务工证明", title), Spacer(1, 8 * mm), Paragraph(statement, body), Spacer(1, 6 * mm), table,
             Spacer(1, 8 * mm),
             Paragraph("本证明根据同帮平台的就业记录和回访记录生成，供户籍地申领务工相关补贴使用；"
                       "身份证号按查阅权限脱敏。", body),
             Spacer(1, 4 * mm), Paragraph(f"出具日期：{data['issued_on']}", body)]
    doc.build(story)
    return buffer.getvalue()


def county_workbook(rows: list[dict], county: str, today: date) -> io.BytesIO:
    """The certificates of one county's workers as one workbook (a row per placement)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "务工证明"
    ws.append([f"{county} 务工证明汇总（{len(rows)} 人次，截至 {today.isoformat()}；身份证号已脱敏）"])
    ws.append([label for _, label in FIELDS])
    for c in ws[2]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([row[key] for key, _ in FIELDS])
    for col, width in zip("ABCDEFGHIJKLM", (16, 10, 22, 24, 16, 26, 22, 24, 12, 14, 30, 16, 24)):
        ws.column_dimensions[col].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer
