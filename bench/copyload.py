"""Bulk loading with PostgreSQL COPY: rows are dicts keyed by the model's attnames.

Columns come from the model's `_meta`, so a new nullable or defaulted column needs no change
here; a new NOT NULL column without a default fails loudly at COPY time.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from decimal import Decimal

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def fmt(value) -> str:
    """One value in COPY text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if kind is dt.date or kind is dt.datetime:
        return value.isoformat()
    if kind is dict or kind is list:
        return json.dumps(value).translate(_ESCAPES)
    if kind is Decimal or kind is uuid.UUID:
        return str(value)
    return str(value).translate(_ESCAPES)


class TableWriter:
    """Buffers rows for one table and sends them with COPY in chunks (bounded memory)."""

    def __init__(self, cursor, model, *, chunk: int = 50_000):
        self.cursor = cursor
        self.table = model._meta.db_table
        self.spec = []
        for f in model._meta.concrete_fields:
            default = f.get_default() if f.has_default() or not f.null else None
            self.spec.append((f.attname, f.column, default))
        self.columns = ", ".join(f'"{c}"' for _, c, _ in self.spec)
        self.chunk = chunk
        self.buf = io.StringIO()
        self.pending = 0
        self.count = 0

    def add(self, row: dict) -> None:
        get = row.get
        self.buf.write("\t".join([fmt(get(a, d)) for a, _, d in self.spec]))
        self.buf.write("\n")
        self.pending += 1
        if self.pending >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.buf.seek(0)
        self.cursor.copy_expert(f'COPY "{self.table}" ({self.columns}) FROM STDIN', self.buf)
        self.count += self.pending
        self.buf = io.StringIO()
        self.pending = 0


class Loader:
    """One TableWriter per model, created on first use; `close()` flushes them all."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.writers: dict[type, TableWriter] = {}

    def add(self, model, row: dict) -> None:
        writer = self.writers.get(model)
        if writer is None:
            writer = self.writers[model] = TableWriter(self.cursor, model)
        writer.add(row)

    def close(self) -> dict[str, int]:
        for writer in self.writers.values():
            writer.flush()
        return {w.table: w.count for w in self.writers.values()}


def reset_sequences(cursor, tables_pk: list[tuple[str, str]]) -> None:
    """Point each table's id sequence past the ids we wrote ourselves."""
    for table, pk in tables_pk:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST((SELECT MAX(\"{pk}\") FROM \"{table}\"), 1))",
            [table, pk],
        )
