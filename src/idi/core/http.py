"""Where a request comes from, as log-in throttling and the activation lock count it."""

from django.conf import settings


def client_address(request) -> str:
    """The client's address. Behind IDI_PROXY_COUNT trusted reverse proxies it is the entry that
    many hops from the end of X-Forwarded-For (the proxies append; a client can only prepend);
    with none, REMOTE_ADDR."""
    count = settings.IDI_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
