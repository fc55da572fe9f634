"""The HTTP API at /api/v1/: one NinjaAPI, one router per app, one error shape.

Every refusal is `{"error": {"code", "rule", "field", "message", "problems"}}` (docs/api.md),
the same shape the `idi` command line prints with --json; messages speak the caller's language
(Accept-Language: zh-Hans unless English is asked for).
"""

from django.http import Http404
from django.utils.translation import get_language
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from idi.claims.api import router as claims_router
from idi.core.api import router as core_router
from idi.core.codes import Code
from idi.core.errors import Forbidden, NotFound, RuleViolation, error_body
from idi.core.validation import schema_refusal
from idi.fund.api import router as fund_router
from idi.notifications.api import router as notifications_router
from idi.parties.api import router as parties_router
from idi.projects.api import router as projects_router
from idi.public.api import router as rules_router
from idi.riskmgmt.api import router as riskmgmt_router
from idi.underwriting.api import router as underwriting_router


class Problem(Schema):
    code: str = Field(..., description="stable reason, e.g. invalid_state, too_long, not_found")
    rule: str | None = Field(..., description="the rule of RULES.md, e.g. R-U4, or null")
    field: str | None = Field(..., description="the input field at fault, or null")
    message: str = Field(..., description="for people, in the caller's language")


class ErrorDetail(Problem):
    problems: list[Problem] = Field(..., description="every problem; the first is also above")


class ErrorBody(Schema):
    error: ErrorDetail


# Documented on every operation: 400 and 404 anywhere, 401 where a log-in is needed, 403 where
# an authenticated caller may still be refused the action.
ERROR_RESPONSES = {
    "400": "输入或规则不允许 / refused: bad input or a rule of the scheme",
    "401": "需要登录或 API 令牌 / authentication required",
    "403": "无权执行此操作 / not allowed to do this",
    "404": "不存在或无权知晓 / not found, or not the caller's to know",
}


class IdiAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        definitions = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(definitions.pop("$defs", {}))
        components["ErrorBody"] = definitions
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                statuses = ["400", "404"]
                if operation.get("security"):
                    statuses.append("401")
                    if method != "get":
                        statuses.append("403")
                responses = operation["responses"]
                for status in statuses:
                    responses.setdefault(
                        int(status), {"description": ERROR_RESPONSES[status], "content": body}
                    )
        return schema


api = IdiAPI(
    title="IDI platform API / 住宅工程质量潜在缺陷保险信息平台接口",
    version="1",
    urls_namespace="api",
    description="Conventions (auth, errors, paging, naming, numbers, languages): docs/api.md.",
)


def _answer(request, exc, *, status: int):
    return api.create_response(request, error_body(exc, get_language()), status=status)


@api.exception_handler(RuleViolation)
def on_rule_violation(request, exc: RuleViolation):
    return _answer(request, exc, status=400)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return _answer(request, schema_refusal(exc.errors), status=400)


@api.exception_handler(NotFound)
def on_not_found(request, exc: NotFound):
    return _answer(request, exc, status=404)


@api.exception_handler(Http404)
def on_http404(request, exc: Http404):
    return _answer(request, NotFound(), status=404)


@api.exception_handler(Forbidden)
def on_forbidden(request, exc: Forbidden):
    return _answer(request, exc, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc: AuthenticationError):
    refusal = RuleViolation(
        rule=None,
        field=None,
        code=Code.UNAUTHENTICATED,
        message="需要登录或提供 API 令牌",
        message_en="authentication required",
    )
    return _answer(request, refusal, status=401)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # ninja's own refusals (a body that is not JSON, ...) come with an English text only.
    refusal = RuleViolation(
        rule=None,
        field=None,
        code=Code.INVALID,
        message="请求有误，请检查请求的格式和内容",
        message_en=str(exc),
    )
    return _answer(request, refusal, status=exc.status_code)


api.add_router("/rules/", rules_router, tags=["rules"])
api.add_router("/", core_router, tags=["workspace"])
api.add_router("/", parties_router, tags=["parties"])
api.add_router("/", projects_router, tags=["projects"])
api.add_router("/", underwriting_router, tags=["underwriting"])
api.add_router("/", riskmgmt_router, tags=["riskmgmt"])
api.add_router("/", claims_router, tags=["claims"])
api.add_router("/", notifications_router, tags=["notifications"])
api.add_router("/", fund_router, tags=["fund"])
