"""The English catalogue translates every text of the interface, and nothing in it is a guess.

The texts are found as `makemessages` finds them (xgettext over the Python modules and over the
templates as Django rewrites them), so that a new Chinese text without its English fails here.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

import idi

SRC = Path(idi.__file__).parent
CATALOGUE = SRC / "locale" / "en" / "LC_MESSAGES" / "django.po"
# The keywords Django's makemessages gives xgettext.
KEYWORDS = (
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
)


def _unquote(lines: list[str]) -> str:
    return "".join(
        line.split(" ", 1)[1][1:-1] if not line.startswith('"') else line[1:-1] for line in lines
    )


def _entries(text: str) -> list[dict]:
    """Each entry of a .po text: its flags, msgctxt, msgid and msgstr (the first plural form)."""
    entries = []
    for block in text.strip().split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        entry: dict = {"flags": set()}
        current = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgstr[0] ")):
                current = line.split(" ", 1)[0].replace("[0]", "")
                entry[current] = [line]
            elif line.startswith("msgid_plural ") or line.startswith("msgstr["):
                current = None
            elif line.startswith('"') and current:
                entry[current].append(line)
        if "msgid" in entry:
            entries.append(
                {
                    "flags": entry["flags"],
                    "msgctxt": _unquote(entry["msgctxt"]) if "msgctxt" in entry else None,
                    "msgid": _unquote(entry["msgid"]),
                    "msgstr": _unquote(entry.get("msgstr", ['msgstr ""'])),
                }
            )
    return entries


CATALOGUE_ENTRIES = [e for e in _entries(CATALOGUE.read_text(encoding="utf-8")) if e["msgid"]]


def test_no_entry_is_untranslated():
    assert [e["msgid"] for e in CATALOGUE_ENTRIES if not e["msgstr"]] == []


def test_no_entry_is_fuzzy():
    assert [e["msgid"] for e in CATALOGUE_ENTRIES if "fuzzy" in e["flags"]] == []


def test_no_translation_is_left_in_chinese():
    cjk = re.compile(r"[\u3400-\u9fff]")
    assert [e["msgid"] for e in CATALOGUE_ENTRIES if cjk.search(e["msgstr"])] == []


def test_placeholders_are_kept():
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd%]")
    changed = [
        e["msgid"]
        for e in CATALOGUE_ENTRIES
        if "python-format" in e["flags"]
        and sorted(placeholder.findall(e["msgid"])) != sorted(placeholder.findall(e["msgstr"]))
    ]
    assert changed == []


def _source_texts(workdir: Path) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every text the interface marks for translation."""
    files = [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]
    for template in SRC.rglob("templates/**/*.html"):
        target = workdir / template.relative_to(SRC).with_suffix(".html.py")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(templatize(template.read_text(encoding="utf-8"), str(template)))
        files.append(target)
    listing = workdir / "files.txt"
    listing.write_text("\n".join(str(f) for f in files))
    result = subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--files-from",
            str(listing),
            "--output=-",
            *(f"--keyword={k}" for k in KEYWORDS),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {(e["msgctxt"], e["msgid"]) for e in _entries(result.stdout) if e["msgid"]}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_text_of_the_interface_is_in_the_catalogue(tmp_path):
    catalogue = {(e["msgctxt"], e["msgid"]) for e in CATALOGUE_ENTRIES}
    missing = sorted(
        msgid for ctxt, msgid in _source_texts(tmp_path) - catalogue if not msgid.isascii()
    )
    assert missing == [], "run makemessages and translate: " + ", ".join(missing[:20])
