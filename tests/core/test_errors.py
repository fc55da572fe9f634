"""The refusal machinery every app shares: codes, several problems at once, one language per
message, and a Chinese name for everything a 404 can be about."""

import re
from enum import StrEnum
from importlib import import_module
from pathlib import Path

import idi
from idi.core.errors import OBJECT_NAMES_ZH, Forbidden, NotFound, RuleViolation, RuleViolations

SRC = Path(idi.__file__).parent


def _refusal(code: str, field: str) -> RuleViolation:
    return RuleViolation(
        rule="R-U4", field=field, code=code, message=f"{field} 中文", message_en=f"{field} en"
    )


def test_several_refusals_read_as_the_first_and_list_every_one():
    both = RuleViolations([_refusal("wrong_total", "a"), _refusal("wrong_count", "b")])
    assert isinstance(both, RuleViolation)
    assert (both.code, both.field, both.message_for("en")) == ("wrong_total", "a", "a en")
    body = both.to_dict("zh-hans")
    assert body["message"] == "a 中文"
    assert [p["code"] for p in body["problems"]] == ["wrong_total", "wrong_count"]
    assert _refusal("invalid", "x").to_dict("en")["problems"] == [
        {"code": "invalid", "rule": "R-U4", "field": "x", "message": "x en"}
    ]


def test_messages_pick_one_language():
    refusal = _refusal("invalid", "x")
    assert refusal.message_for(None) == refusal.message_for("zh-hans") == "x 中文"
    assert refusal.message_for("en") == refusal.message_for("en-gb") == "x en"
    forbidden = Forbidden("仅建设单位可登记项目", "only a developer may register a project")
    assert forbidden.message_for("en") == "only a developer may register a project"
    assert forbidden.message_for("zh-hans") == "仅建设单位可登记项目"
    assert NotFound("policy").message_for("zh-hans") == "未找到保单"
    assert NotFound("policy").message_for("en") == "policy not found"


def test_every_object_a_404_names_has_a_chinese_name():
    named = set()
    for path in SRC.rglob("*.py"):
        named |= set(re.findall(r'NotFound\("([^"]+)"\)', path.read_text(encoding="utf-8")))
    assert named
    assert named <= set(OBJECT_NAMES_ZH), named - set(OBJECT_NAMES_ZH)


def test_each_app_lists_its_codes_and_audit_actions_in_one_enum_each():
    """Each app with services has `codes.py` with `Code` (stable refusal reasons, where it
    refuses anything) and `AuditAction` (named `<app>.<service>`)."""
    apps = sorted(p.parent.name for p in SRC.glob("*/codes.py"))
    assert {"core", "parties", "projects", "underwriting", "rules"} <= set(apps)
    for app in apps:
        codes = import_module(f"idi.{app}.codes")
        if app != "rules":  # the pure rulebook writes nothing
            assert issubclass(codes.AuditAction, StrEnum), app
            assert all(a.value.startswith(f"{app}.") for a in codes.AuditAction), app
        if hasattr(codes, "Code"):
            assert issubclass(codes.Code, StrEnum), app
            assert all(re.fullmatch(r"[a-z_]+", c.value) for c in codes.Code), app
        else:  # an app that refuses nothing itself
            sources = (p.read_text(encoding="utf-8") for p in (SRC / app).rglob("*.py"))
            assert not any("RuleViolation(" in text for text in sources), app
