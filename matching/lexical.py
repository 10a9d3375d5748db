"""The lexical channel: jieba words + BM25 (bm25s) over the same text the encoder embeds.

Two uses: a candidate channel for ``matching.service`` (postings that share rare trade words with a
worker - 二保焊, 氩弧焊, N1, 扎钢筋 - even when the embedding ranks them low), and the BM25 baseline
of ``scripts/bench_matching_quality.py``. Tokens are jieba's search-mode words plus character
bigrams, so that colloquial 电焊 still meets 焊工's 焊 side (会烧电焊 vs 电焊工).
"""
from __future__ import annotations

import logging
import re
import threading

import numpy as np

from models.store.db import store_id

_PUNCT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
_STOP = {"的", "了", "和", "与", "及", "或", "在", "有", "是", "过", "会", "能", "我", "要", "找", "做",
         "干", "岗位", "技能", "要求", "证书", "描述", "求职", "意向", "工作", "经历", "必备", "技能要求"}
_lock = threading.Lock()


def tokenize(text: str) -> list[str]:
    """jieba search-mode words (without stop words) plus Chinese character bigrams."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = [w for w in jieba.lcut_for_search(text or "") if w.strip() and not _PUNCT.fullmatch(w)]
    words = [w.lower() for w in words if w not in _STOP]
    chars = _PUNCT.sub(" ", text or "")
    bigrams = [chunk[i:i + 2] for chunk in chars.split() for i in range(len(chunk) - 1)
               if re.fullmatch(r"[\u4e00-\u9fff]{2}", chunk[i:i + 2])]
    return words + ["§" + b for b in bigrams]


class Bm25Index:
    """BM25 over a fixed list of (id, text); ``search(text, k)`` -> [(id, score)] best first."""

    def __init__(self, ids: list[int], texts: list[str]) -> None:
        import bm25s

        self.ids = list(ids)
        self._model = None
        if not self.ids:
            return
        corpus = [tokenize(t) or ["§empty"] for t in texts]
        with _lock:
            model = bm25s.BM25()
            model.index(corpus, show_progress=False)
        self._model = model

    def scores(self, text: str) -> np.ndarray:
        """BM25 score of every document for the query text (aligned with ``ids``)."""
        if self._model is None:
            return np.zeros(0, dtype=np.float32)
        tokens = [t for t in tokenize(text) if t in self._model.vocab_dict]
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._model.get_scores(tokens), dtype=np.float32)

    def search(self, text: str, k: int) -> list[tuple[int, float]]:
        """The ``k`` best documents with a positive score."""
        scores = self.scores(text)
        if scores.size == 0:
            return []
        k = min(k, scores.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


_cache: dict[tuple, Bm25Index] = {}


def job_bm25(db, text_of) -> Bm25Index:
    """A BM25 index over the store's open jobs, rebuilt only when the jobs table has changed."""
    key_row = db.execute("SELECT COALESCE(MAX(rev), 0), COUNT(*) FROM jobs WHERE status = 'open'").fetchone()
    path = store_id(db)
    key = ("jobs", path, tuple(key_row),
           db.execute("SELECT COALESCE(MAX(rev), 0) FROM jobs").fetchone()[0])
    found = _cache.get(key)
    if found is not None:
        return found
    ids, texts = text_of()
    index = Bm25Index(ids, texts)
    for old in [k for k in _cache if k[:2] == key[:2]]:
        _cache.pop(old, None)
    _cache[key] = index
    return index
