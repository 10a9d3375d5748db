"""Splitting a SQL script into its statements, for both engines (``models.store.db`` runs migrations one
statement at a time inside a transaction; ``models.store.pg`` translates each statement for PostgreSQL)."""
from __future__ import annotations

import sqlite3


def split_statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (trigger bodies contain semicolons)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
