"""The actor's own to-do list over HTTP: the same items as the workspace."""

from datetime import date

from django.utils import translation
from ninja import Query, Router, Schema

from idi.core.api_auth import API_AUTH
from idi.core.paging import Page, PageQuery, page_body
from idi.core.permissions import actor_from_request
from idi.core.workspace import tasks_for

router = Router(auth=API_AUTH)


class TaskOut(Schema):
    kind: str
    title: str
    title_zh: str
    title_en: str
    subject: str
    due: date | None
    url: str
    urgency: str
    rule: str | None


@router.get(
    "/me/tasks",
    response=Page[TaskOut],
    summary="What the caller must do now (the workspace's to-do list)",
    description="`title` is in the request's language; `kind` is a stable key "
    "(`<app>.<what>`); `urgency` is `overdue`, `soon` or `normal`; most urgent first.",
)
def my_tasks(request, paging: Query[PageQuery]):
    language = translation.get_language()
    items = [
        {
            "kind": t.kind,
            "title": t.title(language),
            "title_zh": t.title_zh,
            "title_en": t.title_en,
            "subject": t.subject,
            "due": t.due,
            "url": t.url,
            "urgency": str(t.urgency),
            "rule": t.rule,
        }
        for t in tasks_for(actor_from_request(request))
    ]
    return page_body(items, paging)
