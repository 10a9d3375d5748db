"""Ledger intake: the record fields and their validation, reference data (divisions, occupations,
certificates), and importing ledgers (.jsonl, .csv, .xlsx)."""
