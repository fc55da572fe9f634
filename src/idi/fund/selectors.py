"""Reads of the guarantee fund that depend on who asks (R-F6, R-O1).

The guarantee institution, the operator and the city regulator see the whole fund; a district
regulator the projects of its district; a developer its own projects; a lead insurer the
projects it contributes for; an owner the figures of the projects where it bought, and its own
cases. A project or case the actor may not see is "not found".
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language

from idi.claims.selectors import (
    claims_visible_to,
    expected_track_actions,
    home_label,
    track_task,
)
from idi.core import clock
from idi.core.errors import NotFound
from idi.core.formats import is_english
from idi.core.permissions import Actor
from idi.core.registry import Task
from idi.core.rulebook import get_rulebook
from idi.core.workspace import task
from idi.fund.models import (
    CREDIT_NORMAL,
    Account,
    AccountKind,
    CaseKind,
    CaseState,
    Entry,
    EntryKind,
    FundCase,
    PrePeriodRequest,
)
from idi.fund.services.cases import CASE_RULE
from idi.fund.services.ledger import REVERSIBLE
from idi.fund.services.preperiod import (
    APPLICABLE_FROM,
    PRE_PERIOD_TRACK,
    is_developer,
    is_institution,
)
from idi.parties.models import District, OrgType
from idi.projects.models import Project, Unit
from idi.projects.selectors import is_owner_actor
from idi.rules import fund_repair_cap, fund_repair_cap_remaining
from idi.underwriting.models import CONTRACT_STATES, Policy, PolicyShare

ZERO = Decimal("0.00")


def _fen(total: Decimal | None) -> Decimal:
    """A database sum back to fen (SQLite's sums of decimals carry extra places)."""
    return (total or ZERO).quantize(ZERO)


def sees_whole_fund(actor: Actor) -> bool:
    return (
        actor.is_operator
        or actor.organisation_type == OrgType.GUARANTEE_INSTITUTION
        or (actor.organisation_type == OrgType.REGULATOR and actor.district == District.CITY)
    )


def _lead_project_ids(organisation_id: int | None) -> QuerySet:
    return PolicyShare.objects.filter(insurer_id=organisation_id, role="lead").values(
        "policy__permit__project_id"
    )


def _project_scope(actor: Actor, *, owners: bool) -> Q | None:
    """The projects whose fund the actor may see, as a filter on Project; None means all."""
    if sees_whole_fund(actor):
        return None
    kind, org = actor.organisation_type, actor.organisation_id
    if kind == OrgType.REGULATOR and actor.district:
        return Q(district=actor.district)
    if kind == OrgType.DEVELOPER:
        return Q(developer_id=org)
    if kind == OrgType.INSURER:
        return Q(pk__in=_lead_project_ids(org))
    if owners and is_owner_actor(actor):
        return Q(pk__in=Unit.objects.filter(sale__buyers=actor.user_id).values("project_id"))
    return Q(pk__in=[])


def fund_projects_visible_to(actor: Actor) -> QuerySet:
    """Projects with an issued policy whose fund figures the actor may see."""
    qs = Project.objects.filter(
        pk__in=Policy.objects.filter(state__in=CONTRACT_STATES).values("permit__project_id")
    )
    scope = _project_scope(actor, owners=True)
    if scope is not None:
        qs = qs.filter(scope)
    return qs.select_related("developer").order_by("-id")


def get_fund_project(*, actor: Actor, pk: int) -> Project:
    project = fund_projects_visible_to(actor).filter(pk=pk).first()
    if project is None:
        raise NotFound("project")
    return project


@dataclass(frozen=True)
class ProjectFigures:
    """A project's sub-ledger in the words of the API (R-F1, R-F3, R-F4)."""

    contributed: Decimal
    received: Decimal
    withdrawn: Decimal
    replenished: Decimal
    balance: Decimal
    cap: Decimal
    cap_remaining: Decimal
    replenishment_due: Decimal
    repairs: Decimal


def _figures(balances: dict[str, Decimal], pack) -> ProjectFigures:
    def get(kind: str) -> Decimal:
        return balances.get(kind, ZERO)

    contributed = get(AccountKind.CONTRIBUTIONS)
    due = get(AccountKind.REPLENISHMENT_RECEIVABLE)
    repairs = get(AccountKind.REPAIRS)
    return ProjectFigures(
        contributed=contributed,
        received=contributed - get(AccountKind.CONTRIBUTION_RECEIVABLE),
        withdrawn=repairs + get(AccountKind.STRUCTURAL),
        replenished=get(AccountKind.RECOVERIES) - due,
        balance=get(AccountKind.PROJECT),
        cap=fund_repair_cap(pack, contributed),
        cap_remaining=fund_repair_cap_remaining(pack, contributed, repairs),
        replenishment_due=due,
        repairs=repairs,
    )


def _pack_ids(project_ids) -> dict[int, str]:
    """The pack of each project's policies (the newest issued one answers for the project)."""
    return dict(
        Policy.objects.filter(permit__project_id__in=project_ids, state__in=CONTRACT_STATES)
        .order_by("permit__project_id", "pk")
        .values_list("permit__project_id", "pack_id")
    )


def project_figures(project: Project) -> ProjectFigures:
    """The figures of one project the caller already may see (get_fund_project)."""
    return figures_of([project.pk])[project.pk]


def figures_of(project_ids) -> dict[int, ProjectFigures]:
    """Figures of many projects in two queries, from the accounts' running balances."""
    balances: dict[int, dict[str, Decimal]] = {pk: {} for pk in project_ids}
    rows = (
        Account.objects.filter(project_id__in=project_ids)
        .values("project_id", "kind")
        .annotate(total=Sum("balance"))
        .values_list("project_id", "kind", "total")
    )
    for project_id, kind, total in rows:
        balances[project_id][kind] = _fen(total)
    packs = _pack_ids(project_ids)
    book = get_rulebook()
    return {pk: _figures(kinds, book.pack(packs.get(pk))) for pk, kinds in balances.items()}


def balances_from_entries() -> dict[int, Decimal]:
    """Every account's balance recomputed from its entries (two grouped scans of the ledger),
    on its normal side: what the running balances must equal (R-F6)."""
    debits = dict(
        Entry.objects.order_by()
        .values("debit_id")
        .annotate(s=Sum("amount"))
        .values_list("debit_id", "s")
    )
    credits = dict(
        Entry.objects.order_by()
        .values("credit_id")
        .annotate(s=Sum("amount"))
        .values_list("credit_id", "s")
    )
    result = {}
    for pk, kind in Account.objects.values_list("pk", "kind"):
        net = _fen(debits.get(pk)) - _fen(credits.get(pk))
        result[pk] = -net if kind in CREDIT_NORMAL else net
    return result


def sub_account_balances(project_ids) -> dict[int, Decimal]:
    """The cash balance of each project's sub-account (what a transfer may take from it)."""
    rows = Account.objects.filter(project_id__in=project_ids, kind=AccountKind.PROJECT)
    found = dict(rows.values_list("project_id", "balance"))
    return {pk: _fen(found.get(pk, ZERO)) for pk in project_ids}


def general_balance() -> Decimal:
    found = Account.objects.filter(kind=AccountKind.GENERAL).values_list("balance", flat=True)
    return next(iter(found), ZERO)


# --- entries ----------------------------------------------------------------------------------


def entries_visible_to(actor: Actor, *, project: Project | None = None) -> QuerySet:
    """Ledger entries, newest first; for one project, those touching its accounts. Owners and
    other parties see the figures only, never the entries."""
    qs = Entry.objects.select_related("debit", "credit")
    scope = _project_scope(actor, owners=False)
    if project is not None:
        accounts = Account.objects.filter(project=project).values("pk")
        qs = qs.filter(Q(debit_id__in=accounts) | Q(credit_id__in=accounts))
    if scope is not None:
        projects = Project.objects.filter(scope).values("pk")
        accounts = Account.objects.filter(project_id__in=projects).values("pk")
        qs = qs.filter(Q(debit_id__in=accounts) | Q(credit_id__in=accounts))
    return _with_reversal_state(qs).order_by("-id")


def _with_reversal_state(qs: QuerySet) -> QuerySet:
    """R-F6: `is_reversed` when a reversing entry exists; `reversible` when the institution may
    still correct the entry by hand (a kind it enters itself, neither a reversal nor reversed)."""
    return qs.annotate(is_reversed=Exists(Entry.objects.filter(reverses=OuterRef("pk")))).annotate(
        reversible=ExpressionWrapper(
            Q(kind__in=REVERSIBLE, reverses__isnull=True, is_reversed=False),
            output_field=BooleanField(),
        )
    )


def get_entry(*, actor: Actor, pk: int) -> Entry:
    entry = entries_visible_to(actor).filter(pk=pk).first()
    if entry is None:
        raise NotFound("entry")
    return entry


# --- cases ------------------------------------------------------------------------------------


def cases_visible_to(actor: Actor, *, state: str = "") -> QuerySet:
    qs = FundCase.objects.select_related("project", "building", "unit")
    scope = _project_scope(actor, owners=False)
    if is_owner_actor(actor):
        qs = qs.filter(unit__sale__buyers=actor.user_id)
    elif scope is not None:
        qs = qs.filter(project__in=Project.objects.filter(scope).values("pk"))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


def get_case(*, actor: Actor, pk: int) -> FundCase:
    case = cases_visible_to(actor).filter(pk=pk).first()
    if case is None:
        raise NotFound("case")
    return case


# --- reports (R-F6) ---------------------------------------------------------------------------

INFLOWS = (
    EntryKind.CONTRIBUTION_RECEIVED,
    EntryKind.REPLENISHMENT_RECEIVED,
)
OUTFLOWS = (EntryKind.REPAIR_PAYMENT, EntryKind.STRUCTURAL_PAYMENT)


@dataclass(frozen=True)
class MonthRow:
    month: str
    inflows: Decimal
    outflows: Decimal
    balance: Decimal


def _signed_totals(qs: QuerySet, group: tuple[str, ...]) -> dict:
    """Sum of amounts per `group`, a reversal counting against the kind it reverses."""
    signed = Case(When(reverses__isnull=True, then=F("amount")), default=-F("amount"))
    return {
        tuple(key): _fen(total)
        for *key, total in qs.values(*group).annotate(s=Sum(signed)).values_list(*group, "s")
    }


def monthly_flows(actor: Actor, *, until: date) -> list[MonthRow]:
    """Cash into and out of the fund account, month by month up to `until`, with the balance
    at each month's end (transfers stay inside the fund account)."""
    qs = (
        entries_visible_to(actor)
        .filter(booked_on__lte=until, kind__in=(*INFLOWS, *OUTFLOWS))
        .order_by()
        .annotate(m=TruncMonth("booked_on"))
    )
    by_month: dict[tuple[date, str], Decimal] = {}
    for (month, kind), total in _signed_totals(qs, ("m", "kind")).items():
        by_month[(month, kind)] = total
    rows, balance = [], ZERO
    for month in sorted({m for m, _ in by_month}):
        inflow = sum((by_month.get((month, k), ZERO) for k in INFLOWS), ZERO)
        outflow = sum((by_month.get((month, k), ZERO) for k in OUTFLOWS), ZERO)
        balance += inflow - outflow
        rows.append(MonthRow(f"{month:%Y-%m}", inflow, outflow, balance))
    return rows


def outstanding_replenishments(actor: Actor) -> QuerySet:
    """Paid pre-period cases, with their due date, of the projects the actor may see."""
    return (
        cases_visible_to(actor, state=CaseState.PAID)
        .filter(replenishment_due_on__isnull=False)
        .order_by("replenishment_due_on", "pk")
    )


def balances_as_of(actor: Actor, day: date) -> dict[int | None, dict[str, Decimal]]:
    """Project → account kind → balance from the entries booked up to `day` (the general
    sub-account under None), for the projects the actor may see."""
    qs = entries_visible_to(actor).filter(booked_on__lte=day).order_by()
    result: dict[int | None, dict[str, Decimal]] = {}
    for side, sign in (("debit", 1), ("credit", -1)):
        rows = (
            qs.values(f"{side}__project_id", f"{side}__kind")
            .annotate(s=Sum("amount"))
            .values_list(f"{side}__project_id", f"{side}__kind", "s")
        )
        for project_id, kind, total in rows:
            normal = -1 if kind in CREDIT_NORMAL else 1
            kinds = result.setdefault(project_id, {})
            kinds[kind] = kinds.get(kind, ZERO) + _fen(total) * sign * normal
    return result


CASH_KINDS = (AccountKind.PROJECT, AccountKind.GENERAL)


@dataclass(frozen=True)
class MonthlyProject:
    project: Project
    figures: ProjectFigures
    received_in_month: Decimal
    withdrawn_in_month: Decimal
    replenished_in_month: Decimal


@dataclass(frozen=True)
class Overdue:
    project: Project
    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class MonthlyReport:
    """R-F6: the institution's monthly report of fund use to the regulator, from the ledger."""

    month: str
    opening_balance: Decimal
    inflows: Decimal
    outflows: Decimal
    closing_balance: Decimal
    projects: list[MonthlyProject]
    overdue_replenishments: list[Overdue]


def monthly_report(actor: Actor, *, month: date) -> MonthlyReport:
    """The month starting on `month` (its first day), as the ledger records it."""
    start = month.replace(day=1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    before = balances_as_of(actor, start - timedelta(days=1))
    after = balances_as_of(actor, end)

    whole = sees_whole_fund(actor)

    def cash(balances) -> Decimal:
        # A party that sees part of the fund sees its projects' sub-accounts, not the pool.
        return sum(
            (
                kinds.get(k, ZERO)
                for pk, kinds in balances.items()
                if whole or pk is not None
                for k in CASH_KINDS
            ),
            ZERO,
        )

    project_ids = [pk for pk in after if pk is not None]
    projects = {p.pk: p for p in Project.objects.filter(pk__in=project_ids).order_by("pk")}
    packs = _pack_ids(project_ids)
    book = get_rulebook()
    rows, inflows, outflows = [], ZERO, ZERO
    for pk, project in projects.items():
        pack = book.pack(packs.get(pk))
        now, then = _figures(after[pk], pack), _figures(before.get(pk, {}), pack)
        rows.append(
            MonthlyProject(
                project,
                now,
                now.received - then.received,
                now.withdrawn - then.withdrawn,
                now.replenished - then.replenished,
            )
        )
        inflows += (now.received - then.received) + (now.replenished - then.replenished)
        outflows += now.withdrawn - then.withdrawn
    overdue = []
    earliest: dict[int, date] = {}
    for case in outstanding_replenishments(actor).filter(replenishment_due_on__lt=end):
        earliest.setdefault(case.project_id, case.replenishment_due_on)
    for row in rows:
        due_on = earliest.get(row.project.pk)
        if due_on is not None and row.figures.replenishment_due > 0:
            overdue.append(Overdue(row.project, due_on, row.figures.replenishment_due))
    return MonthlyReport(
        month=f"{start:%Y-%m}",
        opening_balance=cash(before),
        inflows=inflows,
        outflows=outflows,
        closing_balance=cash(after),
        projects=rows,
        overdue_replenishments=overdue,
    )


def category_choices() -> list[tuple[str, str]]:
    """The R-C1 categories a fund case may name, from the pack in force, in the page's language."""
    english = is_english(get_language())
    return [
        (key, capfirst(spec.label_en) if english else spec.label_zh)
        for key, spec in get_rulebook().pack().coverage.categories.items()
    ]


# --- pre-period repair requests (R-F2, R-F3) -------------------------------------------------


def requests_visible_to(actor: Actor) -> QuerySet:
    """The pre-period requests whose claims the actor may see (claims' own visibility)."""
    return (
        PrePeriodRequest.objects.filter(claim__in=claims_visible_to(actor).values("pk"))
        .select_related("claim__unit__building", "project", "case")
        .order_by("-id")
    )


def get_request(*, actor: Actor, claim_pk: int):
    found = requests_visible_to(actor).filter(claim_id=claim_pk).first()
    if found is None:
        raise NotFound("claim")
    return found


def owner_tasks(actor: Actor, limit: int = 50) -> list[Task]:
    """Hook.TASKS: an owner's pre-period requests on which it may now apply in writing for a
    fund repair (R-F3: two months passed without an agreed plan and a started repair), each
    naming its home and due the day before the insurance period starts, when the channel
    closes."""
    if actor.organisation_id is not None or actor.user_id is None:
        return []
    today = clock.today()
    rows = (
        requests_visible_to(actor)
        .filter(
            claim__is_open=True,
            claim__status__in=APPLICABLE_FROM,
            claim__unit__sale__buyers=actor.user_id,
            applied_on__isnull=True,
            application_opens_on__lte=today,
        )
        .select_related("claim__unit__project")
        .order_by("id")
    )
    return [
        task(
            kind="fund.apply_for_fund_repair",
            title_zh="书面申请保障基金先行维修",
            title_en="Apply in writing for a fund repair",
            subject=f"{home_label(row.claim.unit)} · {row.claim.number}",
            url=reverse("fund:request", args=[row.claim_id]) + "#fund-application",
            due=row.claim.window_start - timedelta(days=1) if row.claim.window_start else None,
            rule="R-F3",
        )
        for row in rows[:limit]
    ]


# The parties of the pre-period track whose duties only the track knows: the developer's (R-F2)
# and the institution's decision on an application (R-F3, before any fund case exists). The
# handler's notice is on its claims queue (claims.selectors.tasks_for) and the owner's
# application on owner_tasks above, from the day it opens.
TRACK_PARTY = {
    OrgType.DEVELOPER: is_developer,
    OrgType.GUARANTEE_INSTITUTION: is_institution,
}


def track_tasks(actor: Actor, limit: int = 50) -> list[Task]:
    """Hook.TASKS: the pre-period track's actions expected of a developer or the guarantee
    institution on the open requests it may see, the earliest due first, each leading to the
    button or form that takes it."""
    party = TRACK_PARTY.get(actor.organisation_type)
    if party is None:
        return []
    actions = [a for a in PRE_PERIOD_TRACK.actions if a.may is party]
    rows = (
        requests_visible_to(actor)
        .filter(claim__is_open=True, claim__status__in={s for a in actions for s in a.statuses})
        .select_related("claim__unit__project")
        .order_by(F("claim__next_due").asc(nulls_last=True), "id")
    )
    return [
        track_task(app="fund", claim=row.claim, action=action)
        for row in rows[:limit]
        for action in expected_track_actions(actor, row.claim)
        if action in actions
    ]


# The guarantee institution's part in a fund case: decide what is under review, then pay what it
# approved; (page, what to do in Chinese and English) by the case's state.
INSTITUTION_ACT = {
    CaseState.OPEN: (
        "fund:case_decide",
        "审核保障基金使用申请并作出决定",
        "Decide on the use of the fund",
    ),
    CaseState.APPROVED: ("fund:case_pay", "支付已批准的维修款项", "Pay the approved repair"),
}


def institution_tasks(actor: Actor, limit: int = 50) -> list[Task]:
    """Hook.TASKS: the fund cases waiting for the guarantee institution's decision or payment,
    oldest first, each naming its project and building."""
    if actor.organisation_type != OrgType.GUARANTEE_INSTITUTION:
        return []
    cases = cases_visible_to(actor).filter(state__in=INSTITUTION_ACT).order_by("id")[:limit]
    tasks = []
    for case in cases:
        page, zh, en = INSTITUTION_ACT[CaseState(case.state)]
        tasks.append(
            task(
                kind=f"fund.case.{case.state}",
                title_zh=zh,
                title_en=en,
                subject=f"{case.project.name} {case.building.name} · {case.get_kind_display()}",
                url=reverse(page, args=[case.pk]),
                rule=CASE_RULE[CaseKind(case.kind)],
            )
        )
    return tasks
