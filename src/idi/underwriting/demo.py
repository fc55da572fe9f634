"""Demo data of underwriting, on top of the projects demo, written through the services:

- 西溪云庐 (PERMIT_XIXI): single insurer, issued before construction started (entered after the
  fact, issued 2024-06-20); completed 2026-06-30 and delivered, so its owners see real windows
  (from 2028-06-30) and whom to call; units are sold, so a change needs every buyer (R-U8).
- 云栖安置房 (PERMIT_YUNQI): co-insurance (lead 50%, followers 30% and 20%), issued three weeks
  before its construction starts on the first day of the previous month (yunqi_start; the start
  is recorded by the risk-management demo); its fund contribution is owed by the lead and split
  by share for reporting (R-F1, R-U10).
- 江晖府 (PERMIT_JIANGHUI): quoted by the insurer without lead experience (R-U6 warnings), which
  has uploaded its plans; the developer continues: accept the quote (or ask again), confirm the
  plans, notify the participants, record the payment, issue.
- 良渚未来里: no policy yet, for the developer to start one.
- 良渚未来里二期 (PERMIT_LIANGZHU_2): a co-insurance (lead 60%, followers 25% and 15%) put to
  the lead insurer, who is to quote; each follower is to confirm its share (Art. 8), as the
  followers of 云栖安置房 did before its issue.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from idi.core import clock
from idi.parties import demo as parties_demo
from idi.parties.selectors import actor_for_user
from idi.projects import demo as projects_demo
from idi.projects.models import ConstructionPermit
from idi.rules import add_months
from idi.underwriting import services
from idi.underwriting.models import AttachmentKind, Policy, ShareRole

XIXI_CONTRACT_PRICE = Decimal("123456789.00")
YUNQI_CONTRACT_PRICE = Decimal("86000000.00")
JIANGHUI_CONTRACT_PRICE = Decimal("268000000.00")
LIANGZHU_2_CONTRACT_PRICE = Decimal("152000000.00")


def _actor(organisation_name: str):
    member = parties_demo.organisation(organisation_name).members.order_by("id").first()
    return actor_for_user(member.user)


def _pdf(title: str) -> ContentFile:
    """A one-page PDF standing in for the insurer's document."""
    body = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return ContentFile(body, name=f"{title}.pdf")


def yunqi_start() -> date:
    """云栖安置房's construction starts on the first day of the previous month: whatever the
    demo's date, one whole month of its inspections lies behind it and one is running (R-R4)."""
    return add_months(clock.today().replace(day=1), -1)


def _insurer_id(name: str) -> int:
    return parties_demo.organisation(name).pk


def load(*, password: str) -> list[tuple[str, str]]:
    if Policy.objects.filter(permit__number=projects_demo.PERMIT_XIXI).exists():
        return []
    _xixi()
    _yunqi()
    _jianghui()
    _liangzhu_phase_two()
    services.sweep_policy_states()
    return []


def _terms(contract_price: Decimal, additional: dict[str, int]) -> services.Terms:
    return services.Terms(
        contract_price=contract_price, sum_insured=contract_price * 2, additional=additional
    )


def _answer(contract_price: Decimal, rate: Decimal) -> services.QuoteInput:
    premium = (contract_price * rate).quantize(Decimal("0.01"))
    return services.QuoteInput(
        rate=rate,
        # A little above the 15% floor (R-U7), in whole yuan.
        risk_management_fee=(premium * Decimal("0.16")).quantize(Decimal("1")),
        engineering_risk="高层住宅，框架剪力墙结构，地下室两层，基坑支护为主要风险",
        participants_quality="施工、监理单位资质等级满足要求，近三年无不良信用记录",
        risk_management_needs="地下室防水和外墙保温为检查重点，每月过程检查不少于两次",
        claims_history="该建设单位以往投保项目无重大理赔",
    )


def _asked(developer, permit_number: str, terms: services.Terms, shares) -> Policy:
    """Art. 9: the developer sets the terms and the insurers, and asks the lead for a quote."""
    permit = ConstructionPermit.objects.get(number=permit_number)
    policy = services.create_draft(actor=developer, permit=permit)
    services.set_terms(actor=developer, policy=policy, terms=terms)
    services.set_shares(actor=developer, policy=policy, shares=shares)
    services.request_quote(actor=developer, policy=policy)
    return Policy.objects.get(pk=policy.pk)


def _quoted(
    developer, lead, permit_number: str, terms: services.Terms, rate: Decimal, shares
) -> Policy:
    """Art. 9: the developer asks, the lead insurer quotes from the project's risk."""
    policy = _asked(developer, permit_number, terms, shares)
    services.give_quote(actor=lead, policy=policy, answer=_answer(terms.contract_price, rate))
    return Policy.objects.get(pk=policy.pk)


def _accepted(developer, lead, permit_number, terms, rate, shares) -> Policy:
    policy = _quoted(developer, lead, permit_number, terms, rate, shares)
    services.accept_quote(actor=developer, policy=policy)
    return Policy.objects.get(pk=policy.pk)


def _attach(insurer, policy: Policy) -> list:
    return [
        services.upload_attachment(actor=insurer, policy=policy, kind=kind, upload=_pdf(label))
        for kind, label in AttachmentKind.choices
    ]


def _ready(developer, insurer, policy: Policy, *, paid_on: date) -> Policy:
    for attachment in _attach(insurer, policy):
        services.confirm_attachment(actor=developer, attachment=attachment)
    services.set_claims_standards(
        actor=insurer,
        policy=policy,
        standard=services.ClaimsStandardInput(
            days_to_accept=1, days_to_survey=2, days_to_determine=7, days_to_repair=5
        ),
    )
    services.notify_participants(actor=developer, policy=policy)
    services.record_payment(
        actor=developer, policy=policy, amount=policy.premium, paid_on=paid_on, reference="DEMO"
    )
    return policy


def _xixi() -> None:
    developer = _actor(parties_demo.DEVELOPER_XIHU)
    lead = _actor(parties_demo.INSURER_LEAD)
    policy = _accepted(
        developer,
        lead,
        projects_demo.PERMIT_XIXI,
        _terms(XIXI_CONTRACT_PRICE, {"decoration": 2, "mep_installation": 5}),
        Decimal("0.015"),
        [services.ShareInput(_insurer_id(parties_demo.INSURER_LEAD), "lead", Decimal("1"))],
    )
    _ready(developer, lead, policy, paid_on=date(2024, 6, 18))
    services.issue_policy(actor=lead, policy=policy, issued_on=date(2024, 6, 20))
    contractor = _actor(parties_demo.CONTRACTOR)
    for notice in policy.participant_notices.filter(
        participant__organisation__members__user_id=contractor.user_id
    ):
        services.acknowledge_notice(actor=contractor, notice=notice)


def _yunqi() -> None:
    developer = _actor(parties_demo.DEVELOPER_XIHU)
    lead = _actor(parties_demo.INSURER_LEAD)
    policy = _accepted(
        developer,
        lead,
        projects_demo.PERMIT_YUNQI,
        _terms(YUNQI_CONTRACT_PRICE, {"decoration": 2, "hvac": 3}),
        Decimal("0.0143"),
        [
            services.ShareInput(_insurer_id(parties_demo.INSURER_LEAD), "lead", Decimal("0.5")),
            services.ShareInput(
                _insurer_id(parties_demo.INSURER_FOLLOWER_1), "follower", Decimal("0.3")
            ),
            services.ShareInput(
                _insurer_id(parties_demo.INSURER_FOLLOWER_2), "follower", Decimal("0.2")
            ),
        ],
    )
    issued_on = yunqi_start() - timedelta(days=21)
    _ready(developer, lead, policy, paid_on=issued_on - timedelta(days=2))
    _confirm_follower_shares(policy)
    services.issue_policy(actor=developer, policy=policy, issued_on=issued_on)


def _jianghui() -> None:
    developer = _actor(parties_demo.DEVELOPER_BINJIANG)
    weak = _actor(parties_demo.INSURER_WEAK_LEAD)
    policy = _quoted(
        developer,
        weak,
        projects_demo.PERMIT_JIANGHUI,
        _terms(JIANGHUI_CONTRACT_PRICE, {"decoration": 2}),
        # Mixed housing: the commercial floor (1.5%) applies to the whole permit.
        Decimal("0.015"),
        [services.ShareInput(_insurer_id(parties_demo.INSURER_WEAK_LEAD), "lead", Decimal("1"))],
    )
    _attach(weak, policy)


def _confirm_follower_shares(policy: Policy) -> None:
    """Art. 8: each co-insurer confirms its share under the co-insurance agreement."""
    for share in policy.shares.filter(role=ShareRole.FOLLOWER).select_related("insurer"):
        services.confirm_share(actor=_actor(share.insurer.name), share=share)


def _liangzhu_phase_two() -> None:
    """Asked, not yet quoted: the lead insurer is to quote, the followers to confirm."""
    _asked(
        _actor(parties_demo.DEVELOPER_YUHANG),
        projects_demo.PERMIT_LIANGZHU_2,
        _terms(LIANGZHU_2_CONTRACT_PRICE, {"decoration": 2, "mep_installation": 5}),
        [
            services.ShareInput(_insurer_id(parties_demo.INSURER_LEAD), "lead", Decimal("0.6")),
            services.ShareInput(
                _insurer_id(parties_demo.INSURER_FOLLOWER_1), "follower", Decimal("0.25")
            ),
            services.ShareInput(
                _insurer_id(parties_demo.INSURER_FOLLOWER_2), "follower", Decimal("0.15")
            ),
        ],
    )
