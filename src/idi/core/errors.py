"""Domain errors shared by every app, and the one error body of the API.

`RuleViolation` comes from the pure rulebook so that a refusal raised by `idi.rules` and one
raised by a service look the same to the API and the UI. Every error carries a stable `code`
and its message per language: `message_for(language)` with a Django language code.
"""

from idi.core.codes import Code
from idi.rules.errors import RuleViolation, RuleViolations, is_english

# What the Chinese message of a 404 calls each kind of object (the API's names are English).
OBJECT_NAMES_ZH = {
    "attachment": "附件",
    "building": "楼栋",
    "case": "基金使用案件",
    "change request": "变更申请",
    "claim": "理赔案件",
    "cursor": "翻页位置",
    "defect": "缺陷",
    "engagement": "风险管理委托",
    "entry": "基金分录",
    "evidence": "证据材料",
    "final report": "最终报告",
    "inspection": "检查记录",
    "notice": "通知",
    "notification": "消息",
    "organisation": "单位",
    "permit": "施工许可证",
    "policy": "保单",
    "project": "项目",
    "sale": "销售记录",
    "share": "承保份额",
    "unit": "房屋",
    "user": "用户",
}


class NotFound(Exception):
    """The object does not exist, or the actor may not know that it exists (answered as 404)."""

    code = Code.NOT_FOUND
    rule = None
    field = None

    def __init__(self, what: str = "object") -> None:
        super().__init__(f"{what} not found")
        self.what = what

    def message_for(self, language: str | None) -> str:
        if is_english(language):
            return f"{self.what} not found"
        return f"未找到{OBJECT_NAMES_ZH.get(self.what, '该对象')}"


class Forbidden(Exception):
    """The actor may see the object but may not do this to it (answered as 403).

    Services give the message in both languages; a page may give one lazily translated text
    (`gettext_lazy`), which speaks the page's language by itself."""

    field = None

    def __init__(
        self,
        message: str,
        message_en: str | None = None,
        *,
        rule: str | None = None,
        code: str = Code.FORBIDDEN,
    ) -> None:
        super().__init__(message_en or message)
        self.message = message
        self.message_en = message_en
        self.rule = rule
        self.code = str(code)

    def message_for(self, language: str | None) -> str:
        if is_english(language) and self.message_en:
            return self.message_en
        if self.message_en is None:
            return str(self.message)  # a lazy translation speaks the active language
        return self.message


def error_body(exc, language: str | None) -> dict:
    """`{"error": {"code", "rule", "field", "message", "problems"}}` for any error above; the
    first problem stands at the top level for clients that show one message."""
    if isinstance(exc, RuleViolation):
        return {"error": exc.to_dict(language)}
    problem = {
        "code": str(exc.code),
        "rule": exc.rule,
        "field": exc.field,
        "message": exc.message_for(language),
    }
    return {"error": {**problem, "problems": [problem]}}


__all__ = [
    "Forbidden",
    "NotFound",
    "RuleViolation",
    "RuleViolations",
    "error_body",
]
