"""The rulebook over HTTP: the same questions and the same JSON as `idi rules`."""

from datetime import date

from django.utils.translation import get_language
from ninja import Query, Router, Schema

from idi.core.rulebook import get_rulebook
from idi.public.schemas import (
    AssessIn,
    AssessOut,
    CoinsuranceIn,
    CoinsuranceOut,
    DeadlineKind,
    PacksOut,
    PremiumIn,
    PremiumOut,
    RuleDeadlineOut,
    RuleWindowOut,
    WindowIn,
)
from idi.rules.queries import run_query

router = Router()


def _params(schema: Schema) -> dict:
    """The query as `run_query` takes it: ISO dates and decimal strings, absent keys left out."""
    return schema.model_dump(mode="json", exclude_none=True)


@router.get("/packs", response=PacksOut, summary="规则包 / rule packs")
def packs(request):
    return run_query(get_rulebook(), "packs", {})


@router.get("/window", response=RuleWindowOut, summary="保险期间 / coverage window")
def window(request, query: Query[WindowIn]):
    return run_query(get_rulebook(), "window", _params(query))


@router.get("/assess", response=AssessOut, summary="保障判定 / coverage assessment")
def assess(request, query: Query[AssessIn]):
    return run_query(get_rulebook(), "assess", _params(query))


@router.get(
    "/deadline", response=RuleDeadlineOut, by_alias=True, summary="法定期限 / legal deadline"
)
def deadline(
    request,
    kind: DeadlineKind,
    from_: date = Query(..., alias="from"),
    pack: str | None = Query(None, max_length=64),
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
    return run_query(get_rulebook(), "coinsurance", _params(body), language=get_language())
