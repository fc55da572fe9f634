"""What the pages of every app share: a form page that calls one service, and the way a
service's refusal is shown on a form."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext

from idi.core.errors import RuleViolation


def add_refusal(form: forms.Form, exc: RuleViolation) -> None:
    """Put a service's refusal on the field it names, or above the form when the form has no
    such field; the rule, when there is one, comes first. A form whose fields are named
    differently from the service's (e.g. "shares.2.insurer") maps them in `refusal_fields`.
    The message speaks the page's language; several refusals at once (R-U4) each get a line."""
    for problem in exc.problems:
        name = getattr(form, "refusal_fields", {}).get(problem.field, problem.field)
        message = problem.message_for(get_language())
        if problem.rule:
            message = gettext("%(rule)s：%(text)s") % {"rule": problem.rule, "text": message}
        form.add_error(name if name in form.fields else None, message)


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
