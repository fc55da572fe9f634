"""What every page template holds to, read from the templates themselves, so that a page no
browser test visits holds to it too."""

import re
from pathlib import Path

import idi

TEMPLATES = sorted(Path(idi.__file__).parent.glob("**/templates/**/*.html"))
# A table sits in a scroll box that is a labelled region and takes the keyboard focus: on a
# phone a wide table scrolls inside it, by keyboard too (axe: scrollable-region-focusable).
SCROLL_BOX = re.compile(
    r'<div class="table-scroll[^"]*" tabindex="0" role="region" aria-label(ledby)?="[^"]+">$'
)
# The Content-Security-Policy refuses inline scripts, styles and event handlers; a page that
# refreshes itself takes the reader's place away (axe: meta-refresh).
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"|http-equiv=\"refresh\""
)


def _text(path: Path) -> str:
    """The template without its {# comments #}."""
    return re.sub(r"\{#.*?#\}", "", path.read_text())


def _where(path: Path) -> str:
    return str(path.relative_to(Path(idi.__file__).parent))


def test_templates_are_found():
    assert len(TEMPLATES) > 50


def test_every_table_sits_in_a_labelled_focusable_scroll_box():
    loose = [
        f"{_where(path)}: {text[m.start() : m.start() + 40]}"
        for path in TEMPLATES
        for text in [_text(path)]
        for m in re.finditer(r"<table\b", text)
        if not SCROLL_BOX.search(text[: m.start()].rstrip())
    ]
    assert loose == []


def test_no_inline_script_style_handler_or_refresh():
    found = [
        f"{_where(path)}: {m.group(0)}" for path in TEMPLATES for m in INLINE.finditer(_text(path))
    ]
    assert found == []
