"""The page of each rule: its text from the rulebook and, per rule pack, the numbers it uses."""

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from idi.core import formats
from idi.core.rulebook import get_rulebook
from idi.rules.text import blocks, parameter_value, rule_text, rule_texts

# What each pack parameter is, in both languages, and how its value reads.
PARAMETERS = {
    "coverage.categories": (_("各类别保险期间"), "categories"),
    "coverage.start_offset_years": (_("保险期间起算：竣工验收合格后"), "years"),
    "coverage.fund_structural.horizon_years": (_("保障基金赔付期：竣工验收后"), "years"),
    "coverage.insurer_channel.delivery_offset_months": (
        _("交付后由主承保公司受理维修诉求"),
        "months",
    ),
    "underwriting.rate_floors": (_("费率下限"), "floors"),
    "underwriting.min_risk_management_fee_ratio": (_("风险管理费占保费的最低比例"), "percent"),
    "underwriting.coinsurance.min_followers": (_("从保公司最少家数"), "count"),
    "underwriting.coinsurance.min_lead_share": (_("主承保公司最低份额"), "percent"),
    "underwriting.lead_qualification.min_registered_capital": (
        _("主承保公司注册资本不低于"),
        "money",
    ),
    "underwriting.lead_qualification.min_solvency_ratio": (_("偿付能力充足率不低于"), "percent"),
    "underwriting.lead_qualification.solvency_years": (_("偿付能力考察年数"), "years"),
    "fund.contribution_rate": (_("保障基金计提比例（占签约合同价）"), "percent"),
    "fund.repair_cap_multiple": (_("保障基金维修上限（项目计提额的倍数）"), "multiple"),
    "deadlines.claim_determination.count": (_("索赔核定时限"), "days"),
    "deadlines.claim_determination_complex.count": (_("复杂索赔核定时限"), "days"),
    "deadlines.claim_performance.count": (_("达成协议后维修或赔偿时限"), "days"),
    "deadlines.denial_notice.count": (_("拒赔通知时限"), "days"),
    "deadlines.appraisal_confirmation.count": (_("鉴定后书面确认时限"), "days"),
    "deadlines.developer_site_visit.count": (_("建设单位派员现场查看时限"), "days"),
    "deadlines.repair_warranty.count": (_("维修质保期"), "days"),
    "deadlines.fund_application_opens.count": (_("未启动维修可申请基金先行维修"), "months"),
}
UNITS = {
    "years": (_("%(n)s 年"), "%(n)s years"),
    "months": (_("%(n)s 个月"), "%(n)s months"),
    "days": (_("%(n)s 日"), "%(n)s days"),
}
HOUSING = {"affordable": _("保障房"), "commercial": _("商品房")}


@dataclass(frozen=True)
class ParameterLine:
    label: str
    value: str


def _value(kind: str, value, pack) -> str:
    language = translation.get_language()
    if kind == "percent":
        return formats.percent(Decimal(value))
    if kind == "money":
        return formats.money(Decimal(value), language)
    if kind in UNITS:
        return str(UNITS[kind][0]) % {"n": value}
    if kind == "multiple":
        return f"{value} ×"
    if kind == "floors":
        return "；".join(
            f"{HOUSING.get(key, key)} {formats.percent(Decimal(rate))}"
            for key, rate in value.items()
        )
    if kind == "categories":
        english = formats.is_english(language)
        parts = []
        for spec in value.values():
            label = spec.label_en if english else spec.label_zh
            years = spec.years or spec.min_years
            amount = str(UNITS["years"][0]) % {"n": years}
            parts.append(f"{label} {'≥ ' if spec.min_years else ''}{amount}")
        return "；".join(parts)
    return str(value)


def rule_page(request, rule_id: str):
    rule = rule_text(rule_id)
    if rule is None:
        raise Http404(rule_id)
    packs = []
    for pack in sorted(get_rulebook().packs, key=lambda p: p.permits_from):
        lines = [
            ParameterLine(
                str(PARAMETERS[path][0]),
                _value(PARAMETERS[path][1], parameter_value(pack, path), pack),
            )
            for path in rule.params
            if path in PARAMETERS
        ]
        packs.append({"pack": pack, "lines": lines})
    return render(
        request,
        "public/rule.html",
        {"rule": rule, "blocks": blocks(rule.text), "packs": packs},
    )


def rule_index(request):
    return render(request, "public/rule_index.html", {"rules": list(rule_texts().values())})
