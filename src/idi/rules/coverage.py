"""Coverage windows and the assessment of an event (R-C1..R-C5).

R-T3 never applies here: a coverage window is not a deadline to act, so a window that ends on a
holiday ends on that holiday.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from .codes import Code
from .dates import ONE_DAY, add_months, add_years
from .errors import RuleViolation
from .results import Assessment, Window
from .schema import CategorySpec, RulePack

__all__ = ["assess", "category_spec", "window"]


def category_spec(pack: RulePack, category: str) -> CategorySpec:
    spec = pack.coverage.categories.get(category)
    if spec is None:
        known = ", ".join(pack.coverage.categories)
        raise RuleViolation(
            rule="R-C1",
            field="category",
            code=Code.UNKNOWN,
            message=f"未知的保险责任类别“{category}”，应为：{known}",
            message_en=f"unknown category '{category}'; expected one of: {known}",
        )
    return spec


def _years(spec: CategorySpec, additional_years: int | None) -> int:
    """The category's period. A fixed-period category ignores `additional_years`."""
    if spec.years is not None:
        return spec.years
    minimum = spec.min_years or 0
    if additional_years is None or additional_years < minimum:
        got = str(additional_years)
        raise RuleViolation(
            rule="R-C1",
            field="additional_years",
            code=Code.BELOW_FLOOR,
            message=f"附加险保险期限由保险合同约定且不得低于 {minimum} 年"
            f"（当前：{'未填写' if additional_years is None else got}）",
            message_en=f"the additional cover period is set by the policy and must be at least "
            f"{minimum} years (got: {'missing' if additional_years is None else got})",
        )
    return additional_years


def window(
    pack: RulePack, category: str, completion: date, additional_years: int | None = None
) -> Window:
    """R-C2/R-C3: [completion + 2 years, start + N years − 1 day], both inclusive.

    `additional_years` is the policy's period for the `additional` category (R-C1, at least the
    pack's minimum); categories with a fixed period ignore it.
    """
    spec = category_spec(pack, category)
    years = _years(spec, additional_years)
    start = add_years(completion, pack.coverage.start_offset_years)
    return Window(category, start, add_years(start, years) - ONE_DAY)


def _check_event(pack: RulePack, event: str) -> None:
    if event not in pack.coverage.events:
        known = ", ".join(pack.coverage.events)
        raise RuleViolation(
            rule="R-C5",
            field="event",
            code=Code.UNKNOWN,
            message=f"未知的事件类型“{event}”，应为：{known}",
            message_en=f"unknown event '{event}'; expected one of: {known}",
        )


def _check_sub_item(
    spec: CategorySpec, sub_item: str | None, included_sub_items: Collection[str] | None
) -> bool:
    """True when the sub-item is covered; refuses sub-items the category does not have."""
    names = [sub_item] if sub_item is not None else []
    names += list(included_sub_items or ())
    for name in names:
        if name not in spec.sub_items:
            known = ", ".join(spec.sub_items)
            field = "sub_item" if name == sub_item else "included_sub_items"
            raise RuleViolation(
                rule="R-C1",
                field=field,
                code=Code.UNKNOWN,
                message=f"该类别没有分项“{name}”，可选：{known or '无'}",
                message_en=f"the category has no sub-item '{name}'; expected one of: "
                f"{known or 'none'}",
            )
    return sub_item is None or included_sub_items is None or sub_item in included_sub_items


def assess(
    pack: RulePack,
    category: str,
    completion: date,
    on: date,
    delivery: date | None = None,
    fully_decorated: bool = True,
    additional_years: int | None = None,
    event: str | None = None,
    sub_item: str | None = None,
    included_sub_items: Collection[str] | None = None,
) -> Assessment:
    """R-C5: exactly one status for an event in `category` on `on`.

    `event` defaults to the pack's default event ("other"). For the `additional` category,
    `sub_item` with `included_sub_items` (the policy's sub-items) gives `not_covered` when the
    policy does not include it. `delivery` is the handover to owners; it enables the insurer
    complaint channel from delivery + 3 months (R-F2) during the developer's warranty.
    """
    spec = category_spec(pack, category)
    if event is None:
        event = pack.coverage.default_event
    _check_event(pack, event)
    if delivery is not None and delivery < completion:
        raise RuleViolation(
            rule="R-C5",
            field="delivery",
            code=Code.OUT_OF_ORDER,
            message=f"交付日期 {delivery} 早于竣工验收日期 {completion}",
            message_en=f"delivery {delivery} is before completion acceptance {completion}",
        )
    covered_sub_item = _check_sub_item(spec, sub_item, included_sub_items)
    # R-C4 (and an additional sub-item outside the policy) take precedence over every date test.
    if (spec.fully_decorated_only and not fully_decorated) or not covered_sub_item:
        return Assessment("not_covered", None, fund_fallback=False, insurer_channel=False)

    w = window(pack, category, completion, additional_years)
    if on < completion:
        return Assessment("not_completed", w, fund_fallback=False, insurer_channel=False)
    if on < w.start:
        # R-F4: the fund backs the developer's warranty; R-F2: insurer takes complaints.
        channel = delivery is not None and on >= add_months(
            delivery, pack.coverage.insurer_channel.delivery_offset_months
        )
        return Assessment("developer_warranty", w, fund_fallback=True, insurer_channel=channel)
    if on <= w.end:
        return Assessment("insured", w, fund_fallback=False, insurer_channel=False)
    fs = pack.coverage.fund_structural
    if (
        category in fs.categories
        and event in fs.events
        and on <= add_years(completion, fs.horizon_years)
    ):
        return Assessment("fund_structural", w, fund_fallback=False, insurer_channel=False)
    return Assessment("expired", w, fund_fallback=False, insurer_channel=False)
