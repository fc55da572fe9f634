"""Loading rule packs (data files) and choosing the pack in force for a permit (R-U1)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from .codes import Code
from .errors import PackError, RuleViolation
from .schema import RulePack, describe_validation_error

__all__ = ["BUILTIN_PACK_DIR", "load_pack_file", "load_packs", "pack_for"]

BUILTIN_PACK_DIR = Path(__file__).resolve().parent / "packs"


def load_pack_file(path: Path) -> RulePack:
    """Parse and validate one pack; a problem raises PackError naming the file and key path."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(name, "(file)", f"cannot read / 无法读取: {exc}") from exc
    try:
        # parse_float=Decimal keeps 0.0143 exact: a rate must never pass through float.
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(name, "(toml)", f"invalid TOML / TOML 格式错误: {exc}") from exc
    try:
        return RulePack.model_validate(data)
    except ValidationError as exc:
        key, detail = describe_validation_error(exc)
        raise PackError(name, key, detail) from exc


def load_packs(dirs: Iterable[str | os.PathLike[str]] = ()) -> tuple[RulePack, ...]:
    """All `*.toml` packs of the built-in directory plus `dirs`, checked for clashes.

    Two packs with the same id, or two packs of one jurisdiction whose permit ranges overlap,
    are an error: `pack_for` must never have to choose.
    """
    directories = [BUILTIN_PACK_DIR, *(Path(d) for d in dirs)]
    packs: list[RulePack] = []
    origin: dict[str, Path] = {}
    seen_dirs: set[Path] = set()
    for directory in directories:
        resolved = directory.resolve()
        if resolved in seen_dirs:
            continue  # the same directory named twice is not two copies of its packs
        seen_dirs.add(resolved)
        if not directory.is_dir():
            raise PackError(str(directory), "(directory)", "not a directory / 不是目录")
        for path in sorted(directory.glob("*.toml")):
            pack = load_pack_file(path)
            if pack.id in origin:
                raise PackError(
                    str(path), "id", f"duplicate pack id {pack.id!r} (also in {origin[pack.id]})"
                )
            for other in packs:
                if (
                    other.jurisdiction == pack.jurisdiction
                    and pack.permits_from <= other.permits_to
                    and other.permits_from <= pack.permits_to
                ):
                    raise PackError(
                        str(path),
                        "permits_from",
                        f"permit range {pack.permits_from}..{pack.permits_to} overlaps pack "
                        f"{other.id!r} ({other.permits_from}..{other.permits_to}, "
                        f"{origin[other.id]}) of jurisdiction {pack.jurisdiction!r}",
                    )
            origin[pack.id] = path
            packs.append(pack)
    packs.sort(key=lambda p: (p.jurisdiction, p.permits_from))
    return tuple(packs)


def pack_for(packs: Iterable[RulePack], jurisdiction: str, permit_date: date) -> RulePack:
    """R-U1: the pack in force for a construction permit first applied for on `permit_date`."""
    known = list(packs)
    for pack in known:
        if pack.jurisdiction == jurisdiction and pack.covers_permit(permit_date):
            return pack
    listing = (
        "; ".join(f"{p.id} ({p.jurisdiction} {p.permits_from}..{p.permits_to})" for p in known)
        or "无 / none"
    )
    raise RuleViolation(
        rule="R-U1",
        field="permit_date",
        code=Code.NOT_IN_FORCE,
        message=f"施工许可申领日期 {permit_date} 不在任何规则包的适用范围内（{jurisdiction}）；"
        f"已知规则包：{listing}",
        message_en=f"permit date {permit_date} is outside every rule pack in force for "
        f"{jurisdiction}; known packs: {listing}",
    )
