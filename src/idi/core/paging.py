"""One page of a list for the API: the rows and where the page stands in the whole.

Every list the API answers is a `Page` (docs/api.md): `{"items", "count", "page", "pages",
"limit"}`, plus `next_cursor` where keyset paging exists. Handlers take `PageQuery` and answer
`page_body(rows, paging)`.
"""

from typing import Generic, TypeVar

from django.core.paginator import Paginator
from ninja import Field, Schema

from idi.core.limits import MAX_PAGE

DEFAULT_LIMIT = 20
MAX_LIMIT = 200

Item = TypeVar("Item")


class Page(Schema, Generic[Item]):
    items: list[Item]
    count: int = Field(..., description="rows in the whole list")
    page: int = Field(..., description="this page's number, from 1")
    pages: int = Field(..., description="pages in the whole list")
    limit: int = Field(..., description="rows per page")


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def page_body(
    rows, paging: PageQuery | None = None, *, page: int = 1, limit: int = 0, shape=None
) -> dict:
    """`rows` (a queryset, or a list already built) cut to the asked page; a page past the
    last answers the last. `shape`, when given, turns each row of the page into its answer."""
    if paging is not None:
        page, limit = paging.page, paging.limit
    limit = limit or DEFAULT_LIMIT
    paginator = Paginator(rows, limit)
    current = paginator.get_page(page)
    return {
        "items": [shape(row) for row in current.object_list] if shape else list(current),
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "limit": limit,
    }
