"""What an attachment is, judged by its content, never by its name or declared type."""

import hashlib
import zipfile
from dataclasses import dataclass

from idi.core.errors import RuleViolation
from idi.underwriting.codes import Code

# Plans and templates are documents, not evidence videos: 20 MB is plenty and bounds the disk.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ACCEPTED = "PDF、DOCX、PNG、JPEG"

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Detected:
    content_type: str
    extension: str
    sha256: str
    size: int


def _refuse(zh: str, en: str) -> RuleViolation:
    return RuleViolation(rule=None, field="file", code=Code.BAD_FILE, message=zh, message_en=en)


def _is_docx(upload) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        upload.seek(0)


def detect(upload) -> Detected:
    """Accept PDF, DOCX, PNG and JPEG up to MAX_UPLOAD_BYTES; refuse anything else."""
    size = upload.size
    if not size:
        raise _refuse("文件为空", "the file is empty")
    if size > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise _refuse(f"文件大小超过 {limit} MB", f"the file is larger than {limit} MB")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        found = ("application/pdf", "pdf")
    elif head.startswith(PNG_MAGIC):
        found = ("image/png", "png")
    elif head.startswith(JPEG_MAGIC):
        found = ("image/jpeg", "jpg")
    elif head.startswith(ZIP_MAGIC) and _is_docx(upload):
        found = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        )
    else:
        raise _refuse(
            f"文件内容不是可接受的格式（{ACCEPTED}）",
            "the file's content is not an accepted format (PDF, DOCX, PNG, JPEG)",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Detected(found[0], found[1], digest.hexdigest(), size)
