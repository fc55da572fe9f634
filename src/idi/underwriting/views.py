"""The underwriting pages: a developer's quote → issue flow, an insurer's policies, an owner's
homes. Views parse, call a service or a selector, and show refusals on the form."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required as django_login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from idi.core import clock
from idi.core.errors import Forbidden, NotFound, RuleViolation
from idi.core.permissions import Actor, actor_from_request
from idi.core.registry import Column
from idi.core.rulebook import (
    is_insurable_permit_date,
    permit_ranges_text,
    uninsurable_permit_text,
)
from idi.core.views import add_refusal, form_page
from idi.core.workspace import tasks_for
from idi.parties.models import Organisation, OrgType
from idi.projects.models import ConstructionPermit, Project
from idi.projects.selectors import get_unit
from idi.underwriting import selectors, services
from idi.underwriting.forms import (
    ActionForm,
    AttachmentForm,
    CancelForm,
    ChangeRequestForm,
    ClaimsStandardForm,
    ConsentForm,
    CreatePolicyForm,
    DepositForm,
    IssueForm,
    PaymentForm,
    QuoteForm,
    RegulatorReportForm,
    RequestQuoteForm,
    SharesForm,
    TermsForm,
)
from idi.underwriting.models import (
    AttachmentKind,
    ChangeKind,
    ChangeState,
    PolicyState,
    ShareRole,
)
from idi.underwriting.services import guards
from idi.underwriting.transitions import EDITABLE_STATES, LIVE_STATES

PAGE_SIZE = 20
REFUSED = 400


def login_required(view):
    """Log-in required; a hidden object is a 404 and a refused permission a 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.what) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message_for(get_language())) from exc

    return django_login_required(wrapped)


def _posted(request, *, files: bool = False):
    """A form's data: bound on POST (even an empty one), unbound on GET."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def _policy(request, pk: int):
    """The actor and the policy, or NotFound for one the actor may not know exists."""
    actor = actor_from_request(request)
    return actor, selectors.get_policy(actor=actor, pk=pk)


def _detail_url(policy) -> str:
    return reverse("underwriting:detail", args=[policy.pk])


def _on_policy(policy) -> dict:
    """What a page about one policy shows above its title: a link back to the policy."""
    return {"up_url": _detail_url(policy), "up_label": policy.number}


def _policy_form(request, policy, *, act: Callable[[dict], object], context=None, **page):
    """`form_page` for a form about one policy; `page` holds form_page's other arguments.
    `act` calls the service with the cleaned data, then the policy page shows the message. The
    button says 保存 unless `context` names another; a page with errors answers 400."""

    def run(data: dict) -> str:
        act(data)
        return _detail_url(policy)

    context = {**_on_policy(policy), "submit_label": _("保存"), **(context or {})}
    return form_page(request, run=run, context=context, error_status=REFUSED, **page)


@login_required
def policy_list(request):
    actor = actor_from_request(request)
    q = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    policies = selectors.search_policies(
        actor=actor, q=q, state=state if state in PolicyState.values else ""
    )
    policies = selectors.with_my_share(actor, policies)
    page = Paginator(policies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "underwriting/policy_list.html",
        {
            "page_obj": page,
            "q": q,
            "state": state,
            "states": PolicyState.choices,
            "is_insurer": actor.organisation_type == OrgType.INSURER,
            "can_create": selectors.may_create_policies(actor),
        },
    )


@login_required
def policy_create(request):
    actor = actor_from_request(request)
    if not selectors.may_create_policies(actor):
        raise Forbidden("仅建设单位可投保", "only a developer insures its projects")
    permits = selectors.permits_open_for_policy(actor)
    # The project page's 投保 button names its permit; an unknown one just selects nothing.
    form = CreatePolicyForm(
        _posted(request), permits=permits, initial={"permit": request.GET.get("permit")}
    )
    asked = permits.filter(pk=request.GET["permit"]).first() if _is_id(request) else None

    def run(data: dict) -> str:
        return _detail_url(services.create_draft(actor=actor, permit=data["permit"]))

    return form_page(
        request,
        form=form,
        title=_("新建投保"),
        run=run,
        done=_("已创建投保草稿"),
        context={
            "submit_label": _("创建草稿"),
            # R-U1: which permits can be insured, and why the one asked for cannot.
            "intro": uninsurable_permit_text(asked.applied_on)
            if asked and not is_insurable_permit_date(asked.applied_on)
            else _("可投保的施工许可证申领日期：%(ranges)s") % {"ranges": permit_ranges_text()},
        },
        error_status=REFUSED,
    )


def _is_id(request) -> bool:
    return request.GET.get("permit", "").isdigit()


def _detail_context(request, actor, policy, *, action_form=None, issue_form=None) -> dict:
    is_developer = selectors.is_developer_of(actor, policy)
    my_share = selectors.share_of(actor, policy)
    # What the actor may do as an insurer: only through an underwriting role.
    underwriting_share = selectors.underwriting_share_of(actor, policy)
    is_lead = underwriting_share is not None and underwriting_share.role == "lead"
    sees_contract = selectors.sees_policy_dealings(actor, policy)
    current = selectors.current_attachments(policy)
    fully_decorated = policy.permit.buildings.filter(fully_decorated=True).exists()
    editable = policy.state in EDITABLE_STATES
    live = policy.state in LIVE_STATES
    open_change = selectors.open_change_request(policy)
    return {
        "policy": policy,
        "pack": selectors.pack_of(policy),
        "is_developer": is_developer,
        "my_share": my_share,
        "is_lead": is_lead,
        "may_upload": underwriting_share is not None,
        "may_issue": is_developer or is_lead,
        "sees_contract": sees_contract,
        "editable": editable,
        "shares": selectors.shares_of(policy),
        "share_to_confirm": selectors.share_to_confirm(actor, policy),
        "warnings": selectors.quote_warnings(policy, get_language()) if sees_contract else (),
        "min_fee": selectors.min_fee_for(policy),
        "split": selectors.contribution_split(policy) if sees_contract else [],
        "additional": policy.additional_covers.all(),
        "attachments": [(kind, label, current.get(kind)) for kind, label in AttachmentKind.choices],
        "history": policy.attachments.select_related("uploaded_by_org").order_by("-id"),
        "claims_standard": getattr(policy, "claims_standard", None),
        "notices": selectors.participant_notices_of(actor, policy),
        "not_notified": selectors.participants_not_notified(policy),
        "payment": getattr(policy, "payment", None),
        "fund_due": getattr(policy, "fund_contribution_due", None),
        "deposit": getattr(policy, "maintenance_deposit", None),
        "changes": policy.change_requests.all(),
        "open_change": open_change,
        "can_request_change": selectors.may_request_change(actor, policy, open_change=open_change),
        "period": selectors.policy_period(policy),
        "coverage": selectors.coverage_lines(policy, fully_decorated=fully_decorated),
        "missing_attachments": selectors.missing_attachments(policy),
        "quotes": list(policy.quotes.select_related("insurer")) if sees_contract else [],
        "request_form": RequestQuoteForm(),
        "action_form": action_form or ActionForm(),
        "issue_form": issue_form or IssueForm(),
        "live": live,
        "today": clock.today(),
    }


def _render_detail(request, actor, policy, *, status=200, **forms):
    context = _detail_context(request, actor, policy, **forms)
    return render(request, "underwriting/policy_detail.html", context, status=status)


@login_required
def policy_detail(request, pk: int):
    actor, policy = _policy(request, pk)
    return _render_detail(request, actor, policy)


def _refused_action(request, actor, policy, exc: RuleViolation, *, issue_form=None):
    """Show an action's refusal on the policy page, naming the rule."""
    form = ActionForm(data={})
    form.is_valid()
    add_refusal(form, exc)
    if issue_form is not None:
        add_refusal(issue_form, exc)
    fresh = selectors.get_policy(actor=actor, pk=policy.pk)
    return _render_detail(
        request, actor, fresh, status=REFUSED, action_form=form, issue_form=issue_form
    )


@login_required
def policy_terms(request, pk: int):
    actor, policy = _policy(request, pk)
    guards.may_set_terms(actor, policy)
    form = TermsForm(
        _posted(request), initial=TermsForm.initial_for(policy), pack=selectors.pack_of(policy)
    )
    return _policy_form(
        request,
        policy,
        form=form,
        title=_("保险条款"),
        done=_("保险条款已保存"),
        act=lambda data: services.set_terms(actor=actor, policy=policy, terms=form.to_terms()),
    )


@login_required
def policy_shares(request, pk: int):
    actor, policy = _policy(request, pk)
    guards.may_set_shares(actor, policy)
    form = SharesForm(_posted(request), initial=SharesForm.initial_for(selectors.shares_of(policy)))
    return _policy_form(
        request,
        policy,
        form=form,
        title=_("承保公司及份额"),
        done=_("承保份额已保存"),
        template="underwriting/shares_form.html",
        act=lambda data: services.set_shares(actor=actor, policy=policy, shares=form.to_shares()),
        context={"coinsurance": selectors.pack_of(policy).underwriting.coinsurance},
    )


@login_required
@require_POST
def share_confirm(request, pk: int, share_pk: int):
    """A follower confirms its share under the co-insurance agreement (Art. 8)."""
    actor, policy = _policy(request, pk)
    share = selectors.get_share(policy=policy, pk=share_pk)
    try:
        services.confirm_share(actor=actor, share=share)
    except RuleViolation as exc:
        return _refused_action(request, actor, policy, exc)
    messages.success(request, _("已确认本公司在共保协议中的承保份额"))
    return redirect("underwriting:detail", pk=policy.pk)


@login_required
@require_POST
def policy_quote(request, pk: int):
    """The developer asks the lead insurer for a quote, or asks again (Art. 9)."""
    actor, policy = _policy(request, pk)
    form = RequestQuoteForm(request.POST)
    form.is_valid()
    try:
        services.request_quote(actor=actor, policy=policy, note=form.cleaned_data.get("note", ""))
    except RuleViolation as exc:
        return _refused_action(request, actor, policy, exc)
    messages.success(request, _("已向主承保公司询价，待保险公司报价"))
    return redirect("underwriting:detail", pk=policy.pk)


@login_required
def give_quote(request, pk: int):
    """The lead insurer's quote: rate, fee and the risk factors it weighed (Art. 9, R-U5)."""
    actor, policy = _policy(request, pk)
    guards.may_give_quote(actor, policy)
    pack = selectors.pack_of(policy)
    form = QuoteForm(_posted(request), pack=pack, floor=selectors.rate_floor(policy))
    return _policy_form(
        request,
        policy,
        form=form,
        title=_("报价"),
        done=_("已报价，待建设单位接受"),
        act=lambda data: services.give_quote(actor=actor, policy=policy, answer=form.to_answer()),
        context={"intro": selectors.quote_intro(policy), "submit_label": _("报价")},
    )


@login_required
@require_POST
def accept_quote(request, pk: int):
    actor, policy = _policy(request, pk)
    try:
        services.accept_quote(actor=actor, policy=policy)
    except RuleViolation as exc:
        return _refused_action(request, actor, policy, exc)
    messages.success(request, _("已接受报价：请缴纳保费"))
    return redirect("underwriting:detail", pk=policy.pk)


@login_required
@require_POST
def policy_notify(request, pk: int):
    actor, policy = _policy(request, pk)
    try:
        notices = services.notify_participants(actor=actor, policy=policy)
    except RuleViolation as exc:
        return _refused_action(request, actor, policy, exc)
    messages.success(request, _("已书面通知 %(count)s 家参建单位") % {"count": len(notices)})
    return redirect("underwriting:detail", pk=policy.pk)


@login_required
def policy_payment(request, pk: int):
    actor, policy = _policy(request, pk)
    guards.may_record_payment(actor, policy)
    form = PaymentForm(
        _posted(request), initial={"amount": policy.premium, "paid_on": clock.today()}
    )
    return _policy_form(
        request,
        policy,
        form=form,
        title=_("登记保费缴纳"),
        done=_("缴费已登记"),
        act=lambda data: services.record_payment(actor=actor, policy=policy, **data),
    )


@login_required
@require_POST
def policy_issue(request, pk: int):
    actor, policy = _policy(request, pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, actor, policy, status=REFUSED, issue_form=form)
    try:
        services.issue_policy(
            actor=actor, policy=policy, issued_on=form.cleaned_data.get("issued_on")
        )
    except RuleViolation as exc:
        return _refused_action(request, actor, policy, exc, issue_form=form)
    messages.success(request, _("保单已签发"))
    return redirect("underwriting:detail", pk=policy.pk)


@login_required
def attachment_upload(request, pk: int):
    actor, policy = _policy(request, pk)
    guards.may_upload_attachment(actor, policy)
    form = AttachmentForm(*_posted(request, files=True))
    return _policy_form(
        request,
        policy,
        form=form,
        title=_("上传附件"),
        done=_("附件已上传，待建设单位确认"),
        act=lambda data: services.upload_attachment(
            actor=actor, policy=policy, kind=data["kind"], upload=data["file"]
        ),
        context={"submit_label": _("上传")},
    )


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    _, policy = _policy(request, pk)
    attachment = selectors.get_attachment(policy=policy, pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def attachment_confirm(request, pk: int, attachment_pk: int):
    actor, policy = _policy(request, pk)
    attachment = selectors.get_attachment(policy=policy, pk=attachment_pk)
    try:
        services.confirm_attachment(actor=actor, attachment=attachment)
    except RuleViolation as exc:
        return _refused_action(request, actor, policy, exc)
    messages.success(request, _("附件已确认"))
    return redirect("underwriting:detail", pk=policy.pk)


@login_required
def claims_standards(request, pk: int):
    actor, policy = _policy(request, pk)
    guards.may_set_claims_standards(actor, policy)
    current = getattr(policy, "claims_standard", None)
    initial = (
        {
            "days_to_accept": current.days_to_accept,
            "days_to_survey": current.days_to_survey,
            "days_to_determine": current.days_to_determine,
            "days_to_repair": current.days_to_repair,
        }
        if current
        else {}
    )
    form = ClaimsStandardForm(_posted(request), initial=initial, pack=selectors.pack_of(policy))
    return _policy_form(
        request,
        policy,
        form=form,
        title=_("理赔服务标准"),
        done=_("理赔服务标准已保存"),
        act=lambda data: services.set_claims_standards(
            actor=actor, policy=policy, standard=form.to_standard()
        ),
    )


@login_required
def policy_cancel(request, pk: int):
    """Cancel a policy before issue, after a confirmation page."""
    actor, policy = _policy(request, pk)
    guards.may_cancel(actor, policy)
    form = CancelForm(_posted(request))
    return _policy_form(
        request,
        policy,
        form=form,
        title=_("取消投保"),
        done=_("投保已取消"),
        act=lambda data: services.cancel_policy(actor=actor, policy=policy, reason=data["reason"]),
        context={
            "submit_label": _("确认取消"),
            "danger": True,
            "intro": _("取消后本保单不能恢复；施工许可证仍只能对应这一份保单。"),
        },
    )


@login_required
def deposit(request, pk: int):
    actor, policy = _policy(request, pk)
    guards.may_record_deposit(actor, policy)
    form = DepositForm(_posted(request))
    return _policy_form(
        request,
        policy,
        form=form,
        title=_("登记物业保修金"),
        done=_("物业保修金缴存已登记"),
        act=lambda data: services.record_maintenance_deposit(actor=actor, policy=policy, **data),
    )


# --- changes after issue -----------------------------------------------------------------------


@login_required
def change_create(request, pk: int):
    actor, policy = _policy(request, pk)
    guards.may_open_change(actor, policy)
    initial = {
        **TermsForm.initial_for(policy),
        **SharesForm.initial_for(selectors.shares_of(policy)),
        "kind": request.GET.get("kind", ChangeKind.CHANGE_TERMS),
    }
    form = ChangeRequestForm(_posted(request), initial=initial, pack=selectors.pack_of(policy))

    def run(data: dict) -> str:
        change = services.open_change_request(
            actor=actor,
            policy=policy,
            kind=data["kind"],
            reason=data["reason"],
            terms=form.to_terms(),
            shares=form.to_shares(),
        )
        return reverse("underwriting:change_detail", args=[policy.pk, change.pk])

    return form_page(
        request,
        form=form,
        title=_("申请变更或退保"),
        run=run,
        done=_("变更申请已提交"),
        template="underwriting/change_form.html",
        context={**_on_policy(policy), "submit_label": _("提交申请")},
        error_status=REFUSED,
    )


def _change(request, pk: int, change_pk: int):
    actor, policy = _policy(request, pk)
    return actor, policy, selectors.get_change_request(policy=policy, pk=change_pk)


def _render_change(request, actor, policy, change, *, status=200, **forms):
    due = selectors.consents_visible_to(actor, change)
    proposed_shares = change.proposed.get("shares", [])
    names = Organisation.objects.in_bulk([s["insurer_id"] for s in proposed_shares])
    context = {
        "proposed_shares": [
            (names[s["insurer_id"]].name, ShareRole(s["role"]).label, s["fraction"])
            for s in proposed_shares
        ],
        "policy": policy,
        "change": change,
        "consents_due": due,
        "consent_counts": selectors.consent_counts(change),
        "has_sales": selectors.project_has_sales(policy),
        "report": getattr(change, "regulator_report", None),
        "deposit": getattr(policy, "maintenance_deposit", None),
        "is_developer": selectors.is_developer_of(actor, policy),
        "consent_form": forms.get("consent_form") or ConsentForm(consents_due=due),
        "report_form": forms.get("report_form") or RegulatorReportForm(),
        "action_form": forms.get("action_form") or ActionForm(),
        "is_open": change.state == ChangeState.OPEN,
    }
    return render(request, "underwriting/change_detail.html", context, status=status)


@login_required
def change_detail(request, pk: int, change_pk: int):
    actor, policy, change = _change(request, pk, change_pk)
    return _render_change(request, actor, policy, change)


@login_required
@require_POST
def change_consent(request, pk: int, change_pk: int):
    actor, policy, change = _change(request, pk, change_pk)
    form = ConsentForm(request.POST, consents_due=selectors.consents_visible_to(actor, change))
    if form.is_valid():
        unit_id, buyer_id = form.unit_and_buyer()
        try:
            services.record_buyer_consent(
                actor=actor,
                change=change,
                unit=get_unit(actor=actor, pk=unit_id),
                buyer_id=buyer_id,
                consented_on=form.cleaned_data["consented_on"],
            )
        except RuleViolation as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("书面同意已登记"))
            return redirect("underwriting:change_detail", pk=pk, change_pk=change.pk)
    return _render_change(request, actor, policy, change, status=REFUSED, consent_form=form)


@login_required
@require_POST
def change_report(request, pk: int, change_pk: int):
    actor, policy, change = _change(request, pk, change_pk)
    form = RegulatorReportForm(request.POST)
    if form.is_valid():
        try:
            services.record_regulator_report(actor=actor, change=change, **form.cleaned_data)
        except RuleViolation as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("向主管部门的报告已登记"))
            return redirect("underwriting:change_detail", pk=pk, change_pk=change.pk)
    return _render_change(request, actor, policy, change, status=REFUSED, report_form=form)


@login_required
def change_apply(request, pk: int, change_pk: int):
    """Carry out a change (or a cancellation) after a confirmation page."""
    actor, policy, change = _change(request, pk, change_pk)
    if change.kind == ChangeKind.CANCEL:
        guards.may_cancel(actor, policy)
    else:
        guards.may_carry_out_change(actor, policy)
    form = ActionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.carry_out_change(actor=actor, change=change)
        except RuleViolation as exc:
            add_refusal(form, exc)
            return _render_change(request, actor, policy, change, status=REFUSED, action_form=form)
        messages.success(request, _("变更已执行"))
        return redirect("underwriting:detail", pk=policy.pk)
    cancelling = change.kind == ChangeKind.CANCEL
    return render(
        request,
        "underwriting/confirm.html",
        {
            "policy": policy,
            "change": change,
            "form": form,
            "title": _("确认解除保险合同") if cancelling else _("确认执行变更"),
            "intro": _("解除后本保单不再承保，此操作不能撤销。")
            if cancelling
            else _("执行后保单按变更后的内容生效。"),
            "submit_label": _("确认解除") if cancelling else _("确认执行"),
        },
    )


@login_required
@require_POST
def change_withdraw(request, pk: int, change_pk: int):
    actor, policy, change = _change(request, pk, change_pk)
    try:
        services.withdraw_change_request(actor=actor, change=change)
    except RuleViolation as exc:
        form = ActionForm(data={})
        form.is_valid()
        add_refusal(form, exc)
        return _render_change(request, actor, policy, change, status=REFUSED, action_form=form)
    messages.success(request, _("变更申请已撤回"))
    return redirect("underwriting:detail", pk=policy.pk)


# --- on the project page ----------------------------------------------------------------------


def permit_policy_column(
    actor: Actor, project: Project, permits: list[ConstructionPermit]
) -> Column:
    """Hook.PERMIT_COLUMNS: each permit's policy as the actor may see it, else, for the
    project's developer, a button to insure the permit. The policies come in one query."""
    policies = selectors.policies_by_permit(actor, [permit.pk for permit in permits])
    can_insure = selectors.may_insure(actor, project)
    cells = {
        permit.pk: render_to_string(
            "underwriting/_permit_policy.html",
            {
                "permit": permit,
                "policy": policies.get(permit.pk),
                "can_insure": can_insure,
                # R-U1: said where the 投保 button would be, instead of a button that fails.
                "uninsurable": None
                if is_insurable_permit_date(permit.applied_on)
                else uninsurable_permit_text(permit.applied_on),
            },
        )
        for permit in permits
    }
    return Column(key="policy", title=_("保单"), cells=cells)


# --- owners and participants -------------------------------------------------------------------


@login_required
def my_homes(request):
    """我的房屋, the owner's workspace: what it must do now (every app's Hook.TASKS, e.g. a
    repair to accept, a fund repair to apply for), then each unit with its policy, windows
    per category and whom to call."""
    actor = actor_from_request(request)
    homes = [
        {
            "unit": home.unit,
            "policy": home.policy,
            "lines": home.lines,
            "lead": home.lead,
            "developer": home.unit.project.developer,
        }
        for home in selectors.homes_of(actor)
    ]
    context = {"homes": homes, "tasks": tasks_for(actor), "today": clock.today()}
    return render(request, "underwriting/my_homes.html", context)


@login_required
def notices(request):
    actor = actor_from_request(request)
    page = Paginator(selectors.participant_notices_visible_to(actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "underwriting/notices.html", {"page_obj": page, "action_form": ActionForm()}
    )


@login_required
@require_POST
def notice_acknowledge(request, notice_pk: int):
    actor = actor_from_request(request)
    notice = selectors.get_participant_notice(actor=actor, pk=notice_pk)
    try:
        services.acknowledge_notice(actor=actor, notice=notice)
    except RuleViolation as exc:
        form = ActionForm(data={})
        form.is_valid()
        add_refusal(form, exc)
        page = Paginator(selectors.participant_notices_visible_to(actor), PAGE_SIZE).get_page(1)
        return render(
            request,
            "underwriting/notices.html",
            {"page_obj": page, "action_form": form},
            status=REFUSED,
        )
    messages.success(request, _("已确认收到通知"))
    return redirect("underwriting:notices")
