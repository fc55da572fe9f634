"""What the pages of every app share: a form page that calls one service, and the way a
service's refusal is shown on a form."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render

from idi.core.errors import RuleViolation
from idi.core.health import platform_health
from idi.core.permissions import actor_from_request
from idi.core.refusals import refusal_html
from idi.core.workspace import figures_for, tasks_for


def add_refusal(form: forms.Form, exc: RuleViolation) -> None:
    """Put a service's refusal on the field it names, or above the form when the form has no
    such field, in the page's language with the rule as a link to its page. A form whose
    fields are named differently from the service's (e.g. "shares.2.insurer") maps them in
    `refusal_fields`. Several refusals at once (R-U4) each get a line."""
    for problem in exc.problems:
        name = getattr(form, "refusal_fields", {}).get(problem.field, problem.field)
        form.add_error(name if name in form.fields else None, refusal_html(problem))


def form_page(
    request,
    *,
    form: forms.Form,
    title: str,
    run: Callable[[dict], str],
    done: str,
    back_url: str | None = None,
    template: str = "includes/form_page.html",
    context: dict | None = None,
    error_status: int = 200,
):
    """A form that calls one service: on a valid POST `run(cleaned_data)` acts and returns the
    URL to go to, where the message `done` is shown; a refusal is shown on the form.

    `back_url` is where 取消 leads; `context` adds what the template shows besides the form
    (e.g. `intro`, `submit_label`, `danger`, a link above the title: `up_url`, `up_label`);
    `error_status` is the status of a page that comes back with errors."""
    if request.method == "POST" and form.is_valid():
        try:
            target = run(form.cleaned_data)
        except RuleViolation as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, done)
            return redirect(target)
    status = error_status if form.is_bound and form.errors else 200
    page = {"form": form, "title": title, "back_url": back_url, **(context or {})}
    return render(request, template, page, status=status)


def workspace(request):
    """Where every party lands after log-in: what it must do now and the figures it watches.

    Owners have no to-do list of their own: their homes, with cover and whom to call, are
    their workspace."""
    actor = actor_from_request(request)
    if actor.is_anonymous:
        return redirect_to_login(request.get_full_path())
    if not actor.is_operator and actor.organisation_type is None:
        return redirect("underwriting:my_homes")
    context = {
        "tasks": tasks_for(actor),
        "figures": figures_for(actor),
        "health": platform_health() if actor.is_operator else None,
    }
    return render(request, "core/workspace.html", context)
