"""People and accounts: workers (求职者), employers (用人单位), user accounts and API tokens, and the
protection of personal data (encrypted ID numbers, masking)."""
