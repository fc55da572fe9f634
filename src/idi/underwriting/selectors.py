"""Reads of policies that depend on who asks, and the figures derived from a policy.

Visibility (issue 3): an insurer sees the policies where it holds a share; a developer its own
projects' policies; an owner the issued policy covering a unit it bought; a district regulator
its district; the city regulator, the operator and the guarantee institution everything.
Everyone else sees nothing, and an object the actor may not see is answered as "not found".
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import translation

from idi.core.errors import NotFound
from idi.core.permissions import Actor
from idi.core.rulebook import get_rulebook
from idi.parties.models import District, Organisation, OrgType, Role
from idi.parties.selectors import last_complete_year, lead_qualifications_for
from idi.projects.models import ConstructionPermit, Participant, Project, Sale, Unit
from idi.projects.selectors import units_visible_to
from idi.rules import (
    ADDITIONAL,
    CLAIMS_STANDARD_FIELDS,
    RulePack,
    Share,
    Violation,
    basic_categories,
    check_lead_qualifications,
    legal_claim_days,
    min_risk_management_fee,
    split_by_shares,
)
from idi.rules.errors import is_english
from idi.underwriting.models import (
    AttachmentKind,
    BuyerConsent,
    ChangeRequest,
    ChangeState,
    ParticipantNotice,
    Policy,
    PolicyAttachment,
    PolicyShare,
    PolicyState,
    ShareRole,
)
from idi.underwriting.transitions import LIVE_STATES, SHARE_CONFIRMING_STATES

# The states in which a policy covers its units: what an owner may see.
COVERING_STATES = (PolicyState.ISSUED, PolicyState.IN_FORCE, PolicyState.EXPIRED)
OWNER_VISIBLE_STATES = (*COVERING_STATES, PolicyState.CANCELLED)


# --- who sees what ------------------------------------------------------------------------------


def sees_everything(actor: Actor) -> bool:
    """The operator, the city regulator, and the guarantee institution (which RULES.md §1 names
    the platform operator, and which books every policy's fund contribution)."""
    return (
        actor.is_operator
        or (actor.organisation_type == OrgType.REGULATOR and actor.district == District.CITY)
        or actor.organisation_type == OrgType.GUARANTEE_INSTITUTION
    )


def policies_visible_to(actor: Actor) -> QuerySet[Policy]:
    qs = Policy.objects.select_related("permit__project__developer", "permit__planning_permit")
    if actor.user_id is None:
        return qs.none()
    if sees_everything(actor):
        return qs
    # Owners: the policies covering a unit they bought, once issued.
    owned = Policy.objects.filter(
        state__in=OWNER_VISIBLE_STATES, permit__buildings__units__sale__buyers=actor.user_id
    ).values("pk")
    visible = Q(pk__in=owned)
    org = actor.organisation_id
    if org is not None:
        if actor.organisation_type == OrgType.REGULATOR:
            visible |= Q(permit__project__district=actor.district)
        elif actor.organisation_type == OrgType.DEVELOPER:
            visible |= Q(permit__project__developer_id=org)
        elif actor.organisation_type == OrgType.INSURER:
            visible |= Q(pk__in=PolicyShare.objects.filter(insurer_id=org).values("policy_id"))
    return qs.filter(visible)


def get_policy(*, actor: Actor, pk: int) -> Policy:
    policy = policies_visible_to(actor).filter(pk=pk).first()
    if policy is None:
        raise NotFound("policy")
    return policy


def search_policies(*, actor: Actor, q: str = "", state: str = "") -> QuerySet[Policy]:
    """The list page and the API list: by permit number or project name, and by state."""
    qs = policies_visible_to(actor)
    if q:
        qs = qs.filter(Q(permit__number__icontains=q) | Q(permit__project__name__icontains=q))
    if state:
        qs = qs.filter(state=state)
    if actor.organisation_type == OrgType.INSURER and actor.organisation_id is not None:
        # Each row shows the insurer's own share: one query for the page, not one per row.
        mine = PolicyShare.objects.filter(insurer_id=actor.organisation_id)
        qs = qs.prefetch_related(
            Prefetch("shares", queryset=mine.select_related("insurer"), to_attr="actor_shares")
        )
    return qs.order_by("-id")


def policies_by_permit(actor: Actor, permit_ids: Iterable[int]) -> dict[int, Policy]:
    """The policies of these permits that the actor may see, by permit id, in one query (the
    project page shows one per permit row; R-U2: a permit has at most one)."""
    policies = policies_visible_to(actor).select_related(None).filter(permit_id__in=permit_ids)
    return {policy.permit_id: policy for policy in policies}


def insured_project_ids_for_insurer(organisation_id: int) -> QuerySet:
    """The projects in which the insurer holds a share of a policy (any state): the projects
    selectors use it so that an insurer sees the projects it insures. A lazy subquery."""
    return (
        PolicyShare.objects.filter(insurer_id=organisation_id)
        .values_list("policy__permit__project_id", flat=True)
        .distinct()
    )


def insured_projects(actor: Actor) -> Q | None:
    """Hook.PROJECT_VISIBILITY: an insurer sees the projects it insures."""
    if actor.organisation_type != OrgType.INSURER or actor.organisation_id is None:
        return None
    return Q(pk__in=insured_project_ids_for_insurer(actor.organisation_id))


def may_insure(actor: Actor, project: Project) -> bool:
    """Only the project's own developer insures its permits."""
    return (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == project.developer_id
    )


def is_developer_of(actor: Actor, policy: Policy) -> bool:
    return (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == policy.permit.project.developer_id
    )


def with_my_share(actor: Actor, policies: QuerySet[Policy]) -> QuerySet[Policy]:
    """An insurer's list shows its own role and fraction of each policy, in the same query."""
    if actor.organisation_type != OrgType.INSURER:
        return policies
    mine = PolicyShare.objects.filter(policy=OuterRef("pk"), insurer_id=actor.organisation_id)
    return policies.annotate(
        my_fraction=Subquery(mine.values("fraction")[:1]),
        my_role=Subquery(mine.values("role")[:1]),
    )


def may_create_policies(actor: Actor) -> bool:
    """Only a developer insures (its own permits: create_draft checks which)."""
    return actor.organisation_type == OrgType.DEVELOPER


def sees_policy_dealings(actor: Actor, policy: Policy) -> bool:
    """Who sees the dealings around a policy: its contract figures, the participants' notices and
    every buyer's consent to a change. The developer, the policy's insurers, the regulators who
    see it and those who see everything; an owner sees the cover, its own consent and counts."""
    return (
        is_developer_of(actor, policy)
        or share_of(actor, policy) is not None
        or sees_everything(actor)
        or actor.organisation_type == OrgType.REGULATOR
    )


def may_request_change(actor: Actor, policy: Policy, *, open_change: ChangeRequest | None) -> bool:
    """A party of an issued policy asks for a change, one open request at a time (R-U8)."""
    is_party = is_developer_of(actor, policy) or underwriting_share_of(actor, policy) is not None
    return policy.state in LIVE_STATES and is_party and open_change is None


# An insurer underwrites through its underwriters, staff and admins; a member who only handles
# claims sees the policy but neither quotes, uploads nor confirms on it.
UNDERWRITING_ROLES = (Role.ORG_ADMIN, Role.STAFF, Role.UNDERWRITER)


def underwriting_share_of(actor: Actor, policy: Policy) -> PolicyShare | None:
    """The actor's share of the policy when the actor may underwrite on it."""
    return share_of(actor, policy) if actor.has_role(*UNDERWRITING_ROLES) else None


def share_of(actor: Actor, policy: Policy) -> PolicyShare | None:
    """The actor's own share of the policy, when the actor is one of its insurers (from
    `actor_shares` when a list prefetched it, see search_policies)."""
    if actor.organisation_type != OrgType.INSURER or actor.organisation_id is None:
        return None
    if hasattr(policy, "actor_shares"):
        return next(iter(policy.actor_shares), None)
    return policy.shares.filter(insurer_id=actor.organisation_id).first()


def lead_share(policy: Policy) -> PolicyShare | None:
    """The lead's share (from `lead_shares` when a list prefetched it, see homes_of)."""
    if hasattr(policy, "lead_shares"):
        return next(iter(policy.lead_shares), None)
    return policy.shares.select_related("insurer").filter(role=ShareRole.LEAD).first()


def get_share(*, policy: Policy, pk: int) -> PolicyShare:
    """A share of a policy the caller already may see (get_policy)."""
    share = policy.shares.select_related("insurer").filter(pk=pk).first()
    if share is None:
        raise NotFound("share")
    return share


def share_to_confirm(actor: Actor, policy: Policy) -> PolicyShare | None:
    """Art. 8: the actor's follower share, not yet confirmed, while the policy takes it."""
    share = underwriting_share_of(actor, policy)
    if (
        share is None
        or share.role != ShareRole.FOLLOWER
        or share.confirmed_at is not None
        or policy.state not in SHARE_CONFIRMING_STATES
    ):
        return None
    return share


def shares_of(policy: Policy) -> list[PolicyShare]:
    return list(policy.shares.select_related("insurer").order_by("-role", "-fraction", "id"))


def permits_open_for_policy(actor: Actor) -> QuerySet[ConstructionPermit]:
    """The developer's construction permits that have no policy yet (R-U2: one each).

    Written here because the projects app has no such selector; it reads projects' tables only.
    """
    if actor.organisation_type != OrgType.DEVELOPER or actor.organisation_id is None:
        return ConstructionPermit.objects.none()
    return (
        ConstructionPermit.objects.filter(
            project__developer_id=actor.organisation_id, policy__isnull=True
        )
        .select_related("project")
        .order_by("project__name", "number")
    )


def get_permit_for_policy(*, actor: Actor, pk: int) -> ConstructionPermit:
    """A permit of the developer's own projects (with or without a policy), else not found."""
    if actor.organisation_type != OrgType.DEVELOPER or actor.organisation_id is None:
        raise NotFound("permit")
    permit = (
        ConstructionPermit.objects.filter(pk=pk, project__developer_id=actor.organisation_id)
        .select_related("project", "planning_permit")
        .first()
    )
    if permit is None:
        raise NotFound("permit")
    return permit


# --- the pack and the figures of a policy ------------------------------------------------------


def pack_of(policy: Policy) -> RulePack:
    """R-U1: the pack stored on the policy at creation, never re-chosen."""
    return get_rulebook().pack(policy.pack_id)


def rate_housing_type(pack: RulePack, permit: ConstructionPermit) -> str:
    """The housing type whose rate floor applies to the permit (R-U5).

    The buildings under the permit decide; when they mix housing types, the stricter (higher)
    floor applies, so that no building is insured below its own floor. A permit without
    buildings yet falls back on the project's housing type ("mixed": the highest floor).
    """
    floors = pack.underwriting.rate_floors
    types = set(permit.buildings.values_list("housing_type", flat=True))
    if not types:
        project_type = permit.project.housing_type
        types = set(floors) if project_type == "mixed" else {project_type}
    return max(sorted(types), key=lambda t: floors.get(t, Decimal(0)))


def rate_floor(policy: Policy) -> Decimal | None:
    """R-U5: the lowest rate the lead insurer may quote for this policy's buildings."""
    pack = pack_of(policy)
    housing = policy.housing_type or rate_housing_type(pack, policy.permit)
    return pack.underwriting.rate_floors.get(housing)


def quote_intro(policy: Policy) -> str:
    """What the insurer quotes for, in the reader's language, for the top of the quote form."""
    from django.utils import translation

    from idi.core import formats

    language = translation.get_language()
    price = formats.money(policy.contract_price, language)
    insured = formats.money(policy.sum_insured, language)
    if formats.is_english(language):
        return (
            f"The developer asks for a quote on a contract price of {price} and a sum insured "
            f"of {insured}. Quote the rate from the project's risk (Art. 9) and say how you "
            f"weighed each factor."
        )
    return (
        f"建设单位就签约合同价 {price}、保险金额 {insured} 询价。请根据项目风险报出费率（第九条），"
        f"并写明对各项风险因素的考虑。"
    )


def min_fee_for(policy: Policy) -> Decimal | None:
    """R-U7: the smallest risk-management fee the premium allows."""
    if policy.premium is None:
        return None
    return min_risk_management_fee(pack_of(policy), policy.premium)


def lead_warnings(policy: Policy) -> tuple[Violation, ...]:
    """R-U6: the lead insurer's unmet qualifications over the last three complete years.

    Warnings only ("宜"): shown with the quote, never blocking.
    """
    lead = lead_share(policy)
    if lead is None:
        return ()
    pack = pack_of(policy)
    year = last_complete_year()
    spec = pack.underwriting.lead_qualification
    qualifications = lead_qualifications_for(lead.insurer_id, year=year, years=spec.solvency_years)
    return check_lead_qualifications(pack, qualifications, year)


def quote_warnings(policy: Policy, language: str | None) -> list[dict]:
    """R-U6 warnings as stored when the policy was quoted, in `language`; none for a draft,
    whose next quote computes them afresh."""
    if policy.state == PolicyState.DRAFT:
        return []
    return [
        {
            "rule": w["rule"],
            "code": w["code"],
            "message": w["message_en"] if is_english(language) else w["message"],
        }
        for w in policy.quote_warnings
    ]


@dataclass(frozen=True)
class ContributionPart:
    insurer: Organisation
    role: str
    fraction: Decimal
    amount: Decimal


def contribution_split(policy: Policy) -> list[ContributionPart]:
    """R-U10 for R-F1: the fund contribution split by share to the fen, the remainder on the lead.

    For reporting: the whole is owed by the lead insurer (FundContributionDue).
    """
    if policy.fund_contribution is None:
        return []
    shares = shares_of(policy)
    if not shares:
        return []
    parts = split_by_shares(
        policy.fund_contribution,
        [Share(role=s.role, insurer=str(s.insurer_id), fraction=s.fraction) for s in shares],
    )
    return [
        ContributionPart(s.insurer, s.role, s.fraction, parts[str(s.insurer_id)]) for s in shares
    ]


def current_attachments(policy: Policy) -> dict[str, PolicyAttachment]:
    """The newest upload of each kind (R-U11)."""
    current: dict[str, PolicyAttachment] = {}
    for attachment in policy.attachments.select_related("uploaded_by_org").order_by("-id"):
        current.setdefault(attachment.kind, attachment)
    return current


def get_attachment(*, policy: Policy, pk: int) -> PolicyAttachment:
    """An attachment of a policy the caller already may see (get_policy)."""
    attachment = policy.attachments.filter(pk=pk).first()
    if attachment is None:
        raise NotFound("attachment")
    return attachment


def missing_attachments(policy: Policy) -> list[str]:
    """R-U11: the kinds not yet uploaded, or whose current version the developer has not
    confirmed."""
    current = current_attachments(policy)
    return [
        kind
        for kind in AttachmentKind.values
        if kind not in current or current[kind].confirmed_at is None
    ]


def participants_not_notified(policy: Policy) -> QuerySet[Participant]:
    """R-U12: the project's participants without the developer's notice."""
    notified = policy.participant_notices.values("participant_id")
    return (
        Participant.objects.filter(project_id=policy.permit.project_id)
        .exclude(pk__in=notified)
        .select_related("organisation")
    )


def effective_claim_days(policy: Policy, kind: str) -> int | None:
    """R-U13: the time the claims process applies for `kind` (accept, survey, determine,
    repair): the stricter of the insurer's commitment and the pack's legal time.

    Accepting and surveying have no legal time: the commitment, or None when none was made.
    """
    name = f"days_to_{kind}"
    if name not in CLAIMS_STANDARD_FIELDS:
        raise ValueError(f"unknown claim step {kind!r}")
    standard = getattr(policy, "claims_standard", None)
    committed = getattr(standard, name) if standard else None
    legal = legal_claim_days(pack_of(policy)).get(name)
    if legal is None:
        return committed
    return legal if committed is None else min(committed, legal)


# --- coverage ----------------------------------------------------------------------------------


def _category_label(pack: RulePack, category: str) -> tuple[str, str]:
    spec = pack.coverage.categories[category]
    return spec.label_zh, spec.label_en


@dataclass(frozen=True)
class CoverageLine:
    """One row of a unit's cover: a category (or additional sub-item) and its window."""

    category: str
    sub_item: str
    label: str
    label_en: str
    years: int
    covered: bool  # False: concealed works of a building that is not fully decorated (R-C4)
    start: date | None  # None until completion acceptance is known
    end: date | None

    @property
    def pending(self) -> bool:
        return self.covered and self.start is None


def coverage_lines(policy: Policy, *, fully_decorated: bool) -> list[CoverageLine]:
    """Every category of the policy with its stored window (R-C1..R-C4), for one building's
    kind; a window is stored once completion acceptance is recorded (until then: pending).

    Reads `policy.windows.all()` and `policy.additional_covers.all()`, so that a list
    prefetches them once for all its policies."""
    pack = pack_of(policy)
    windows = {(w.category, w.sub_item): w for w in policy.windows.all()}
    lines: list[CoverageLine] = []
    # R-C1: the pack's categories of a fixed period, in the order of Art. 5; the additional
    # cover's period is the policy's, per sub-item.
    for category in basic_categories(pack):
        spec = pack.coverage.categories[category]
        covered = fully_decorated or not spec.fully_decorated_only
        span = windows.get((category, "")) if covered else None
        label, label_en = _category_label(pack, category)
        lines.append(
            CoverageLine(
                category,
                "",
                label,
                label_en,
                spec.years or 0,
                covered,
                span.starts_on if span else None,
                span.ends_on if span else None,
            )
        )
    for cover in sorted(policy.additional_covers.all(), key=lambda c: c.sub_item):
        span = windows.get((ADDITIONAL, cover.sub_item))
        with translation.override("en"):
            label_en = cover.get_sub_item_display()
        lines.append(
            CoverageLine(
                ADDITIONAL,
                cover.sub_item,
                cover.get_sub_item_display(),
                label_en,
                cover.years,
                True,
                span.starts_on if span else None,
                span.ends_on if span else None,
            )
        )
    return lines


def policy_period(policy: Policy) -> tuple[date, date] | None:
    """The stored insurance period (first window's start to last window's end, both
    inclusive); None until completion acceptance is recorded."""
    if policy.period_starts_on is None or policy.period_ends_on is None:
        return None
    return policy.period_starts_on, policy.period_ends_on


@dataclass(frozen=True)
class Home:
    """One unit an owner bought, with its covering policy, its windows and whom to call."""

    unit: Unit
    policy: Policy | None
    lines: list[CoverageLine]
    lead: PolicyShare | None


def homes_of(actor: Actor) -> list[Home]:
    """我的房屋: the actor's units with their cover, in a fixed number of queries however many
    units it bought (units, policies, and the policies' windows, covers and leads)."""
    units = list(units_owned_by(actor).select_related("project__developer"))
    policies = {
        policy.permit_id: policy
        for policy in policies_visible_to(actor)
        .filter(permit_id__in={u.building.permit_id for u in units}, state__in=COVERING_STATES)
        .prefetch_related(
            "windows",
            "additional_covers",
            Prefetch(
                "shares",
                queryset=PolicyShare.objects.filter(role=ShareRole.LEAD).select_related("insurer"),
                to_attr="lead_shares",
            ),
        )
    }
    homes = []
    for unit in units:
        policy = policies.get(unit.building.permit_id)
        lines = (
            coverage_lines(policy, fully_decorated=unit.building.fully_decorated) if policy else []
        )
        homes.append(Home(unit, policy, lines, lead_share(policy) if policy else None))
    return homes


def units_owned_by(actor: Actor) -> QuerySet[Unit]:
    """The units the actor bought (我的房屋). Written here because the projects app has no
    such selector yet; it reads projects' tables only."""
    if actor.user_id is None:
        return Unit.objects.none()
    return (
        Unit.objects.filter(sale__buyers=actor.user_id)
        .select_related("building__permit", "project")
        .order_by("project__name", "building__name", "room_number")
        .distinct()
    )


def policy_for_unit(actor: Actor, unit: Unit) -> Policy | None:
    """The issued policy covering the unit (building → permit → policy), or None while there
    is none or the actor may not see it. An actor who may not see the unit gets NotFound: the
    unit's visibility comes from the units selector, never from whether the actor may see the
    policy (an owner sees the policy through one unit and must not reach the others)."""
    if not units_visible_to(actor).filter(pk=unit.pk).exists():
        raise NotFound("unit")
    return (
        policies_visible_to(actor)
        .filter(permit_id=unit.building.permit_id, state__in=COVERING_STATES)
        .first()
    )


def coverage_windows_for_unit(actor: Actor, unit: Unit) -> list[CoverageLine]:
    """The unit's cover per category; categories without a completion date have no window yet
    (shown as "竣工验收后确定")."""
    policy = policy_for_unit(actor, unit)
    if policy is None:
        return []
    return coverage_lines(policy, fully_decorated=unit.building.fully_decorated)


# --- changes (R-U8) ----------------------------------------------------------------------------


def get_change_request(*, policy: Policy, pk: int) -> ChangeRequest:
    change = policy.change_requests.filter(pk=pk).first()
    if change is None:
        raise NotFound("change request")
    return change


def open_change_request(policy: Policy) -> ChangeRequest | None:
    return policy.change_requests.filter(state=ChangeState.OPEN).first()


@dataclass(frozen=True)
class ConsentDue:
    unit: Unit
    buyer_id: int
    buyer_name: str
    given: bool


def _buyer_links(change: ChangeRequest) -> QuerySet:
    """Every (sold unit, buyer) of the change's project, marked `given` when that buyer has
    consented to this change: one query, never the project's buyers in memory."""
    consent = BuyerConsent.objects.filter(
        change_request=change, unit_id=OuterRef("sale__unit_id"), buyer_id=OuterRef("user_id")
    )
    return Sale.buyers.through.objects.filter(
        sale__unit__project_id=change.policy.permit.project_id
    ).annotate(given=Exists(consent))


def _consent_due(link) -> ConsentDue:
    profile = getattr(link.user, "profile", None)
    name = (profile.real_name if profile else "") or link.user.get_username()
    return ConsentDue(link.sale.unit, link.user_id, name, link.given)


def consents_visible_to(actor: Actor, change: ChangeRequest) -> list[ConsentDue]:
    """R-U8: each buyer of each sold unit of the project that the actor may see, and whether
    each has consented: those who see the policy's dealings see every buyer, an owner only its
    own consent (never another buyer's name, not even a co-owner's); `consent_counts` gives
    everyone the totals."""
    links = _buyer_links(change).filter(sale__unit__in=units_visible_to(actor).values("pk"))
    if not sees_policy_dealings(actor, change.policy):
        links = links.filter(user_id=actor.user_id)
    links = links.select_related("sale__unit__building", "user__profile").order_by(
        "sale__unit__building__name", "sale__unit__room_number", "user_id"
    )
    return [_consent_due(link) for link in links]


def consent_counts(change: ChangeRequest) -> tuple[int, int]:
    """R-U8: (buyers who consented, buyers whose consent the change needs), counted in the
    database."""
    links = _buyer_links(change)
    return links.filter(given=True).count(), links.count()


def missing_consents(change: ChangeRequest, *, named: int = 3) -> tuple[int, list[ConsentDue]]:
    """R-U8: how many buyers have not consented to the change, and the first `named` of them."""
    missing = _buyer_links(change).filter(given=False)
    first = missing.select_related("sale__unit__building", "user__profile").order_by(
        "sale__unit__building__name", "sale__unit__room_number", "user_id"
    )[:named]
    return missing.count(), [_consent_due(link) for link in first]


def project_has_sales(policy: Policy) -> bool:
    return Sale.objects.filter(unit__project_id=policy.permit.project_id).exists()


def participant_notices_of(actor: Actor, policy: Policy) -> QuerySet[ParticipantNotice]:
    """R-U12: a policy's notices to the project's participants. Those who see the policy's
    dealings see them all; a participant its own; an owner none."""
    notices = policy.participant_notices.select_related("participant__organisation")
    if sees_policy_dealings(actor, policy):
        return notices
    if actor.organisation_id is None:
        return notices.none()
    return notices.filter(participant__organisation_id=actor.organisation_id)


def participant_notices_visible_to(actor: Actor) -> QuerySet[ParticipantNotice]:
    """The notices addressed to the actor's organisation (R-U12), newest first."""
    if actor.organisation_id is None:
        return ParticipantNotice.objects.none()
    return (
        ParticipantNotice.objects.filter(participant__organisation_id=actor.organisation_id)
        .select_related("policy__permit__project__developer", "participant__organisation")
        .order_by("-id")
    )


def get_participant_notice(*, actor: Actor, pk: int) -> ParticipantNotice:
    notice = participant_notices_visible_to(actor).filter(pk=pk).first()
    if notice is None:
        raise NotFound("notice")
    return notice
