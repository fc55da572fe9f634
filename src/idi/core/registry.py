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
    # fn(actor, policy, event) -> None: an underwriting policy event ("issued"), inside its
    # transaction, before the event's audit records: a provider that posts to the fund ledger
    # locks its accounts before the audit chain, as every posting does.
    POLICY_EVENTS = "policy_events"
    # fn(actor) -> list[Task]: what the actor must do now (the workspace to-do list and
    # GET /api/v1/me/tasks). A Task is frozen: `kind` (stable key "<app>.<what>"), `title_zh`/
    # `title_en` (what to do, in each language), `subject` (the project, permit, policy or claim
    # it is about, as people name it), `url` (the page that does it), `due` (the stored due
    # date or None), `urgency` ("overdue", "soon", "normal"; `idi.core.workspace.task()` derives it
    # from `due`) and `rule` (the rule ID behind it, or None). One selector per app answers;
    # it returns [] for actors it has nothing for and never grows its query count with rows.
    TASKS = "tasks"
    # fn(actor) -> list[idi.core.workspace.Figure]: the few figures the actor watches on its
    # workspace (an insurer's book, a regulator's district).
    FIGURES = "figures"
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


class Urgency(StrEnum):
    OVERDUE = "overdue"
    SOON = "soon"
    NORMAL = "normal"


@dataclass(frozen=True, slots=True)
class Task:
    """One thing a party must do now (Hook.TASKS).

    `kind` is a stable key (`<app>.<what>`, e.g. `underwriting.give_quote`) that clients branch
    on; `title_zh`/`title_en` say what to do in each language; `subject` names the project,
    permit, policy or claim it is about, as people know it; `url` is the page that does it;
    `due` is the stored deadline or None; `urgency` follows from `due` (`idi.core.workspace.task()`
    sets it) unless the provider knows better.
    """

    kind: str
    title_zh: str
    title_en: str
    subject: str
    url: str
    due: date | None = None
    urgency: Urgency = Urgency.NORMAL
    # The rule that asks for it, shown as a link to its page (/rules/<ID>/).
    rule: str | None = None

    def title(self, language: str | None) -> str:
        return self.title_en if (language or "").lower().startswith("en") else self.title_zh


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
