"""What an uploaded file is, judged by its content, never by its name or declared type.

Every app that accepts documents or photos (attachments, inspection evidence, claim photos) calls
`detect`. A file is accepted only when its whole structure fits the format its first bytes claim:
a PDF with its trailer and no HTML where a browser sniffs, a PNG chunk by chunk with CRCs, a JPEG
segment by segment to its end marker, a DOCX whose ZIP passes the bomb checks and whose document
XML parses.
"""

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from idi.core.archives import ZipLimits, open_checked
from idi.core.codes import Code
from idi.core.errors import RuleViolation

# Plans and templates are documents, not evidence videos: 20 MB is plenty and bounds the disk.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ACCEPTED = "PDF、DOCX、PNG、JPEG"

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
# Browsers that sniff look at the first 512 bytes; a PDF's own header is short.
PDF_HEAD_BYTES = 1024
PDF_TAIL_BYTES = 2048
HTML_MARKERS = (b"<html", b"<script", b"<!doctype", b"<body", b"<iframe", b"<svg", b"<?xml")
# A Word document holds its text, styles and pictures: 100 MB unpacked is far above any plan.
DOCX_LIMITS = ZipLimits(max_members=1000, max_total_bytes=100 * 1024 * 1024, max_ratio=100)


@dataclass(frozen=True)
class Detected:
    content_type: str
    extension: str
    sha256: str
    size: int


def _refuse(zh: str, en: str) -> RuleViolation:
    return RuleViolation(rule=None, field="file", code=Code.INVALID_FILE, message=zh, message_en=en)


def _not_what_it_claims(kind: str) -> RuleViolation:
    return _refuse(
        f"文件以 {kind} 开头，但不是完整有效的 {kind} 文件", f"the file is not a valid {kind}"
    )


def _is_pdf(content: bytes) -> bool:
    """A PDF header with a version, a trailer at the end, and no HTML where a browser sniffs."""
    if not re.match(rb"%PDF-[12]\.\d[\r\n]", content):
        return False
    head = content[:PDF_HEAD_BYTES].lower()
    if any(marker in head for marker in HTML_MARKERS):
        return False
    tail = content[-PDF_TAIL_BYTES:]
    return b"%%EOF" in tail and (b"startxref" in tail or b"trailer" in tail)


def _is_png(content: bytes) -> bool:
    """Every chunk's length and CRC, from IHDR first to IEND last, with nothing after it."""
    at = len(PNG_MAGIC)
    first = True
    while at + 12 <= len(content):
        (length,) = struct.unpack(">I", content[at : at + 4])
        kind = content[at + 4 : at + 8]
        data_end = at + 8 + length
        if data_end + 4 > len(content):
            return False
        (crc,) = struct.unpack(">I", content[data_end : data_end + 4])
        if zlib.crc32(content[at + 4 : data_end]) != crc:
            return False
        if first and kind != b"IHDR":
            return False
        first = False
        at = data_end + 4
        if kind == b"IEND":
            return at == len(content)
    return False


def _is_jpeg(content: bytes) -> bool:
    """Segments from SOI through a frame header to the scan, and the EOI marker at the end."""
    at = 2
    frame = False
    while at + 4 <= len(content):
        if content[at] != 0xFF:
            return False
        marker = content[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        (length,) = struct.unpack(">H", content[at + 2 : at + 4])
        if length < 2:
            return False
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            frame = True
        if marker == 0xDA:  # start of scan: entropy-coded data follows until EOI
            return frame and content.rstrip(b"\x00").endswith(b"\xff\xd9")
        at += 2 + length
    return False


def _well_formed_xml(data: bytes) -> bool:
    """Parsed without namespaces; a document that declares entities (billion laughs) is not."""
    parser = expat.ParserCreate()

    def no_entities(*_args) -> None:
        raise ValueError("entity declaration")

    parser.EntityDeclHandler = no_entities
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, ValueError):
        return False
    return True


def _is_docx(content: bytes) -> bool:
    try:
        archive = open_checked(content, limits=DOCX_LIMITS)
    except RuleViolation as exc:
        if exc.code == Code.INVALID_FILE:
            return False
        raise
    with archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            return False
        return _well_formed_xml(archive.read("word/document.xml"))


def detect(upload) -> Detected:
    """Accept PDF, DOCX, PNG and JPEG up to MAX_UPLOAD_BYTES; refuse anything else."""
    size = upload.size
    if not size:
        raise _refuse("文件为空", "the file is empty")
    if size > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise _refuse(f"文件大小超过 {limit} MB", f"the file is larger than {limit} MB")
    upload.seek(0)
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    upload.seek(0)
    if content.startswith(PDF_MAGIC):
        if not _is_pdf(content):
            raise _not_what_it_claims("PDF")
        found = ("application/pdf", "pdf")
    elif content.startswith(PNG_MAGIC):
        if not _is_png(content):
            raise _not_what_it_claims("PNG")
        found = ("image/png", "png")
    elif content.startswith(JPEG_MAGIC):
        if not _is_jpeg(content):
            raise _not_what_it_claims("JPEG")
        found = ("image/jpeg", "jpg")
    elif content.startswith(ZIP_MAGIC):
        if not _is_docx(content):
            raise _not_what_it_claims("DOCX")
        found = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        )
    else:
        raise _refuse(
            f"文件内容不是可接受的格式（{ACCEPTED}）",
            "the file's content is not an accepted format (PDF, DOCX, PNG, JPEG)",
        )
    return Detected(found[0], found[1], hashlib.sha256(content).hexdigest(), size)
