"""Maintenance over the whole database: counts per ledger (``stats``) and integrity and
consistency checks (``check``). Plain Python over a session; the CLI and the GUI both call it."""
