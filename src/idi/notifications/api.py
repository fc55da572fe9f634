"""The inbox over HTTP (/api/v1/notifications...): each user reads only its own."""

from datetime import datetime

from ninja import Query, Router, Schema

from idi.core.api_auth import API_AUTH
from idi.core.limits import PageNumber
from idi.core.paging import page_body
from idi.core.permissions import actor_from_request
from idi.notifications import selectors as inbox
from idi.notifications import services as notifications

router = Router(auth=API_AUTH)


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    subject_en: str  # empty on messages written before both languages were stored
    body: str
    body_en: str  # empty where the body is someone's own words (a reply, reasons)
    link: str
    created_at: datetime
    read_at: datetime | None


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    count: int
    page: int
    pages: int
    limit: int
    unread: int


@router.get("/notifications", response=NotificationPageOut, summary="我的消息 / my inbox")
def list_notifications(request, page: PageNumber = 1, limit: int = Query(20, ge=1, le=200)):
    actor = actor_from_request(request)
    body = page_body(inbox.inbox_of(actor), page=page, limit=limit)
    body["unread"] = inbox.unread_count(actor)
    return body


@router.post(
    "/notifications/{pk}/read", response=NotificationOut, summary="标为已读 / mark as read"
)
def read_notification(request, pk: int):
    return notifications.mark_read(actor=actor_from_request(request), notification_id=pk)
