import json

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from idi.core.codes import Code
from idi.core.errors import RuleViolation, error_body

# The HTTP API's prefix: its callers choose their language with Accept-Language, and every
# answer under it, even for a path or a method that does not exist, is JSON.
API_PREFIX = "/api/v1/"


def accept_language(header: str) -> str:
    """The supported language the caller prefers most (Accept-Language), else Chinese."""
    for tag, _quality in parse_accept_lang_header(header):
        tag = tag.lower()
        for code, _name in settings.LANGUAGES:
            if tag == code or tag.split("-")[0] == code.split("-")[0]:
                return code
    return settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; this platform speaks
    Chinese first to everyone and English only on request (the choice is kept in a cookie).
    An API client has no cookie to set: it asks with Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            language = accept_language(request.headers.get("Accept-Language", ""))
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


_HTTP_REFUSALS = {
    404: (Code.NOT_FOUND, "接口地址不存在", "no such API path"),
    405: (Code.METHOD_NOT_ALLOWED, "该接口不支持此请求方法", "this method is not allowed here"),
}


class ApiJsonErrorsMiddleware:
    """An unknown path or a wrong method under the API answers in the API's error shape.

    Django answers an unknown path with an HTML page and ninja a wrong method with plain text;
    a client of the API reads JSON only. Errors the API raised itself are JSON already."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code not in _HTTP_REFUSALS
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code, message, message_en = _HTTP_REFUSALS[response.status_code]
        refusal = RuleViolation(
            rule=None, field=None, code=code, message=message, message_en=message_en
        )
        answer = HttpResponse(
            json.dumps(error_body(refusal, translation.get_language()), ensure_ascii=False),
            status=response.status_code,
            content_type="application/json; charset=utf-8",
        )
        if "Allow" in response:
            answer["Allow"] = response["Allow"]
        return answer
