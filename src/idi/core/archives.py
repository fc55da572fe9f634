"""ZIP containers from outside (.xlsx workbooks, .docx documents) are checked before any parser
opens them: a 1 MB file can expand to gigabytes ("zip bomb") and hold a worker for minutes.

The checks use what the archive declares (member count, sizes, compression ratio) and then what
it really holds: every member is decompressed in chunks and counted, stopping at the limit, since
a hostile archive can declare small sizes and deliver large ones.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from idi.core.codes import Code
from idi.core.errors import RuleViolation

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_members: int
    max_total_bytes: int  # all members together, decompressed
    max_ratio: int  # decompressed / compressed, per member


def _refuse(zh: str, en: str, *, code: Code = Code.FILE_TOO_LARGE) -> RuleViolation:
    return RuleViolation(rule=None, field="file", code=code, message=zh, message_en=en)


def _damaged() -> RuleViolation:
    return _refuse("文件已损坏，不是有效的压缩文件", "not a valid file", code=Code.INVALID_FILE)


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _too_large(limits: ZipLimits) -> RuleViolation:
    return _refuse(
        f"压缩包解压后超过 {_mb(limits.max_total_bytes)}",
        f"the archive expands to more than {_mb(limits.max_total_bytes)}",
    )


def open_checked(content: bytes, *, limits: ZipLimits) -> zipfile.ZipFile:
    """The archive, once its declared and its real sizes are within the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _damaged() from None
    if len(members) > limits.max_members:
        raise _refuse(
            f"压缩包内文件过多（超过 {limits.max_members} 个）",
            f"the archive holds more than {limits.max_members} files",
        )
    if sum(m.file_size for m in members) > limits.max_total_bytes:
        raise _too_large(limits)
    for member in members:
        if member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise _refuse(
                f"压缩比异常（超过 {limits.max_ratio} 倍）",
                f"the archive's compression ratio exceeds {limits.max_ratio}",
            )
    total = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    total += len(chunk)
                    if total > limits.max_total_bytes:
                        raise _too_large(limits)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        raise _damaged() from None
    return archive


def count_elements(archive: zipfile.ZipFile, name: str, limits: dict[str, int]) -> dict[str, int]:
    """How many of each XML element (`{"row": ..., "c": ...}`) a member holds, counted on the raw
    bytes without parsing, so that a count can refuse a file before a parser reads it. Counting
    stops as soon as one element passes its limit."""
    names = b"|".join(re.escape(element.encode()) for element in limits)
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(" + names + rb")[\s/>]")
    counts = dict.fromkeys(limits, 0)
    tail = b""

    def add(data: bytes, end: int) -> None:
        for found in pattern.findall(data, 0, end):
            counts[found.decode()] += 1

    with archive.open(name) as stream:
        while chunk := stream.read(CHUNK):
            data = tail + chunk
            # The last bytes may hold a tag cut in two: keep them for the next round, uncounted.
            cut = data.rfind(b"<", max(0, len(data) - 64))
            cut = len(data) if cut < 0 else cut
            add(data, cut)
            tail = data[cut:]
            if any(counts[element] > limit for element, limit in limits.items()):
                return counts
    add(tail, len(tail))
    return counts
