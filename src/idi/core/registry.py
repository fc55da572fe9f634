"""Where higher apps plug into lower ones.

Imports only point down (rules < core < parties < projects < underwriting < riskmgmt, claims,
fund < oversight). When a lower app must show or check something that a higher app owns (who
may see a project, a panel on the project page, a guard on a permit event, a to-do item on a
party's workspace, a periodic sweep, demo data), the higher app registers a provider here in its
`AppConfig.ready()` and the lower app asks for the providers of that hook.

Providers run in registration order, which is INSTALLED_APPS order, so the answer never depends
on import timing.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Hook(StrEnum):
    # fn(actor) -> Q over projects.Project or None: projects the actor may see through the
    # provider's own relation (an insurer through its policies, an RMA through its engagements).
    PROJECT_VISIBILITY = "project_visibility"
    # fn(actor, project) -> list[Panel]: sections of the project page owned by a higher app.
    PROJECT_PANELS = "project_panels"
    # fn(actor, project, permits) -> Column | None: a column of the project page's permit table
    # owned by a higher app, one cell per permit, read in a fixed number of queries.
    PERMIT_COLUMNS = "permit_columns"
    # fn(permit, event, on) -> None or raises RuleViolation: a guard on a permit event
    # (projects.services.PermitEvent: "issued", "construction_started", "completed") before it
    # is recorded; it reads, never writes, so that a refusal changes nothing.
    PERMIT_GUARDS = "permit_guards"
    # fn(actor, permit, event, on) -> None: runs inside the transaction that recorded the event.
    PERMIT_EVENTS = "permit_events"
    # fn(actor) -> list[Task]: what the actor must do now (the workspace to-do list).
    TASKS = "tasks"
    # (label, fn(*, actor) -> int): a periodic duty; idempotent, safe on several workers.
    SWEEPS = "sweeps"
    # fn(actor, *, unit, category, place) -> list of objects with `label`, `url`, `recorded_on`:
    # construction defects recorded at the same place and category, shown on a claim's page.
    CLAIM_RELATED_DEFECTS = "claim_related_defects"
    # fn(*, password) -> list[(username, description)]: demo data, in INSTALLED_APPS order.
    DEMO_LOADERS = "demo_loaders"


@dataclass(frozen=True)
class Panel:
    """A section of a lower app's page, rendered from the provider's template and context."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    """One to-do item of a party: what, where to do it, the rule behind it, and by when."""

    title: str
    url: str
    rule: str | None = None
    due: date | None = None


@dataclass(frozen=True)
class Column:
    """A column of a table: `key` names its cells (`data-<key>`), `cells` holds the rendered
    HTML of each row by the row's primary key; a row without a cell shows a dash."""

    key: str
    title: str
    cells: dict[int, str]


_providers: dict[Hook, list[Any]] = defaultdict(list)


def provide(hook: Hook, provider: Callable[..., Any] | tuple[str, Callable[..., Any]]) -> None:
    """Register a provider once (a second registration of the same one is ignored)."""
    if provider not in _providers[hook]:
        _providers[hook].append(provider)


def providers(hook: Hook) -> list[Any]:
    return list(_providers[hook])
