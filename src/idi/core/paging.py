"""One page of a list for the API: the rows and where the page stands in the whole."""

from django.core.paginator import Paginator


def page_body(queryset, *, page: int, limit: int) -> dict:
    paginator = Paginator(queryset, limit)
    current = paginator.get_page(page)
    return {
        "items": list(current.object_list),
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "limit": limit,
    }
