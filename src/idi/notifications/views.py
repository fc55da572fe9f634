from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from idi.core.errors import NotFound
from idi.core.permissions import actor_from_request
from idi.notifications import selectors, services


@login_required
def inbox(request):
    actor = actor_from_request(request)
    page = Paginator(selectors.inbox_of(actor), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def read(request, pk: int):
    actor = actor_from_request(request)
    try:
        row = services.mark_read(actor=actor, notification_id=pk)
    except NotFound:
        return redirect("notifications:inbox")
    if row.link and row.link.startswith("/"):
        return redirect(row.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(actor=actor_from_request(request))
    return redirect("notifications:inbox")
