"""Reads of claims that depend on who asks.

Visibility (RULES R-O1, issue 10): an owner sees the claims on the units it bought; an insurer
the claims on policies where it holds a share (and those routed to it); a developer the claims
on its projects' units; a district regulator its district; the city regulator, the guarantee
institution and the operator every claim; an appraiser the claims whose dispute it decides.
Everyone else sees nothing, and a claim the actor may not see is "not found".
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from idi.claims.models import (
    Claim,
    ClaimEvent,
    ClaimPayment,
    ClaimPaymentShare,
    ClaimStatus,
    Dispute,
    InsuranceNotice,
    NoticeReceipt,
    Repair,
    status_label_of,
)
from idi.claims.tracks import TrackAction, get_track, opening_kinds
from idi.core import clock
from idi.core.errors import NotFound
from idi.core.permissions import Actor
from idi.core.registry import Task
from idi.core.rulebook import get_rulebook
from idi.core.workspace import task
from idi.notifications.models import Deadline
from idi.parties.models import District, Organisation, OrgType, Profile, Role
from idi.projects.models import Sale, Unit
from idi.rules.errors import is_english
from idi.underwriting.models import Policy, PolicyShare
from idi.underwriting.selectors import (
    COVERING_STATES,
    coverage_lines,
    lead_share,
    pack_of,
    sees_everything,
)

OWNER_LABEL = "claims.claim"
HANDLER_ROLES = (Role.CLAIMS_HANDLER, Role.ORG_ADMIN)


def is_owner_of_unit(actor: Actor, unit_id: int) -> bool:
    return (
        actor.user_id is not None
        and Sale.objects.filter(unit_id=unit_id, buyers=actor.user_id).exists()
    )


def claims_visible_to(actor: Actor) -> QuerySet[Claim]:
    qs = Claim.objects.select_related("unit__building", "unit__project", "routed_org")
    if actor.user_id is None:
        return qs.none()
    if sees_everything(actor):
        return qs
    visible = Q(unit__in=Unit.objects.filter(sale__buyers=actor.user_id).values("pk"))
    org, kind = actor.organisation_id, actor.organisation_type
    if org is not None:
        if kind == OrgType.REGULATOR and actor.district:
            visible |= Q(unit__project__district=actor.district)
        elif kind == OrgType.DEVELOPER:
            visible |= Q(unit__project__developer_id=org)
        elif kind == OrgType.INSURER:
            visible |= Q(policy__in=PolicyShare.objects.filter(insurer_id=org).values("policy_id"))
            visible |= Q(routed_org_id=org)
        elif kind == OrgType.APPRAISER:
            visible |= Q(pk__in=Dispute.objects.filter(appraiser_id=org).values("claim_id"))
    return qs.filter(visible)


def get_claim(*, actor: Actor, pk: int) -> Claim:
    claim = claims_visible_to(actor).filter(pk=pk).first()
    if claim is None:
        raise NotFound("claim")
    return claim


def search_claims(
    *,
    actor: Actor,
    status: str = "",
    overdue: bool = False,
    unit: int | None = None,
    policy: int | None = None,
) -> QuerySet[Claim]:
    """The API list: newest first, filtered as asked."""
    qs = claims_visible_to(actor)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(is_open=True, next_due__lt=clock.today())
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    if policy is not None:
        qs = qs.filter(policy_id=policy)
    return qs.order_by("-id")


def queue_for(actor: Actor) -> QuerySet[Claim]:
    """The handling organisation's queue: open claims routed to it, the earliest due first (so
    overdue claims lead), claims without a running clock last."""
    if actor.organisation_id is None:
        return Claim.objects.none()
    return (
        Claim.objects.filter(routed_org_id=actor.organisation_id, is_open=True)
        .select_related("unit__building", "unit__project")
        .order_by(F("next_due").asc(nulls_last=True), "id")
    )


# The queue page counts its claims up to this many and shows "more than" beyond: an exact count
# of a large insurer's open claims reads every one of them on every page view.
QUEUE_COUNT_CAP = 1000


@dataclass(frozen=True)
class QueuePage:
    claims: list[Claim]
    count: int  # open claims in the whole queue, at most QUEUE_COUNT_CAP
    more_than_cap: bool  # True: the queue holds more than QUEUE_COUNT_CAP claims
    next_cursor: str | None  # pass it back as ?cursor= for the following page


def _queue_cursor(claim: Claim) -> str:
    return f"{claim.next_due.isoformat() if claim.next_due else 'none'}.{claim.pk}"


def _parse_queue_cursor(cursor: str) -> tuple[date | None, int]:
    due, _dot, pk = cursor.partition(".")
    try:
        return (None if due == "none" else date.fromisoformat(due)), int(pk)
    except ValueError:
        raise NotFound("cursor") from None


def queue_page(actor: Actor, *, cursor: str = "", limit: int = 20) -> QueuePage:
    """One page of the queue after the cursor (keyset paging on the queue's index, so that a
    page costs the same however long the queue): the claims with a running clock in due order,
    then those without one in id order."""
    qs = queue_for(actor)
    after_due, after_id = _parse_queue_cursor(cursor) if cursor else (None, 0)
    claims: list[Claim] = []
    if not cursor or after_due is not None:
        dated = qs.filter(next_due__isnull=False)
        if after_due is not None:
            dated = dated.filter(next_due__gte=after_due).exclude(
                next_due=after_due, id__lte=after_id
            )
        claims = list(dated[: limit + 1])
        after_id = 0
    if len(claims) <= limit:
        undated = qs.filter(next_due__isnull=True, id__gt=after_id)
        claims += list(undated[: limit + 1 - len(claims)])
    more = len(claims) > limit
    claims = claims[:limit]
    counted = qs.order_by().values("pk")[: QUEUE_COUNT_CAP + 1].count()
    return QueuePage(
        claims=claims,
        count=min(counted, QUEUE_COUNT_CAP),
        more_than_cap=counted > QUEUE_COUNT_CAP,
        next_cursor=_queue_cursor(claims[-1]) if more else None,
    )


def oversight_list(actor: Actor, *, which: str) -> QuerySet[Claim]:
    """R-O1: what a regulator sees without asking: overdue claims, or refused ones."""
    if actor.organisation_type != OrgType.REGULATOR and not sees_everything(actor):
        return Claim.objects.none()
    qs = claims_visible_to(actor)
    if which == "refused":
        return qs.filter(status__in=(ClaimStatus.NOT_COVERED, ClaimStatus.REFUSED)).order_by("-id")
    return qs.filter(is_open=True, next_due__lt=clock.today()).order_by("next_due", "id")


def units_to_file_for(actor: Actor) -> QuerySet[Unit]:
    """The units the actor may file a claim on: its own, or (on the owner's behalf) a sold unit
    of the developer's projects or of the insurer's policies."""
    if actor.user_id is None:
        return Unit.objects.none()
    mine = Q(sale__buyers=actor.user_id)
    if actor.organisation_type == OrgType.DEVELOPER:
        mine |= Q(project__developer_id=actor.organisation_id, sale__isnull=False)
    elif actor.organisation_type == OrgType.INSURER:
        permits = Policy.objects.filter(
            state__in=COVERING_STATES, shares__insurer_id=actor.organisation_id, shares__role="lead"
        ).values("permit_id")
        mine |= Q(building__permit_id__in=permits, sale__isnull=False)
    return (
        Unit.objects.filter(mine)
        .select_related("building__permit", "project")
        .distinct()
        .order_by("project__name", "building__name", "room_number")
    )


def unit_for_filing(*, actor: Actor, pk: int) -> Unit:
    unit = units_to_file_for(actor).filter(pk=pk).first()
    if unit is None:
        raise NotFound("unit")
    return unit


def covering_policy(unit: Unit) -> Policy | None:
    return (
        Policy.objects.filter(permit_id=unit.building.permit_id, state__in=COVERING_STATES)
        .select_related("permit")
        .first()
    )


def is_handler(actor: Actor, claim: Claim) -> bool:
    """The claim's handling organisation acting through a claims handler or its admin."""
    return (
        claim.routed_org_id is not None
        and actor.organisation_id == claim.routed_org_id
        and actor.has_role(*HANDLER_ROLES)
    )


def paid_on_policy(policy_id: int) -> Decimal:
    total = ClaimPayment.objects.filter(policy_id=policy_id).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


def paid_on_claim(claim: Claim) -> Decimal:
    total = claim.payments.aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


def remaining_sum_insured(policy: Policy | None) -> Decimal | None:
    """R-K9: the sum insured less every indemnity paid on the policy."""
    if policy is None or policy.sum_insured is None:
        return None
    return policy.sum_insured - paid_on_policy(policy.pk)


def shares_paid(claim: Claim) -> list[tuple[Organisation, Decimal]]:
    """R-U10: what each insurer has paid on the claim."""
    rows = (
        ClaimPaymentShare.objects.filter(payment__claim=claim)
        .values("insurer_id")
        .annotate(total=Sum("amount"))
        .order_by("insurer_id")
    )
    orgs = Organisation.objects.in_bulk([r["insurer_id"] for r in rows])
    return [(orgs[r["insurer_id"]], r["total"]) for r in rows]


def deadlines_of(claim: Claim) -> list[Deadline]:
    return list(
        Deadline.objects.filter(owner_type=OWNER_LABEL, owner_id=claim.pk).order_by(
            "created_at", "id"
        )
    )


def warranty_repair_for(*, unit: Unit, category: str, place: str, on: date) -> Repair | None:
    """R-K5: an accepted repair of the same item at the same place still under warranty."""
    return (
        Repair.objects.filter(
            unit=unit,
            category=category,
            place=place,
            accepted_on__isnull=False,
            warranty_until__gte=on,
        )
        .order_by("-warranty_until")
        .first()
    )


# --- who hears about a claim's deadlines --------------------------------------------------------


def _users_by_org(org_ids: set[int]) -> dict[int, list[Profile]]:
    out: dict[int, list[Profile]] = defaultdict(list)
    for profile in Profile.objects.filter(organisation_id__in=org_ids, user__is_active=True):
        out[profile.organisation_id].append(profile)
    return out


def _regulator_users(districts: set[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    profiles = Profile.objects.filter(
        organisation__org_type=OrgType.REGULATOR,
        organisation__district__in=districts - {District.CITY},
        user__is_active=True,
    ).select_related("organisation")
    for profile in profiles:
        if Role.REGULATOR in profile.roles or Role.ORG_ADMIN in profile.roles:
            out[profile.organisation.district].add(profile.user_id)
    return out


def chosen_appraiser(claim: Claim) -> Organisation | None:
    """R-K7: the appraiser chosen for the claim's open dispute, once the parties chose one."""
    dispute = (
        Dispute.objects.filter(claim=claim, decided_on__isnull=True, appraiser__isnull=False)
        .select_related("appraiser")
        .first()
    )
    return dispute.appraiser if dispute else None


def members_of(organisation_id: int) -> set[int]:
    """The active accounts of an organisation (who reads what is sent to it)."""
    return set(
        Profile.objects.filter(organisation_id=organisation_id, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def appraisal_tasks(actor: Actor) -> list[Task]:
    """Hook.TASKS (R-K7): each open dispute whose jointly chosen appraiser is the actor."""
    if actor.organisation_type != OrgType.APPRAISER or actor.organisation_id is None:
        return []
    disputes = (
        Dispute.objects.filter(
            appraiser_id=actor.organisation_id,
            decided_on__isnull=True,
            claim__status=ClaimStatus.DISPUTED,
        )
        .select_related("claim__unit__project")
        .order_by("id")
    )
    return [
        task(
            kind="claims.appraise",
            title_zh="就理赔争议作出鉴定结论",
            title_en="Make the appraisal finding on a claim dispute",
            subject=f"{d.claim.unit.project.name} · {d.claim.number}",
            url=f"/claims/{d.claim_id}/#action-appraisal",
            rule="R-K7",
        )
        for d in disputes
    ]


def claim_recipients(claim_ids: list[int], event: str) -> dict[int, set[int]]:
    """A reminder goes to the claim's handlers; an escalation also to their organisation's
    managers and to the district regulator (issue 10, "never missed silently")."""
    rows = list(
        Claim.objects.filter(pk__in=claim_ids).values(
            "pk", "routed_org_id", "unit__project__district"
        )
    )
    members = _users_by_org({r["routed_org_id"] for r in rows if r["routed_org_id"]})
    regulators = (
        _regulator_users({r["unit__project__district"] for r in rows})
        if event == "escalation"
        else {}
    )
    out: dict[int, set[int]] = {}
    for r in rows:
        profiles = members.get(r["routed_org_id"], [])
        handlers = {p.user_id for p in profiles if Role.CLAIMS_HANDLER in p.roles}
        managers = {p.user_id for p in profiles if Role.ORG_ADMIN in p.roles}
        users = set(handlers or managers)
        if event == "escalation":
            users |= managers | regulators.get(r["unit__project__district"], set())
        out[r["pk"]] = users
    return out


def deadline_recipients(rows: list[Deadline], event: str) -> dict[int, set[int]]:
    """Recipients per deadline: the claim's, unless the claim's track names its own for the
    kind (e.g. the developer for a pre-period site visit)."""
    by_claim = claim_recipients(sorted({d.owner_id for d in rows}), event)
    tracks_of = dict(Claim.objects.filter(pk__in=by_claim).values_list("pk", "track"))
    out: dict[int, set[int]] = {}
    for d in rows:
        track = get_track(tracks_of.get(d.owner_id, ""))
        own = track.recipients(d.owner_id, event, d.kind) if track and track.recipients else None
        out[d.pk] = own if own is not None else by_claim.get(d.owner_id, set())
    return out


def describe_claims(claim_ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = Claim.objects.filter(pk__in=claim_ids).only("pk", "filed_on")
    return {
        c.pk: (_("理赔案件 %(number)s") % {"number": c.number}, f"/claims/{c.pk}/") for c in rows
    }


# --- owner's timeline -------------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    deadline: Deadline
    days_left: int  # negative when overdue, or when an opening has passed
    # The day something becomes possible (Track.openings), not a duty: "open since", never
    # overdue.
    opening: bool = False
    label: str = ""  # the pack's name of the clock, in the page's language

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and not self.opening


def countdowns(claim: Claim) -> list[Countdown]:
    today = clock.today()
    openings = opening_kinds()
    english = is_english(get_language())
    running = [d for d in deadlines_of(claim) if d.met_on is None and d.cancelled_on is None]
    result = []
    for d in running:
        spec = get_rulebook().pack(d.pack_id).deadlines[d.kind]
        label = spec.label_en if english else spec.label_zh
        result.append(Countdown(d, (d.due - today).days, d.kind in openings, label))
    return result


# --- the insurance notice (R-K1) ------------------------------------------------------------------


def notice_content(unit: Unit, policy: Policy) -> dict:
    """What the notice of one unit says (R-K1): scope and each category's window with real
    dates, the start date, the claims process with its legal times, the claims handler and its
    contacts, and the owner's duty to notify. JSON-shaped: it is stored as handed over."""
    pack = pack_of(policy)
    lines = coverage_lines(policy, fully_decorated=unit.building.fully_decorated)
    lead = lead_share(policy)
    plan = getattr(lead.insurer, "emergency_plan", None) if lead else None
    times = {
        kind: {
            "days": spec.count,
            "label": spec.label_zh,
            "label_en": spec.label_en,
            "rule": spec.rule,
        }
        for kind, spec in pack.deadlines.items()
        if kind
        in (
            "claim_determination",
            "claim_determination_complex",
            "claim_performance",
            "denial_notice",
            "appraisal_confirmation",
            "repair_warranty",
        )
    }
    starts = [line.start for line in lines if line.covered and line.start]
    return {
        "unit": str(unit),
        "project": unit.project.name,
        "policy": policy.number,
        "pack": pack.id,
        "start": min(starts).isoformat() if starts else None,
        "categories": [
            {
                "category": line.category,
                "sub_item": line.sub_item,
                "label": line.label,
                "label_en": line.label_en,
                "years": line.years,
                "covered": line.covered,
                "start": line.start.isoformat() if line.start else None,
                "end": line.end.isoformat() if line.end else None,
            }
            for line in lines
        ],
        "handler": {
            "name": lead.insurer.name if lead else "",
            "phone": lead.insurer.contact_phone if lead else "",
            "address": lead.insurer.address if lead else "",
            "emergency_hours": plan.response_hours if plan else None,
            "emergency_hotline": plan.hotline if plan else "",
        },
        "times": times,
    }


def notice_for_unit(
    *, actor: Actor, unit_id: int
) -> tuple[Unit, Policy, dict, InsuranceNotice | None]:
    """The notice of a unit the actor may see (owner, developer, insurers, regulators): the
    stored one when handed over, else generated now for preview."""
    unit = (
        Unit.objects.filter(pk=unit_id)
        .select_related("building__permit", "project__developer")
        .first()
    )
    if unit is None or not _unit_visible(actor, unit):
        raise NotFound("unit")
    policy = covering_policy(unit)
    if policy is None:
        raise NotFound("policy")
    stored = InsuranceNotice.objects.filter(unit=unit).first()
    return unit, policy, stored.content if stored else notice_content(unit, policy), stored


def receipts_of(notice: InsuranceNotice | None) -> list[NoticeReceipt]:
    """R-K1: who confirmed receipt of the notice, and when, the first first."""
    if notice is None:
        return []
    return list(notice.receipts.select_related("owner__profile").order_by("confirmed_at", "id"))


def may_confirm_notice(actor: Actor, unit: Unit, notice: InsuranceNotice | None) -> bool:
    """An owner of the unit that has not yet confirmed receipt of its handed-over notice."""
    return (
        notice is not None
        and notice.handed_over_on is not None
        and is_owner_of_unit(actor, unit.pk)
        and not notice.receipts.filter(owner_id=actor.user_id).exists()
    )


def _unit_visible(actor: Actor, unit: Unit) -> bool:
    if sees_everything(actor) or is_owner_of_unit(actor, unit.pk):
        return True
    kind, org = actor.organisation_type, actor.organisation_id
    if kind == OrgType.DEVELOPER:
        return unit.project.developer_id == org
    if kind == OrgType.REGULATOR:
        return unit.project.district == actor.district
    if kind == OrgType.INSURER:
        return PolicyShare.objects.filter(
            insurer_id=org, policy__permit_id=unit.building.permit_id
        ).exists()
    return False


@dataclass(frozen=True)
class TimelineLine:
    """One line of a claim's timeline: when, the status it led to as people read it, who."""

    at: datetime
    status: str
    actor_label: str
    note: str


def timeline_of(claim: Claim) -> list[TimelineLine]:
    return [
        TimelineLine(e.at, status_label_of(e.status, track=claim.track), e.actor_label, e.note)
        for e in ClaimEvent.objects.filter(claim=claim).order_by("at", "id")
    ]


# --- the workspace to-do list (Hook.TASKS) ------------------------------------------------------


# What each status expects next of the claim's handler.
NEXT_ACT = {
    ClaimStatus.RECEIVED: ("核定", "determine"),
    ClaimStatus.COMPLEX: ("核定", "determine"),
    ClaimStatus.NOT_COVERED: ("发出拒赔通知", "issue the refusal notice"),
    ClaimStatus.COVERED: ("与业主约定维修或赔偿", "agree repair or payment"),
    ClaimStatus.PARTLY_COVERED: ("与业主约定维修或赔偿", "agree repair or payment"),
    ClaimStatus.REPAIRING: ("完成维修", "complete the repair"),
    ClaimStatus.REJECTED: ("返修", "redo the repair"),
    ClaimStatus.PAYING: ("支付赔款", "pay"),
    ClaimStatus.CONFIRMING: ("书面确认", "confirm in writing"),
    # Until the appraiser the handler and the owner chose together is recorded (R-K7); then it
    # is the appraiser's to decide.
    ClaimStatus.DISPUTED: (
        "与业主共同选定鉴定机构并登记",
        "choose the appraiser together with the owner and record it",
    ),
}


RULE_OF_STATUS = {
    ClaimStatus.RECEIVED: "R-K2",
    ClaimStatus.COMPLEX: "R-K2",
    ClaimStatus.NOT_COVERED: "R-K4",
    ClaimStatus.REPAIRING: "R-K3",
    ClaimStatus.PAYING: "R-K3",
    ClaimStatus.CONFIRMING: "R-K7",
    ClaimStatus.DISPUTED: "R-K7",
}
# Where on the claim page the act is, for a status whose act has its own form.
ANCHOR_OF_STATUS = {ClaimStatus.DISPUTED: "#action-choose-appraiser"}


# What an owner is asked to do on its own claims: (what in Chinese, in English, the rule).
OWNER_ACT = {
    ClaimStatus.COVERED: (
        "与保险公司商定维修或赔偿方式",
        "agree repair or payment with the insurer",
        "R-K3",
    ),
    ClaimStatus.PARTLY_COVERED: (
        "与保险公司商定维修或赔偿方式",
        "agree repair or payment with the insurer",
        "R-K3",
    ),
    ClaimStatus.DONE: ("验收维修：认可或不认可", "accept or reject the finished repair", "R-K5"),
}


def home_label(unit: Unit) -> str:
    """A home as its owner names it: project, building and room."""
    return f"{unit.project.name} {unit.building.name} {unit.room_number}"


def tasks_for(actor: Actor, limit: int = 50) -> list[Task]:
    """The claim actions due from the actor: a handler's queue (on a claim a track handles,
    the track's actions expected of the handler); an owner's determinations to agree, repairs to
    accept and insurance notices to confirm, each naming its home."""
    if actor.organisation_id is None:
        return _owner_tasks(actor, limit)
    if not actor.has_role(*HANDLER_ROLES):
        return []
    out = []
    for claim in queue_for(actor)[:limit]:
        if claim.status not in ClaimStatus.values:
            # A track's status: what the track expects of this handler.
            out += [
                track_task(app="claims", claim=claim, action=a)
                for a in expected_track_actions(actor, claim)
            ]
            continue
        expected = NEXT_ACT.get(ClaimStatus(claim.status))
        if expected is None or (claim.status == ClaimStatus.DISPUTED and _appraiser_chosen(claim)):
            continue
        out.append(
            task(
                kind=f"claims.{claim.status}",
                title_zh=expected[0],
                title_en=expected[1].capitalize(),
                subject=claim.number,
                url=f"/claims/{claim.pk}/" + ANCHOR_OF_STATUS.get(claim.status, ""),
                rule=RULE_OF_STATUS.get(claim.status),
                due=claim.next_due,
            )
        )
    return out


def _appraiser_chosen(claim: Claim) -> bool:
    return claim.disputes.filter(decided_on__isnull=True, appraiser__isnull=False).exists()


def expected_track_actions(actor: Actor, claim: Claim) -> list[TrackAction]:
    """The actions of the claim's track open at its status that the actor is the party expected
    to take."""
    track = get_track(claim.track)
    if track is None:
        return []
    return [
        a
        for a in track.actions
        if claim.status in a.statuses and a.may is not None and a.may(actor, claim)
    ]


def track_task(*, app: str, claim: Claim, action: TrackAction) -> Task:
    """A track action as a to-do item, leading to the button or form that takes it."""
    page = action.page(claim.pk) if action.page else reverse("claims:detail", args=[claim.pk])
    return task(
        kind=f"{app}.{action.name.replace('-', '_')}",
        title_zh=action.label_zh,
        title_en=action.label_en.capitalize(),
        subject=claim.number,
        url=f"{page}#{action.name}",
        rule=action.rule,
        due=_running_due(claim, action.clock) if action.clock else None,
    )


def _running_due(claim: Claim, kind: str) -> date | None:
    return (
        Deadline.objects.filter(
            owner_type=OWNER_LABEL,
            owner_id=claim.pk,
            kind=kind,
            met_on__isnull=True,
            cancelled_on__isnull=True,
        )
        .values_list("due", flat=True)
        .first()
    )


def _owner_tasks(actor: Actor, limit: int) -> list[Task]:
    if actor.user_id is None:
        return []
    # Only the homes the actor bought: the operator sees every claim but owns none.
    claims = (
        claims_visible_to(actor)
        .filter(unit__sale__buyers=actor.user_id, is_open=True, status__in=OWNER_ACT)
        .order_by("id")
    )
    out = _notices_to_confirm(actor, limit)
    for claim in claims[: limit - len(out)]:
        zh, en, rule = OWNER_ACT[ClaimStatus(claim.status)]
        out.append(
            task(
                kind=f"claims.owner.{claim.status}",
                title_zh=zh,
                title_en=en.capitalize(),
                subject=f"{home_label(claim.unit)} · {claim.number}",
                url=f"/claims/{claim.pk}/",
                rule=rule,
            )
        )
    return out


def _notices_to_confirm(actor: Actor, limit: int) -> list[Task]:
    """R-K1: the notices handed over with the homes the actor bought whose receipt it has not
    confirmed."""
    notices = (
        InsuranceNotice.objects.filter(
            unit__sale__buyers=actor.user_id, handed_over_on__isnull=False
        )
        .exclude(receipts__owner=actor.user_id)
        .select_related("unit__project", "unit__building")
        .order_by("unit_id")
    )
    return [
        task(
            kind="claims.confirm_notice",
            title_zh="阅读并签收保险告知书",
            title_en="Read and confirm receipt of the insurance notice",
            subject=home_label(notice.unit),
            url=reverse("claims:notice", args=[notice.unit_id]) + "#confirm-notice",
            rule="R-K1",
        )
        for notice in notices[:limit]
    ]
