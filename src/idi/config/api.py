"""The HTTP API at /api/v1/: one NinjaAPI, one router per app, one error shape.

Every refusal is `{"error": {"rule": ID-or-null, "field": NAME-or-null, "message": TEXT}}`,
the same shape the `idi` command line prints with --json.
"""

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from idi.claims.api import router as claims_router
from idi.core.errors import Forbidden, NotFound, RuleViolation
from idi.notifications.api import router as notifications_router
from idi.parties.api import router as parties_router
from idi.projects.api import router as projects_router
from idi.public.api import router as rules_router
from idi.underwriting.api import router as underwriting_router

api = NinjaAPI(
    title="IDI platform API / 住宅工程质量潜在缺陷保险信息平台接口",
    version="1",
    urls_namespace="api",
)


def _error(request, *, status: int, code="invalid", rule=None, field=None, message: str):
    body = {"error": {"code": code, "rule": rule, "field": field, "message": message}}
    return api.create_response(request, body, status=status)


@api.exception_handler(RuleViolation)
def on_rule_violation(request, exc: RuleViolation):
    return _error(request, status=400, **exc.to_dict())


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    loc = [str(part) for part in first.get("loc", ()) if part not in ("query", "body", "path")]
    return _error(
        request,
        status=400,
        field=".".join(loc) or None,
        message=first.get("msg", "输入无效 / invalid input"),
    )


@api.exception_handler(NotFound)
def on_not_found(request, exc: NotFound):
    return _error(request, status=404, message=f"未找到 / {exc.what} not found")


@api.exception_handler(Forbidden)
def on_forbidden(request, exc: Forbidden):
    return _error(request, status=403, rule=exc.rule, message=exc.message)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc: AuthenticationError):
    return _error(request, status=401, message="需要登录 / authentication required")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, status=exc.status_code, message=str(exc))


api.add_router("/rules/", rules_router, tags=["rules"])
api.add_router("/", parties_router, tags=["parties"])
api.add_router("/", projects_router, tags=["projects"])
api.add_router("/", underwriting_router, tags=["underwriting"])
api.add_router("/", claims_router, tags=["claims"])
api.add_router("/", notifications_router, tags=["notifications"])
