"""Every refusal people read, walked in both languages (issue 8, "words people read").

The walk is automatic: it reads the source of every module and takes each message written in
both languages (a Chinese text followed by its English one, in a call such as `RuleViolation(
message=..., message_en=...)`, `Forbidden(zh, en)`, an app's `_refuse(..., zh, en)`, or a table
of `(code, zh, en)`), so that a new refusal joins it without being listed here. Each message must
be a sentence in its own language: no raw field name, state, role, pack ID or file path, no
Chinese in the English text and no English words in the Chinese one, and no rule ID written into
the text (the rule travels in `rule`, which a page shows as a link to /rules/<ID>/ and the API
as its own field). Every `Code` of every app must be given by at least one such message.
"""

import ast
import importlib
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import pytest
from django.utils import translation

import idi
from idi.core import limits
from idi.core.errors import OBJECT_NAMES_ZH, Forbidden, NotFound, RuleViolation
from idi.core.refusals import refusal_html

SRC = Path(idi.__file__).parent
APPS = (
    "core",
    "rules",
    "parties",
    "projects",
    "underwriting",
    "notifications",
    "riskmgmt",
    "claims",
    "fund",
)

# Modules whose two-language texts are not read on a page:
# - the API's schema errors and the rulebook's query layer answer JSON whose keys the caller
#   wrote, and name them, which is the point of them;
# - the rulebook's command line speaks of its own arguments and files to the operator.
NOT_FOR_PAGES = {
    "core/validation.py",
    "rules/cli.py",
    "rules/queries.py",
}
# Calls whose two texts are not a message: the API's own documentation (a Chinese summary, an
# English description of the protocol).
NOT_MESSAGES = re.compile(r"^(?:router\.\w+|IdiAPI)$")

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
RULE_ID = re.compile(r"\bR-[A-Z]{1,2}\d+[a-z]?\b")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
PACK_ID = re.compile(r"\b[a-z]+-\d{4}\b")
FILE_PATH = re.compile(r"[\w-]+/[\w./-]+|\b[\w-]+\.(?:py|toml|yaml|yml|json|md)\b")
# Latin words a Chinese sentence may carry: the scheme's and the formats' abbreviations.
LATIN_IN_ZH = re.compile(
    r"\bidi(?: [a-z]+)+|Idempotency-Key|\.xlsx?\b|UTF-8|GB18030|"
    r"\b(?:IDI|RMA|API|PDF|PNG|JPEG|JSON|ZIP|Excel|CSV|GBK|ISO|YYYY-MM-DD|m²|MB|GB|KB)\b"
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# An interpolated value that is a stored key (a state, a role, a kind, a field's name): people
# read its label. (What the caller typed may be quoted back; `!r` is flagged separately.)
RAW_VALUE = re.compile(
    r"\.(?:state|status|stage|role|kind|org_type|housing_type|pack_id)$|_id$|"
    r"^(?:field|field_name|column|key|role|stage|path)$"
)
# A date interpolated as Python prints it (2026-09-30): people read `formats.day` (2026年9月30日).
# The rulebook, pure Python, answers in the ISO dates its callers give it.
RAW_DATE = re.compile(r"(?:^|\.)(?:\w+_on|day|opens)$")
# A Chinese text interpolated into an English one.
ZH_VALUE = re.compile(r"(?:^|\.|_)zh$")


@dataclass(frozen=True)
class Message:
    where: str  # path:line
    zh: ast.expr
    en: ast.expr
    node: ast.AST  # the call or tuple that holds the pair
    codes_of: str  # the app whose `Code` the module imports
    for_pages: bool

    @property
    def app(self) -> str:
        return self.where.split("/")[0]

    def text(self, part: ast.expr) -> str:
        """The literal text, each interpolated or appended value as a blank."""
        if isinstance(part, ast.BinOp):
            return self.text(part.left) + " "
        if isinstance(part, ast.Constant):
            return part.value
        return "".join(v.value if isinstance(v, ast.Constant) else " " for v in part.values)

    def values(self, part: ast.expr) -> list[ast.FormattedValue]:
        if isinstance(part, ast.JoinedStr):
            return [v for v in part.values if isinstance(v, ast.FormattedValue)]
        return []


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_text(node.left)
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return isinstance(node, ast.JoinedStr)


def _has_cjk(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and CJK.search(n.value)
        for n in ast.walk(node)
    )


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        # Demo data pairs a name with its number, not a Chinese text with its English one.
        if "migrations" in path.parts or path.name == "demo.py":
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _codes_module(relative: str, tree: ast.Module) -> str:
    """The app whose `Code` a module imports (its own unless it says otherwise)."""
    for node in tree.body:
        if (
            isinstance(node, ast.ImportFrom)
            and any(a.name == "Code" for a in node.names)
            and node.level == 0
            and node.module
        ):
            return node.module.split(".")[1]
    return relative.split("/")[0]


def _pairs(node: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    if isinstance(node, ast.Call):
        if NOT_MESSAGES.match(ast.unparse(node.func)):
            return []
        parts = [*node.args, *(k.value for k in node.keywords)]
    elif isinstance(node, ast.Tuple):
        parts = list(node.elts)
    else:
        return []
    return [
        (zh, en)
        for zh, en in itertools.pairwise(parts)
        if _is_text(zh) and _is_text(en) and _has_cjk(zh) and not _has_cjk(en)
    ]


def _messages() -> list[Message]:
    """Every (Chinese, English) pair of texts written side by side in a call or a tuple."""
    found = []
    for relative, tree in _modules():
        codes_of = _codes_module(relative, tree)
        for node in ast.walk(tree):
            for zh, en in _pairs(node):
                where = f"{relative}:{zh.lineno}"
                found.append(Message(where, zh, en, node, codes_of, relative not in NOT_FOR_PAGES))
    return found


MESSAGES = _messages()


def _problems(message: Message) -> list[str]:
    problems = []
    zh, en = message.text(message.zh), message.text(message.en)
    for language, text in (("zh", zh), ("en", en)):
        for pattern, what in (
            (SNAKE, "a raw name"),
            (PACK_ID, "a pack ID"),
            (FILE_PATH, "a file path"),
            (RULE_ID, "a rule ID in the text (give it as `rule`, shown as a link)"),
        ):
            if match := pattern.search(text):
                problems.append(f"{language}: {what}: {match.group()!r}")
        for value in message.values(getattr(message, language)):
            source = ast.unparse(value.value)
            if value.conversion == ord("r") or RAW_VALUE.search(source):
                problems.append(f"{language}: prints a raw value: {{{source}}}")
            elif RAW_DATE.search(source) and message.app != "rules":
                problems.append(f"{language}: prints a date unformatted: {{{source}}}")
    if not CJK.search(zh) and zh.strip():
        problems.append("zh: not Chinese")
    leftover = LATIN_IN_ZH.sub("", RULE_ID.sub("", zh))
    if match := LATIN_WORD.search(leftover):
        problems.append(f"zh: English words in the Chinese text: {match.group()!r}")
    for value in message.values(message.en):
        if ZH_VALUE.search(ast.unparse(value.value)):
            problems.append(f"en: a Chinese text inside the English one: {ast.unparse(value)}")
    if not LATIN_WORD.search(en) and en.strip():
        problems.append("en: not English")
    return problems


def test_the_walk_finds_the_messages_of_every_app():
    apps = {m.app for m in MESSAGES}
    assert {"parties", "projects", "underwriting", "riskmgmt", "claims", "fund", "core"} <= apps
    assert len(MESSAGES) > 300


@pytest.mark.parametrize("message", [m for m in MESSAGES if m.for_pages], ids=lambda m: m.where)
def test_each_message_is_a_sentence_in_its_own_language(message):
    assert _problems(message) == [], (
        f"{message.where}\n  zh: {ast.unparse(message.zh)}\n  en: {ast.unparse(message.en)}"
    )


def _codes() -> list[tuple[str, StrEnum]]:
    found = []
    for app in APPS:
        module = importlib.import_module(f"idi.{app}.codes")
        # An app that refuses nothing of its own (notifications) has no `Code`.
        found += [(app, member) for member in getattr(module, "Code", ())]
    return found


# Codes a class gives its own message to, tested below rather than found in the source.
GIVEN_BY_CLASS = {("core", "not_found"), ("core", "forbidden")}


def _code_names(node: ast.AST) -> set[str]:
    return {
        n.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "Code"
    }


def _codes_with_messages() -> set[tuple[str, str]]:
    """(app, member name) of every `Code.X` that stands in a call or tuple with a message, or is
    the default code of a helper that is called with one."""
    found = {(m.codes_of, name) for m in MESSAGES for name in _code_names(m.node)}
    called = {(m.app, ast.unparse(m.node.func)) for m in MESSAGES if isinstance(m.node, ast.Call)}
    for relative, tree in _modules():
        app = relative.split("/")[0]
        codes_of = _codes_module(relative, tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and (app, node.name) in called:
                defaults = [*node.args.defaults, *filter(None, node.args.kw_defaults)]
                found |= {(codes_of, name) for d in defaults for name in _code_names(d)}
    return found


def test_every_code_of_every_app_has_a_message_in_both_languages():
    given = _codes_with_messages()
    # The rulebook's refusals reach the apps' callers unchanged: an app's code of the same value
    # (below_floor, too_late, ...) is given by the rulebook's message.
    by_rules = {
        member.value
        for app, member in _codes()
        if app == "rules" and ("rules", member.name) in given
    }
    missing = [
        f"{app}.Code.{member.name}"
        for app, member in _codes()
        if (app, member.name) not in given
        and (app, member.value) not in GIVEN_BY_CLASS
        and member.value not in by_rules
    ]
    assert missing == []


def _not_found_subjects() -> set[str]:
    subjects = set()
    for _relative, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "NotFound"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                subjects.add(node.args[0].value)
    return subjects


def test_every_kind_of_object_a_404_names_has_a_chinese_name():
    subjects = _not_found_subjects()
    assert subjects, "the walk found no NotFound"
    assert sorted(subjects - OBJECT_NAMES_ZH.keys()) == []
    for subject in subjects:
        assert CJK.search(NotFound(subject).message_for("zh-hans"))
        assert not CJK.search(NotFound(subject).message_for("en"))


# The limits every service checks are given the field's name as the platform knows it; what
# people read must not repeat it.
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_limits_of_free_input_speak_without_field_names(language):
    refusals = [
        limits.too_long("contractor_name", 200, 201),
        _refused(lambda: limits.check_range("sum_insured", Decimal("-1"), high=10, low=0)),
        _refused(lambda: limits.check_range("max_days", 4000, high=limits.MAX_DAYS)),
    ]
    for refusal in refusals:
        text = refusal.message_for(language)
        assert refusal.field in {"contractor_name", "sum_insured", "max_days"}
        assert not SNAKE.search(text), text
        assert bool(CJK.search(text)) is (language == "zh-hans"), text


def _refused(act) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        act()
    return caught.value


def test_a_forbidden_speaks_the_language_asked_for():
    refusal = Forbidden("仅主承保公司可签发保单", "only the lead insurer may issue the policy")
    assert refusal.message_for("zh-hans") == "仅主承保公司可签发保单"
    assert refusal.message_for("en") == "only the lead insurer may issue the policy"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_refusal_on_a_page_links_its_rule_to_the_rule_page(language):
    refusal = RuleViolation(
        rule="R-U5",
        field="rate",
        code="below_floor",
        message="费率低于最低费率，请按不低于最低费率重新报价",
        message_en="the rate is below the floor; quote a rate at or above it",
    )
    with translation.override(language):
        html = str(refusal_html(refusal))
    assert '<a class="rule-link" href="/rules/R-U5/">R-U5</a>' in html
    assert refusal.message_for(language) in html


def test_a_refusal_without_a_rule_has_no_link():
    refusal = RuleViolation(
        rule=None, field="name", code="required", message="请填写名称", message_en="enter a name"
    )
    assert "<a" not in str(refusal_html(refusal, "zh-hans"))


def _refusal_texts_outside_the_helper() -> list[str]:
    """Pages that show a refusal's bare text (`exc.message_for(...)`, `exc.message`) instead of
    `refusal_html`, which adds the rule's link."""
    found = []
    for relative, tree in _modules():
        if not relative.endswith(("views.py", "forms.py")):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and _catches_rule_violation(node):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Attribute) and inner.attr in {
                        "message_for",
                        "message",
                        "message_en",
                    }:
                        found.append(f"{relative}:{inner.lineno}")
    return found


def _catches_rule_violation(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught] if caught else []
    return any(ast.unparse(n).endswith(("RuleViolation", "RuleViolations")) for n in names)


def test_pages_show_refusals_with_the_rule_link():
    assert _refusal_texts_outside_the_helper() == []


def _one_language_forbiddens() -> list[str]:
    """`Forbidden` raised with a Chinese literal and no English one: an English page would read
    Chinese (a lazily translated `_()` text is fine, it speaks the page's language itself)."""
    found = []
    for relative, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func).endswith("Forbidden")
                and node.args
                and _is_text(node.args[0])
                and _has_cjk(node.args[0])
                and len(node.args) < 2
            ):
                found.append(f"{relative}:{node.lineno}")
    return found


def test_no_refusal_speaks_one_language_on_both_pages():
    assert _one_language_forbiddens() == []
