"""The rulebook's own words: each rule of RULES.md (shipped with this package) by its ID, with
its section, a short title in both languages and the pack parameters that hold its numbers."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["RuleText", "blocks", "parameter_value", "rule_text", "rule_texts"]

HERE = Path(__file__).resolve().parent
RULE_START = re.compile(r"^- \*\*(R-[A-Z]\d+)\*\*\s?(.*)$")
SECTION = re.compile(r"^## (.+)$")


@dataclass(frozen=True, slots=True)
class RuleText:
    id: str
    title_zh: str
    title_en: str
    # The section heading, which names the articles of the measures the section comes from.
    section: str
    text: str
    params: tuple[str, ...]


def _parse(markdown: str) -> dict[str, tuple[str, str]]:
    """Rule ID -> (section heading, the rule's text including its indented continuation)."""
    found: dict[str, tuple[str, str]] = {}
    section = ""
    current: str | None = None
    lines: list[str] = []

    def close() -> None:
        if current is not None:
            found[current] = (section, "\n".join(lines).strip())

    for line in markdown.splitlines():
        heading = SECTION.match(line)
        start = RULE_START.match(line)
        ends_rule = line and not line.startswith((" ", "|"))
        if heading or start or (current and ends_rule):
            close()
            current, lines = None, []
        if heading:
            section = heading.group(1)
        elif start:
            current, lines = start.group(1), [start.group(2)]
        elif current is not None:
            lines.append(line.strip())
    close()
    return found


@cache
def rule_texts() -> dict[str, RuleText]:
    texts = _parse((HERE / "RULES.md").read_text(encoding="utf-8"))
    titles: dict[str, Any] = tomllib.loads((HERE / "rule_titles.toml").read_text(encoding="utf-8"))
    return {
        rule_id: RuleText(
            id=rule_id,
            title_zh=str(titles.get(rule_id, {}).get("zh", rule_id)),
            title_en=str(titles.get(rule_id, {}).get("en", rule_id)),
            section=section,
            text=text,
            params=tuple(titles.get(rule_id, {}).get("params", ())),
        )
        for rule_id, (section, text) in texts.items()
    }


def blocks(text: str) -> list[tuple[str, list[list[str]]]]:
    """A rule's text as paragraphs (("p", [[line]])) and tables (("table", rows of cells)),
    the header row first; markdown emphasis and code marks are dropped."""
    found: list[tuple[str, list[list[str]]]] = []
    for line in text.splitlines():
        clean = line.replace("**", "").replace("`", "")
        if clean.startswith("|"):
            cells = [c.strip() for c in clean.strip("|").split("|")]
            if all(set(c) <= {"-", ":"} for c in cells):
                continue
            if not found or found[-1][0] != "table":
                found.append(("table", []))
            found[-1][1].append(cells)
        elif clean.strip():
            if not found or found[-1][0] != "p":
                found.append(("p", [[]]))
            found[-1][1][0].append(clean.strip())
        else:
            found.append(("break", []))
    return [(kind, rows) for kind, rows in found if kind != "break"]


def rule_text(rule_id: str) -> RuleText | None:
    return rule_texts().get(rule_id)


def parameter_value(pack: Any, path: str) -> Any:
    """The value at a dotted path of a pack (attributes, then mapping keys)."""
    value = pack
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value
