"""The workspace's to-do items and figures: what each app contributes through the registry.

An app contributes with `provide(Hook.TASKS, fn)` and `provide(Hook.FIGURES, fn)` in its
`AppConfig.ready()`; `fn(actor)` answers from the app's own selectors, so the workspace never
learns what a policy or a claim is.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from idi.core import clock
from idi.core.permissions import Actor
from idi.core.registry import Hook, Task, Urgency, providers

# A due date this close (or closer) makes an item urgent.
SOON = timedelta(days=7)


URGENCY_ORDER = {Urgency.OVERDUE: 0, Urgency.SOON: 1, Urgency.NORMAL: 2}


def urgency_of(due: date | None) -> Urgency:
    if due is None:
        return Urgency.NORMAL
    today = clock.today()
    if due < today:
        return Urgency.OVERDUE
    return Urgency.SOON if due - today <= SOON else Urgency.NORMAL


def task(
    *,
    kind: str,
    title_zh: str,
    title_en: str,
    subject: str,
    url: str,
    due: date | None = None,
    rule: str | None = None,
) -> Task:
    """A task whose urgency follows from its due date."""
    return Task(kind, title_zh, title_en, subject, url, due, urgency_of(due), rule)


class FigureKind(StrEnum):
    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Figure:
    """One number a party watches (`value` is an int, a Decimal amount or fraction, or text)."""

    key: str
    label_zh: str
    label_en: str
    value: int | Decimal | str
    kind: FigureKind = FigureKind.COUNT
    url: str = ""

    def label(self, language: str | None) -> str:
        return self.label_en if (language or "").startswith("en") else self.label_zh


def tasks_for(actor: Actor) -> list[Task]:
    """Every app's tasks for the actor, the most urgent and the earliest due first."""
    found = [item for provider in providers(Hook.TASKS) for item in provider(actor)]
    return sorted(
        found,
        key=lambda t: (URGENCY_ORDER[t.urgency], t.due or date.max, t.subject, t.kind),
    )


def figures_for(actor: Actor) -> list[Figure]:
    return [item for provider in providers(Hook.FIGURES) for item in provider(actor)]
