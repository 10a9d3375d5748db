"""The rulebook: every write and every scoped read of the platform, one function per domain action.

Pages, the JSON API, the command line, ledger imports and scheduled jobs are doors; none holds a rule. Each
action here

- takes the store ``db`` and the acting user ``actor`` (a ``users`` row, the Flask-Login user, or
  ``models.access.SYSTEM`` for the scheduler and the server's own CLI);
- checks permission (``models.access``) and the domain rules (hard requirements, open posting, duplicates,
  scope, consent);
- writes and audits in one transaction (``models.store.db.transaction`` + ``audit``);
- raises :class:`ActionError` when it refuses: one error type, which a page shows as a Chinese message on the
  right field and the API as its error format (``kind`` → HTTP status).

Modules, one per part of the domain: ``applications`` (apply, recommend, accept, decline, withdraw, consent
by phone, status changes and hiring), ``workers`` (create, edit, seeking, ID reveal, accounts), ``postings``
(create, edit, close, reopen), ``placements`` (record, follow up, end), ``imports`` (ledger rows),
``comparisons`` (assistance-list comparison), ``reports`` (lists and workbooks).
"""
from __future__ import annotations

from models.errors import ActionError, conflict, forbidden, invalid, not_found

__all__ = ["ActionError", "conflict", "forbidden", "invalid", "not_found"]
