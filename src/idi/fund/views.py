"""The guarantee fund's pages: the overview with its charts (R-F6), a project's sub-ledger, the
fund's cases, the .xlsx export and the monthly report to the regulator. Views parse, call a
service or a selector, and show refusals on the form."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from idi.core import clock, formats
from idi.core.errors import RuleViolation
from idi.core.permissions import actor_from_request
from idi.core.spreadsheets import write_xlsx
from idi.core.views import add_refusal, form_page
from idi.fund import forms, selectors, services
from idi.fund.models import PRE_PERIOD_KINDS, CaseState
from idi.fund.services import preperiod
from idi.parties.models import Organisation, OrgType
from idi.projects.models import Participant
from idi.underwriting.models import PolicyShare
from idi.underwriting.views import login_required

PAGE_SIZE = 20
REFUSED = 400


def _previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


@login_required
def overview(request):
    actor = actor_from_request(request)
    today = clock.today()
    page = Paginator(selectors.fund_projects_visible_to(actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    figures = selectors.figures_of([p.pk for p in page])
    rows = [(project, figures[project.pk]) for project in page]
    flows = selectors.monthly_flows(actor, until=today)
    charts = {
        "months": [r.month for r in flows],
        "balance": [str(r.balance) for r in flows],
        "inflows": [str(r.inflows) for r in flows],
        "outflows": [str(r.outflows) for r in flows],
        "projects": [p.name for p, _ in rows],
        "used": [str(f.repairs) for _, f in rows],
        "cap": [str(f.cap) for _, f in rows],
        "due": [str(f.replenishment_due) for _, f in rows],
        "labels": {
            "balance": _("基金余额"),
            "inflows": _("流入"),
            "outflows": _("流出"),
            "used": _("已用先行维修"),
            "cap": _("上限（3 倍计提）"),
            "due": _("待补足"),
        },
    }
    last_month = _previous_month(today)
    return render(
        request,
        "fund/overview.html",
        {
            "page_obj": page,
            "rows": rows,
            "charts": charts,
            "general": selectors.general_balance() if selectors.sees_whole_fund(actor) else None,
            "outstanding": selectors.outstanding_replenishments(actor).select_related("project")[
                :20
            ],
            "today": today,
            "report_month": last_month,
            "this_month": today.replace(day=1),
            "is_institution": preperiod.is_institution(actor),
        },
    )


@login_required
def project_detail(request, pk: int):
    actor = actor_from_request(request)
    project = selectors.get_fund_project(actor=actor, pk=pk)
    entries = Paginator(selectors.entries_visible_to(actor, project=project), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "fund/project_detail.html",
        {
            "project": project,
            "figures": selectors.project_figures(project),
            "entries": entries,
            "cases": selectors.cases_visible_to(actor).filter(project=project)[:50],
            # The institution's fund managers and admins (and the operator): those the services
            # let move the fund, so that no button leads to a refusal.
            "is_institution": preperiod.is_institution(actor),
        },
    )


def _lead_insurers(project):
    return Organisation.objects.filter(
        pk__in=PolicyShare.objects.filter(role="lead", policy__permit__project=project).values(
            "insurer_id"
        )
    )


@login_required
def contribution(request, pk: int):
    actor = actor_from_request(request)
    project = selectors.get_fund_project(actor=actor, pk=pk)
    services.require_institution(actor, zh="登记计提到账", en="record a contribution received")
    form = forms.ContributionForm(
        _posted(request)[0],
        insurers=_lead_insurers(project),
        initial={"received_on": clock.today()},
    )

    def run(data):
        services.record_contribution_received(actor=actor, project=project, **data)
        return reverse("fund:project", args=[project.pk])

    return form_page(
        request,
        form=form,
        title=_("登记计提到账：%(name)s") % {"name": project.name},
        run=run,
        done=_("已登记计提到账"),
        back_url=reverse("fund:project", args=[project.pk]),
        error_status=REFUSED,
    )


@login_required
def replenishment(request, pk: int):
    actor = actor_from_request(request)
    project = selectors.get_fund_project(actor=actor, pk=pk)
    services.require_institution(actor, zh="登记补足到账", en="record a replenishment")
    form = forms.ReplenishmentForm(_posted(request)[0], initial={"received_on": clock.today()})

    def run(data):
        services.record_replenishment(actor=actor, project=project, **data)
        return reverse("fund:project", args=[project.pk])

    return form_page(
        request,
        form=form,
        title=_("登记建设单位补足：%(name)s") % {"name": project.name},
        run=run,
        done=_("已登记补足到账"),
        back_url=reverse("fund:project", args=[project.pk]),
        error_status=REFUSED,
    )


@login_required
def case_open(request, pk: int):
    actor = actor_from_request(request)
    project = selectors.get_fund_project(actor=actor, pk=pk)
    services.require_institution(actor, zh="受理基金使用", en="open a fund case")
    form = forms.CaseForm(
        _posted(request)[0],
        buildings=project.buildings.all(),
        categories=selectors.category_choices(),
    )

    def run(data):
        case = services.open_case(actor=actor, **data)
        return reverse("fund:case", args=[case.pk])

    return form_page(
        request,
        form=form,
        title=_("受理基金使用：%(name)s") % {"name": project.name},
        run=run,
        done=_("已受理"),
        back_url=reverse("fund:project", args=[project.pk]),
        error_status=REFUSED,
    )


@login_required
def transfer(request):
    """R-F6: the institution moves money between sub-accounts (统筹); a project's page opens it
    with that project as the source."""
    actor = actor_from_request(request)
    services.require_institution(actor, zh="调拨资金", en="transfer between sub-accounts")
    projects = selectors.fund_projects_visible_to(actor)
    form = forms.TransferForm(
        _posted(request)[0],
        projects=projects,
        balances=selectors.sub_account_balances([p.pk for p in projects]),
        general=selectors.general_balance(),
        initial={"booked_on": clock.today(), "source": request.GET.get("source")},
    )

    def run(data):
        services.transfer(actor=actor, **data)
        return reverse("fund:overview")

    return form_page(
        request,
        form=form,
        title=_("子账户调拨"),
        run=run,
        done=_("已调拨"),
        back_url=reverse("fund:overview"),
        context={
            "intro": _(
                "在项目子账户与一般子账户（统筹）之间调拨资金；调出后余额不得低于零（R-F6）。"
            )
        },
        error_status=REFUSED,
    )


@login_required
def entry_reverse(request, pk: int):
    """R-F6: an entry is corrected by a reversing entry, never edited; a confirmation step."""
    actor = actor_from_request(request)
    entry = selectors.get_entry(actor=actor, pk=pk)
    services.require_institution(actor, zh="冲正分录", en="reverse an entry")
    project_id = entry.debit.project_id or entry.credit.project_id
    back_url = (
        reverse("fund:project", args=[project_id]) if project_id else reverse("fund:overview")
    )
    form = forms.ReversalForm(_posted(request)[0])

    def run(data):
        services.reverse_entry(actor=actor, entry=entry, reason=data["reason"])
        return back_url

    intro = _(
        "以反向分录冲正分录 #%(pk)s（%(kind)s，%(amount)s，%(day)s）；原分录保留不变（R-F6）。"
    ) % {
        "pk": entry.pk,
        "kind": entry.get_kind_display(),
        "amount": formats.money(entry.amount, get_language()),
        "day": formats.day(entry.booked_on, get_language()),
    }
    return form_page(
        request,
        form=form,
        title=_("冲正分录 #%(pk)s") % {"pk": entry.pk},
        run=run,
        done=_("已冲正"),
        back_url=back_url,
        context={"intro": intro, "submit_label": _("确认冲正"), "danger": True},
        error_status=REFUSED,
    )


def _case(request, pk: int):
    actor = actor_from_request(request)
    return actor, selectors.get_case(actor=actor, pk=pk)


@login_required
def case_detail(request, pk: int):
    actor, case = _case(request, pk)
    is_developer = (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == case.project.developer_id
    )
    return render(
        request,
        "fund/case_detail.html",
        {
            "case": case,
            "evidence": case.evidence.all(),
            "is_institution": preperiod.is_institution(actor),
            "may_deduct": is_developer
            and case.kind in PRE_PERIOD_KINDS
            and case.state == CaseState.PAID
            and case.quality_deposit_deduction is None,
        },
    )


def _posted(request):
    """A form's data: bound on POST (even an empty one), unbound on GET."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _contractors(case) -> dict:
    return {
        "contractors": Organisation.objects.filter(
            pk__in=Participant.objects.filter(project_id=case.project_id, role="contractor").values(
                "organisation_id"
            )
        )
    }


@dataclass(frozen=True)
class CaseForm:
    """One form on a fund case: what it asks, who may submit it (the service's own check, run
    before the form is shown: a form page is never served to someone who may not submit it),
    what it calls, what it says when done."""

    form_class: type
    title: str  # lazy: translated when the page renders, in the reader's language
    done: str
    guard: Callable[..., None]
    act: Callable[..., object]
    form_kwargs: Callable[..., dict] = lambda case: {}


def _institution(zh: str, en: str) -> Callable[..., None]:
    return lambda actor, case: services.require_institution(actor, zh=zh, en=en)


CASE_FORMS = {
    "decide": CaseForm(
        forms.DecisionForm,
        gettext_lazy("审核基金使用"),
        gettext_lazy("已审核"),
        _institution("审核基金使用", "decide a fund case"),
        lambda actor, case, data: services.decide_case(actor=actor, case=case, **data),
    ),
    "pay": CaseForm(
        forms.PaymentForm,
        gettext_lazy("支付基金款项"),
        gettext_lazy("已支付"),
        _institution("支付基金款项", "pay a fund case"),
        lambda actor, case, data: services.pay_case(actor=actor, case=case, **data),
    ),
    "evidence": CaseForm(
        forms.EvidenceForm,
        gettext_lazy("上传证据"),
        gettext_lazy("已上传"),
        _institution("上传证据", "add evidence"),
        lambda actor, case, data: services.add_evidence(
            actor=actor, case=case, upload=data["file"]
        ),
    ),
    "deduction": CaseForm(
        forms.DeductionForm,
        gettext_lazy("登记从施工单位质量保证金扣除"),
        gettext_lazy("已登记"),
        services.may_record_deposit_deduction,
        lambda actor, case, data: services.record_deposit_deduction(
            actor=actor, case=case, contractor_id=data["contractor"].pk, amount=data["amount"]
        ),
        _contractors,
    ),
}


@login_required
def case_form(request, pk: int, action: str):
    """The case's forms (CASE_FORMS): decide, pay, add evidence, record a deduction."""
    spec = CASE_FORMS[action]
    actor, case = _case(request, pk)
    spec.guard(actor, case)
    form = spec.form_class(*_posted(request), **spec.form_kwargs(case))

    def run(data):
        spec.act(actor, case, data)
        return reverse("fund:case", args=[case.pk])

    return form_page(
        request,
        form=form,
        title=spec.title,
        run=run,
        done=spec.done,
        back_url=reverse("fund:case", args=[case.pk]),
        error_status=REFUSED,
    )


EXPORT_HEADER = [
    "项目 / project",
    "区县 / district",
    "建设单位 / developer",
    "计提 / contributed",
    "到账 / received",
    "支出 / withdrawn",
    "补足 / replenished",
    "余额 / balance",
    "上限 / cap",
    "上限剩余 / cap remaining",
    "待补足 / replenishment due",
]


@login_required
def export_xlsx(request):
    """R-F6: every project the actor may see with its sub-ledger figures, as .xlsx."""
    actor = actor_from_request(request)
    projects = list(selectors.fund_projects_visible_to(actor))
    figures = selectors.figures_of([p.pk for p in projects])
    rows = (
        [
            p.name,
            p.get_district_display(),
            p.developer.name,
            *(
                getattr(figures[p.pk], name)
                for name in (
                    "contributed",
                    "received",
                    "withdrawn",
                    "replenished",
                    "balance",
                    "cap",
                    "cap_remaining",
                    "replenishment_due",
                )
            ),
        ]
        for p in projects
    )
    body = write_xlsx("保障基金 fund", EXPORT_HEADER, rows)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="fund-{clock.today()}.xlsx"'
    return response


@login_required
def monthly_report(request, year: int, month: int):
    actor = actor_from_request(request)
    try:
        first = date(year, month, 1)
    except ValueError:
        raise Http404("month") from None
    report = selectors.monthly_report(actor, month=first)
    return render(
        request,
        "fund/monthly_report.html",
        {"report": report, "generated_on": clock.today(), "previous": _previous_month(first)},
    )


def _request_forms(actor, request_row, bound=None):
    """The body actions the actor is expected to take on the request now, each with its form."""
    claim = request_row.claim
    spec_by_name = {a.name: a for a in preperiod.PRE_PERIOD_TRACK.actions}
    out = []
    for name, form_class in forms.REQUEST_FORMS.items():
        spec = spec_by_name[name]
        if claim.status in spec.statuses and spec.may(actor, claim):
            form = bound if bound is not None and bound[0] == name else None
            out.append((spec, form[1] if form else form_class(prefix=name)))
    return out


def _request_page(request, actor, request_row, *, bound=None, status=200):
    return render(
        request,
        "fund/request_detail.html",
        {
            "req": request_row,
            "claim": request_row.claim,
            "forms": _request_forms(actor, request_row, bound),
            "today": clock.today(),
        },
        status=status,
    )


@login_required
def request_list(request):
    actor = actor_from_request(request)
    page = Paginator(selectors.requests_visible_to(actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "fund/request_list.html", {"page_obj": page})


@login_required
def request_detail(request, pk: int):
    actor = actor_from_request(request)
    return _request_page(request, actor, selectors.get_request(actor=actor, claim_pk=pk))


@login_required
def request_act(request, pk: int, action: str):
    actor = actor_from_request(request)
    row = selectors.get_request(actor=actor, claim_pk=pk)
    form_class = forms.REQUEST_FORMS.get(action)
    if form_class is None or request.method != "POST":
        raise Http404(action)
    spec = next(a for a in preperiod.PRE_PERIOD_TRACK.actions if a.name == action)
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        try:
            assert spec.body is not None
            spec.run(actor=actor, claim=row.claim, data=spec.body(**form.cleaned_data))
        except RuleViolation as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("已办理"))
            return redirect("fund:request", pk=pk)
    row = selectors.get_request(actor=actor, claim_pk=pk)
    return _request_page(request, actor, row, bound=(action, form), status=REFUSED)
