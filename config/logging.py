"""Structured logs: one JSON object per line, for a log collector (LOG_FORMAT=json)."""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key in ("status_code", "request", "task_id"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = str(value)
        return json.dumps(entry, ensure_ascii=False)
