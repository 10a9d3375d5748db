"""Matching: turning workers and jobs into comparable vectors and ranking them.

- ``matching.text``: the text that stands for a worker / a job (RANKING);
- ``matching.encoder``: the sentence-transformers encoder, chosen by ``TONGBANG_ENCODER`` (INDEX);
- ``matching.cache``: the embedding cache, a text is never encoded twice (INDEX);
- ``matching.index``: FAISS indexes of open jobs and seeking workers, in step with the store (INDEX);
- ``matching.features``, ``ranker``, ``reasons``, ``weights``, ``service``: hard filters, hybrid score,
  reasons in Chinese, and the entry points ``jobs_for_worker`` / ``candidates_for_job`` (RANKING).

This package imports ``models``, never ``app``. Importing it loads nothing heavy; the model loads on
first use of ``matching.encoder.get_encoder()``.
"""
