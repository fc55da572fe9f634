from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from idi.core.errors import RuleViolation
from idi.core.permissions import actor_from_request
from idi.core.refusals import refusal_html
from idi.public.forms import CoverageCheckForm
from idi.public.selectors import (
    CoverageDefaults,
    coverage_assessment,
    coverage_defaults,
    owner_time_limits,
)

# What each status of RULES.md R-C5 means for the owner, and whom to contact.
STATUS_TEXT = {
    "not_completed": (
        _("尚未竣工验收"),
        _("施工阶段的质量问题由建设单位负责整改，风险管理机构在施工期间检查。请联系建设单位。"),
    ),
    "developer_warranty": (
        _("建设单位保修期（保险期间开始前）"),
        _("请联系建设单位维修。建设单位及责任单位均无法维修的，可由保障基金代为维修。"),
    ),
    "insured": (
        _("在保险期间内"),
        _(
            "请向主承保保险公司报案索赔（联系方式见《保险告知书》）。保险公司应在收到索赔后"
            " %(determination_days)s 日内核定，情形复杂的 %(complex_days)s 日内核定。"
        ),
    ),
    "fund_structural": (
        _("保障基金赔付期"),
        _("主体结构坍塌或人员伤亡，可申请工程质量风险保障基金赔付。请联系主承保保险公司。"),
    ),
    "expired": (
        _("已超过保险期间"),
        _("该类别的保险期间已结束，本保险不再承担。"),
    ),
    "not_covered": (
        _("不属于保险范围"),
        _("隐蔽工程仅对全装修住宅承保；所选项目不在本保单范围内。"),
    ),
}
INSURER_CHANNEL_TEXT = _(
    "房屋交付已满 %(channel_months)s 个月：也可向主承保保险公司提出维修主张，保险公司当日告知"
    "建设单位，建设单位应在 %(site_visit_days)s 日内派员现场查看；%(fund_months)s 个月内未商定"
    "维修方案并启动维修的，可书面申请保障基金先行维修。"
)


def home(request):
    return render(request, "public/home.html")


def _own_home(request, unit_id: str) -> CoverageDefaults | None:
    """The signed-in owner's unit asked for by `?unit=`, or None (anyone else's is ignored)."""
    if not unit_id.isdigit():
        return None
    return coverage_defaults(actor=actor_from_request(request), unit_id=int(unit_id))


def coverage_check(request):
    """保障查询: an owner asks what covers a defect and whom to call."""
    query = request.GET.copy()
    home = _own_home(request, query.pop("unit", [""])[-1])
    if home is not None and not query:
        # From the owner's homes page: the unit's dates are filled in, nothing asked yet.
        form = CoverageCheckForm(initial=home.initial)
    else:
        home = None
        form = CoverageCheckForm(query or None)
    answer = None
    if form.is_bound and form.is_valid():
        try:
            answer = coverage_assessment(params=form.query_params())
        except RuleViolation as exc:
            form.add_error(exc.field if exc.field in form.fields else None, refusal_html(exc))
    context = {"form": form, "answer": answer, "home": home}
    if answer:
        limits = owner_time_limits()
        label, advice = STATUS_TEXT[answer["status"]]
        context["status_label"] = label
        context["status_advice"] = str(advice) % limits
        context["insurer_channel_text"] = str(INSURER_CHANNEL_TEXT) % limits
    return render(request, "public/coverage_check.html", context)
