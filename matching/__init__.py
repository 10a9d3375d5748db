"""Matching: turning workers and jobs into comparable vectors and ranking them.

- ``matching.text``: the text that stands for a worker / a job;
- ``matching.encoder``: the encoders (our static numpy model, or sentence-transformers such as m3e-small),
  chosen by ``TONGBANG_ENCODER``;
- ``matching.cache``: the embedding cache, a transformer never encodes a text twice;
- ``matching.index``: FAISS indexes of open jobs and seeking workers, in step with the store;
- ``matching.features``, ``ranker``, ``reasons``, ``weights``, ``service``: hard filters, hybrid score,
  reasons in Chinese, and the entry points ``jobs_for_worker`` / ``candidates_for_job``.

This package imports ``models``, never ``app``. Importing it loads nothing heavy; the model loads on
first use of ``matching.encoder.get_encoder()``.
"""
