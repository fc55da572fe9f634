"""The rulebook over HTTP: the same questions and the same JSON as `idi rules`."""

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema

from idi.core.rulebook import get_rulebook
from idi.rules.queries import run_query

router = Router()

Category = Literal[
    "foundation_structure", "insulation", "waterproofing", "concealed_works", "additional"
]
DeadlineKind = Literal[
    "claim_determination",
    "claim_determination_complex",
    "claim_performance",
    "denial_notice",
    "appraisal_confirmation",
    "developer_notification",
    "developer_site_visit",
    "repair_warranty",
    "fund_application_opens",
]


class PackOut(Schema):
    id: str
    jurisdiction: str
    permits_from: date
    permits_to: date


class PacksOut(Schema):
    packs: list[PackOut]


class WindowIn(Schema):
    pack: str | None = None
    category: Category
    completion: date
    additional_years: int | None = None


class WindowOut(Schema):
    category: str
    start: date
    end: date


class Span(Schema):
    start: date
    end: date


class AssessIn(Schema):
    pack: str | None = None
    category: Category
    completion: date
    on: date
    delivery: date | None = None
    fully_decorated: bool = True
    additional_years: int | None = None
    event: Literal["collapse", "casualty", "other"] = "other"


class AssessOut(Schema):
    status: str
    window: Span | None
    fund_fallback: bool
    insurer_channel: bool


class DeadlineOut(Schema):
    kind: str
    from_: date = Field(alias="from")
    due: date
    moved_from: date | None
    provisional: bool


class PremiumIn(Schema):
    pack: str | None = None
    contract_price: Decimal
    housing: Literal["affordable", "commercial"]
    rate: Decimal


class PremiumOut(Schema):
    premium: str
    fund_contribution: str
    min_risk_management_fee: str
    rate_floor: str


class ShareIn(Schema):
    role: Literal["lead", "follower"]
    insurer: str
    fraction: Decimal


class CoinsuranceIn(Schema):
    pack: str | None = None
    shares: list[ShareIn]


class ViolationOut(Schema):
    rule: str
    severity: str
    message: str


class CoinsuranceOut(Schema):
    valid: bool
    violations: list[ViolationOut]


def _params(schema: Schema) -> dict:
    """The query as `run_query` takes it: ISO dates and decimal strings, absent keys left out."""
    return schema.model_dump(mode="json", exclude_none=True)


@router.get("/packs", response=PacksOut, summary="规则包 / rule packs")
def packs(request):
    return run_query(get_rulebook(), "packs", {})


@router.get("/window", response=WindowOut, summary="保险期间 / coverage window")
def window(request, query: Query[WindowIn]):
    return run_query(get_rulebook(), "window", _params(query))


@router.get("/assess", response=AssessOut, summary="保障判定 / coverage assessment")
def assess(request, query: Query[AssessIn]):
    return run_query(get_rulebook(), "assess", _params(query))


@router.get("/deadline", response=DeadlineOut, by_alias=True, summary="法定期限 / legal deadline")
def deadline(
    request,
    kind: DeadlineKind,
    from_: date = Query(..., alias="from"),
    pack: str | None = None,
):
    params = {"kind": kind, "from": from_.isoformat()}
    if pack:
        params["pack"] = pack
    return run_query(get_rulebook(), "deadline", params)


@router.get("/premium", response=PremiumOut, summary="保费与保障基金 / premium and fund")
def premium(request, query: Query[PremiumIn]):
    return run_query(get_rulebook(), "premium", _params(query))


@router.post("/coinsurance", response=CoinsuranceOut, summary="共保份额校验 / co-insurance")
def coinsurance(request, body: CoinsuranceIn):
    return run_query(get_rulebook(), "coinsurance", _params(body))
