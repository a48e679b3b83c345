"""Bulk loading with PostgreSQL COPY: rows are dicts keyed by the model's attnames.

Columns come from the model's `_meta`, so a new nullable or defaulted column needs no change
here; a new NOT NULL column without a default fails loudly at COPY time.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import queue
import threading
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


class _CopyThread:
    """Sends finished buffers with COPY from a second thread, so Python builds the next chunk
    while PostgreSQL ingests this one (psycopg2 releases the GIL while it waits on the server).
    Only this thread uses the cursor until `close()`."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.queue: queue.Queue = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bench-copy", daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                sql, buf = item
                try:
                    self.cursor.copy_expert(sql, buf)
                except BaseException as exc:  # reported by close()
                    self.error = exc

    def put(self, sql: str, buf: io.StringIO) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((sql, buf))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class TableWriter:
    """Buffers rows for one table and sends them with COPY in chunks (bounded memory)."""

    def __init__(self, sender: _CopyThread, model, *, chunk: int = 50_000):
        self.sender = sender
        self.table = model._meta.db_table
        self.spec = []
        for f in model._meta.concrete_fields:
            default = f.get_default() if f.has_default() or not f.null else None
            self.spec.append((f.attname, default))
        columns = ", ".join(f'"{f.column}"' for f in model._meta.concrete_fields)
        self.sql = f'COPY "{self.table}" ({columns}) FROM STDIN'
        self.chunk = chunk
        self.buf = io.StringIO()
        self.pending = 0
        self.count = 0

    def add(self, row: dict) -> None:
        get = row.get
        self.buf.write("\t".join(map(fmt, [get(a, d) for a, d in self.spec])))
        self.buf.write("\n")
        self.pending += 1
        if self.pending >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.buf.seek(0)
        self.sender.put(self.sql, self.buf)
        self.count += self.pending
        self.buf = io.StringIO()
        self.pending = 0


class Loader:
    """One TableWriter per model, created on first use; `close()` flushes them all and waits."""

    def __init__(self, cursor):
        self.sender = _CopyThread(cursor)
        self.writers: dict[type, TableWriter] = {}

    def add(self, model, row: dict) -> None:
        writer = self.writers.get(model)
        if writer is None:
            writer = self.writers[model] = TableWriter(self.sender, model)
        writer.add(row)

    def close(self) -> dict[str, int]:
        for writer in self.writers.values():
            writer.flush()
        self.sender.close()
        return {w.table: w.count for w in self.writers.values()}


def reset_sequences(cursor, tables_pk: list[tuple[str, str]]) -> None:
    """Point each table's id sequence past the ids we wrote ourselves."""
    for table, pk in tables_pk:
        cursor.execute(
            f'SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST((SELECT MAX("{pk}") FROM "{table}"), 1))',
            [table, pk],
        )
