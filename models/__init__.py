"""The Tongbang domain: records, their validation, the SQLite store and its queries.

Nothing in this package imports Flask or FAISS; ``matching`` and ``app`` build on it.
"""
