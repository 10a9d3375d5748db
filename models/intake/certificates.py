"""Certificate names: one canonical name per certificate, and who holds what a posting requires.

Workers and employers write certificate names in many ways: 特种作业操作证（焊接与热切割作业）, 电焊证,
焊工操作证 and 焊工证 are the same certificate; C1驾照, 驾驶证C1 and c1本 the same licence.
``data/certificates.csv`` lists each certificate once (``canonical``, ``category``, ``aliases`` separated
by ``|``, and ``covers``: the canonical names a holder of this one also holds, separated by ``|``).

Normalising a name (``normalise_certificate``):

1. Unicode NFKC (full-width brackets, letters and digits become half-width), 【】[]〔〕 become (), spaces,
   quotes and trailing punctuation go, Latin letters upper-case, leading 持有/持/有/具备 dropped.
2. The cleaned name is looked up in a dictionary of every canonical name and alias, under a *key* that
   also drops the suffix variants people add or leave out (证书, 证明, 操作证, 上岗证, 作业证, 资格证, 证,
   and a grade in brackets such as （初级）), so 挖掘机操作证 = 挖掘机证 = 挖掘机操作证书.
3. Failing that, a bracketed name is tried by its parts: 特种作业操作证（低压电工作业） by what is inside
   the brackets (the outer name is the generic document), 焊工证（中级） by what is outside.
4. Driving licences are recognised by their class letter in any position (驾驶证C1, C1驾照, c1本).
5. An unknown name is returned cleaned (step 1), never dropped.

Who holds what (``holds_certificate``): the worker holds a required certificate when one of theirs
normalises to it or *covers* it. Covering is data, in the ``covers`` column, applied as listed (not
transitively: the regulation's lists are complete, C1 covers C3 and C3 covers C4, but C1 does not cover C4):

- driving licences follow the 准驾车型 of the 机动车驾驶证申领和使用规定 (公安部令第162号): A1 covers
  A3 B1 B2 C1 C2 C3 C4 M; A2 covers B1 B2 C1 C2 C3 C4 C6 M; A3 covers C1 C2 C3; B1/B2 cover C1 C2 C3 C4 M;
  C1 covers C2 C3; C3 covers C4; D covers E F; E covers F. Every class covers a bare 驾驶证 requirement;
- every special-operation certificate covers a bare 特种作业操作证 requirement, every special-equipment
  one a bare 特种设备作业人员证 requirement;
- 高压电工证 does **not** cover 低压电工证: they are separate operation items (高压电工作业 and 低压电工作业)
  of the 特种作业目录, each with its own examination and certificate, and working on low-voltage
  installations with only the high-voltage item is not licensed. Likewise the special-equipment
  welder's certificate (质监) and the special-operation 焊工证 (应急管理) are different documents.

A plain 电工证 is read as 低压电工证: in everyday speech it means the 特种作业操作证（电工作业）, and the
low-voltage item is by far the most common one; a worker who writes 电工证 is then matched to postings
that require 低压电工证.

Everything is precomputed once (``_tables``, cached); single look-ups are cached too, so calls in the
ranking hot path cost a dictionary hit.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CSV_PATH = Path(__file__).resolve().parents[2] / "data" / "certificates.csv"

# Suffixes people add to or leave out of a certificate name; stripped (longest first) to form the key.
_SUFFIXES = ("操作资格证书", "操作资格证", "资格证书", "操作证书", "上岗证书",
             "合格证书", "证书", "证明", "操作证", "上岗证", "作业证", "资格证", "合格证", "执照", "证", "本")
# Generic outer names whose bracketed part says which certificate it is.
_GENERIC_OUTER = ("特种作业操作证", "特种作业人员操作证", "特种作业证", "特种设备作业人员证", "特种设备作业证",
                  "特种设备作业人员资格证", "建筑施工特种作业操作资格证", "建筑施工特种作业人员证",
                  "建筑施工特种作业证", "职业技能等级证书", "职业资格证书", "职业资格证")
_GRADE = re.compile(r"\((?:初级|中级|高级|技师|高级技师|[一二三四五]级|[1-5]级|复审|新证|有效期内|在有效期内)\)$")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "｛": "(",
                           "｝": ")", "{": "(", "}": ")", "<": "(", ">": ")", "《": "", "》": "",
                           "“": "", "”": "", '"': "", "'": "", "‘": "", "’": "", "「": "", "」": ""})
_SPACES = re.compile(r"\s+")
_LEADING = ("持有", "具备", "具有", "持", "有")
_TRAILING = "。，,.；;、:：!！?？*＊~～"
# Driving licence classes; a licence is a class plus an optional licence word, in either order.
_LICENCE = re.compile(r"^(?:机动车)?(?:驾驶证|驾照|驾驶执照|驾驶本)?[-_:]?"
                      r"(A[1-3]|B[12]|C[1-6]|[DEFMNP])"
                      r"(?:驾驶证|驾照|驾驶执照|驾驶本|本|照|证|类|类驾驶证|类驾照|牌|证书)?"
                      r"(?:\([^()]*\))?$")


@dataclass(frozen=True)
class Certificate:
    """One certificate of the reference list."""

    canonical: str
    category: str
    aliases: tuple[str, ...]
    covers: tuple[str, ...]


@dataclass(frozen=True)
class _Tables:
    by_name: dict[str, Certificate]          # canonical -> certificate
    by_key: dict[str, str]                   # key of any canonical name or alias -> canonical
    covers: dict[str, frozenset[str]]        # canonical -> what it covers as listed, itself included


def clean_certificate(name: str | None) -> str:
    """A certificate name as written, tidied: half-width, () brackets, no spaces, upper-case Latin."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", str(name)).translate(_BRACKETS)
    text = _SPACES.sub("", text).strip(_TRAILING).upper()
    for lead in _LEADING:
        if text.startswith(lead) and len(text) > len(lead) + 1:
            text = text[len(lead):]
            break
    return text


def _key(cleaned: str) -> str:
    """The look-up key of a cleaned name: without a trailing grade and the suffix variants."""
    text = _GRADE.sub("", cleaned)
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return text


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Load ``data/certificates.csv`` once and precompute the look-up and covering tables."""
    by_name: dict[str, Certificate] = {}
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            canonical = row["canonical"].strip()
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            covers = tuple(c.strip() for c in (row.get("covers") or "").split("|") if c.strip())
            by_name[canonical] = Certificate(canonical, row["category"].strip(), aliases, covers)
    by_key: dict[str, str] = {}
    # Canonical names first, so an alias never shadows another certificate's own name.
    for cert in by_name.values():
        for form in (clean_certificate(cert.canonical), _key(clean_certificate(cert.canonical))):
            by_key.setdefault(form, cert.canonical)
    for cert in by_name.values():
        for alias in cert.aliases:
            cleaned = clean_certificate(alias)
            for form in (cleaned, _key(cleaned)):
                by_key.setdefault(form, cert.canonical)
    # Direct only, not transitive: the 准驾车型 lists of the regulation are complete as they stand.
    covers = {name: frozenset((name, *(c for c in cert.covers if c in by_name))) for name, cert in by_name.items()}
    return _Tables(by_name, by_key, covers)


def _lookup(cleaned: str, tables: _Tables) -> str | None:
    if not cleaned:
        return None
    for form in (cleaned, _key(cleaned)):
        hit = tables.by_key.get(form)
        if hit:
            return hit
    return None


@lru_cache(maxsize=20_000)
def normalise_certificate(name: str | None) -> str:
    """The canonical name of a certificate ('电焊证' -> '焊工证'); an unknown name comes back cleaned."""
    tables = _tables()
    cleaned = clean_certificate(name)
    hit = _lookup(cleaned, tables)
    if hit:
        return hit
    licence = _LICENCE.match(cleaned)
    if licence:
        return f"{licence.group(1)}驾驶证"
    match = re.match(r"^(.*?)\((.+)\)$", cleaned)
    if match:
        outer, inner = match.group(1), match.group(2)
        parts = (inner, outer) if outer in _GENERIC_OUTER or _key(outer) in _GENERIC_OUTER else (outer, inner)
        for part in parts:
            hit = _lookup(part, tables) or _lookup(re.sub(r"作业$", "", part), tables)
            if hit:
                return hit
    return cleaned


def certificate_label(name: str | None) -> str:
    """How to name a certificate in a reason shown to a worker: its canonical name."""
    return normalise_certificate(name)


def is_known_certificate(name: str | None) -> bool:
    """True when the name normalises to a certificate of the reference list."""
    return normalise_certificate(name) in _tables().by_name


def certificate_category(name: str | None) -> str | None:
    """The category (特种作业, 特种设备, 驾驶证, 健康, 职业技能 …) of a known certificate, else None."""
    cert = _tables().by_name.get(normalise_certificate(name))
    return cert.category if cert else None


def covered_by(name: str | None) -> frozenset[str]:
    """Every canonical certificate a holder of ``name`` holds (itself included): C1驾驶证 -> {C1, C2, C3, 驾驶证}."""
    canonical = normalise_certificate(name)
    return _tables().covers.get(canonical, frozenset((canonical,)))


def holds_certificate(worker_certs: list[str] | tuple[str, ...] | None, required: str) -> bool:
    """True when one of the worker's certificates is, or covers, the required one (names normalised)."""
    if not required or not str(required).strip():
        return True
    want = normalise_certificate(required)
    for cert in worker_certs or ():
        if cert and want in covered_by(cert):
            return True
    return False


def all_certificates() -> list[Certificate]:
    """The reference list, in file order."""
    return list(_tables().by_name.values())
