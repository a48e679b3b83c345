"""An email backend that writes each message to a file named by its Message-ID.

Used by `make run` (digests land in var/mail/) and the Celery fault tests. A digest always has
the same Message-ID (services.message_id_for), so writing it again after a crash replaces the
same file: one digest, one delivered message. Each send attempt is also appended to
`sends.log`, so tests can tell a resend from a first send.
"""

import hashlib
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class IdempotentFileBackend(BaseEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.path = Path(file_path or settings.EMAIL_FILE_PATH)
        self.path.mkdir(parents=True, exist_ok=True)
        # A test knob at the edge of the world: a slow mail gateway.
        self.delay = float(os.environ.get("EMAIL_FILE_DELAY_SECONDS", "0") or 0)

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            if self.delay:
                time.sleep(self.delay)
            message_id = message.extra_headers.get("Message-ID") or message.message()["Message-ID"]
            name = hashlib.sha256(message_id.encode()).hexdigest()[:32] + ".eml"
            tmp = self.path / f".{name}.{os.getpid()}.tmp"
            tmp.write_bytes(message.message().as_bytes())
            os.replace(tmp, self.path / name)
            with open(self.path / "sends.log", "a", encoding="utf-8") as log:
                log.write(f"{message_id} {name} pid={os.getpid()}\n")
            sent += 1
        return sent
