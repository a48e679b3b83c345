"""Read report pages and CSV exports back as rows of text, to compare them with each other."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser


class _Tables(HTMLParser):
    """Collects every `<div id="table-<name>">` report table as rows of cell text (header row first)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.depth = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_caption = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and (attrs.get("id") or "").startswith("table-"):
            self.current = attrs["id"][len("table-") :]
            self.tables[self.current] = []
            self.depth = 0
        elif tag == "div" and self.current:
            self.depth += 1
        if self.current is None:
            return
        if tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.current].append(self.row)
            self.row = None
        elif tag == "div":
            if self.depth == 0:
                self.current = None
            else:
                self.depth -= 1

    def handle_data(self, data):
        if self.cell is not None and not self.in_caption:
            self.cell.append(data)


def page_tables(html: str | bytes) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.tables


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content)))


def cell(rows: list[list[str]], row_header: str, column: str) -> str:
    """The cell in the row whose first cell is `row_header`, under the heading `column`."""
    index = rows[0].index(column)
    for row in rows[1:]:
        if row and row[0] == row_header:
            return row[index]
    raise KeyError(f"No row {row_header!r} in {[r[0] for r in rows[1:]]}")


def text_of(html: bytes) -> str:
    text = re.sub(r"<(script|style).*?</\1>", " ", html.decode(), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text.replace("&#x27;", "'").replace("&amp;", "&").replace("&quot;", '"'))
