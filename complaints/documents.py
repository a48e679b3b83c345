"""Upload checks: the type is decided by the file's content, never by its name."""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

# Content signatures of the file types a complaints team exchanges.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
OFFICE_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_DESCRIPTION = "a PDF, Word document (.docx), Excel spreadsheet (.xlsx), PNG or JPEG image, or plain text file"


def sniff(head: bytes, uploaded_file) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        uploaded_file.seek(0)
        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        for prefix, content_type in OFFICE_TYPES.items():
            if any(name.startswith(prefix) for name in names):
                return content_type
        return None
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A multi-byte character may be cut at the end of the sample.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return "text/plain"
    return None


def check_upload(uploaded_file) -> str:
    """The file's content type, or a ValidationError saying what is allowed."""
    if uploaded_file.size == 0:
        raise ValidationError({"file": "The selected file is empty"})
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded_file.size > limit:
        raise ValidationError({"file": f"The selected file must be smaller than {limit // (1024 * 1024)} MB"})
    uploaded_file.seek(0)
    head = uploaded_file.read(2048)
    content_type = sniff(head, uploaded_file)
    uploaded_file.seek(0)
    if content_type is None:
        raise ValidationError({"file": f"The selected file must be {ALLOWED_DESCRIPTION}"})
    return content_type
