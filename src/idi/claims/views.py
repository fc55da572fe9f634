"""The claims pages: the owner's mobile-first claim page and filing form, the insurer's queue,
the regulator's overdue and refused list, the printable insurance notice. Views parse, call a
service or a selector, and show refusals on the page."""

from decimal import Decimal, InvalidOperation
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required as django_login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from idi.claims import selectors, services, tracks
from idi.claims.codes import Code
from idi.claims.forms import FileClaimForm
from idi.claims.models import Place
from idi.core import clock
from idi.core.errors import Forbidden, NotFound, RuleViolation
from idi.core.permissions import actor_from_request
from idi.core.refusals import refusal_html
from idi.core.registry import Hook, providers
from idi.core.views import add_refusal
from idi.parties.models import Organisation, OrgType
from idi.underwriting.selectors import sees_everything

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
            raise PermissionDenied(exc.message) from exc

    return django_login_required(wrapped)


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def claim_list(request):
    """我的报修 for an owner (its claims, its units' notices, a button to file); every other
    party sees the claims it may see, newest first."""
    actor = actor_from_request(request)
    units = list(selectors.units_to_file_for(actor)) if actor.organisation_id is None else []
    claims = _page(request, selectors.search_claims(actor=actor))
    return render(
        request,
        "claims/claim_list.html",
        {"page": claims, "units": units, "may_file": bool(selectors.units_to_file_for(actor))},
    )


@login_required
def file_claim(request):
    actor = actor_from_request(request)
    units = list(selectors.units_to_file_for(actor))
    if not units:
        raise PermissionDenied(_("没有可报案的房屋"))
    form = FileClaimForm(request.POST or None, request.FILES or None, units=units)
    if request.GET.get("unit") and not form.is_bound:
        form.initial["unit"] = request.GET["unit"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = selectors.unit_for_filing(actor=actor, pk=data["unit"])
            claim, created = services.file_claim(
                actor=actor,
                filing=services.Filing(
                    unit=unit,
                    category=data["category"],
                    sub_item=data["sub_item"],
                    place=data["place"],
                    description=data["description"],
                    noticed_on=data["noticed_on"],
                    affects_basic_living=data["affects_basic_living"],
                    event=data["event"],
                ),
                idempotency_key=data["idempotency_key"],
            )
        except RuleViolation as exc:
            add_refusal(form, exc)
        else:
            # A form sent twice (same key) files once, and attaches its photo once.
            if created and data.get("photo"):
                try:
                    services.add_photo(actor=actor, claim=claim, upload=data["photo"])
                except RuleViolation as exc:
                    messages.error(request, refusal_html(exc))
            messages.success(request, _("已报案"))
            return redirect("claims:detail", pk=claim.pk)
    status = REFUSED if form.is_bound and form.errors else 200
    return render(request, "claims/file.html", {"form": form}, status=status)


@login_required
def queue(request):
    """The handling organisation's queue: what is due first, overdue at the top."""
    actor = actor_from_request(request)
    page = selectors.queue_page(actor, cursor=request.GET.get("cursor", ""), limit=PAGE_SIZE)
    return render(
        request,
        "claims/queue.html",
        {"queue": page, "rows": _rows(page.claims), "first": not request.GET.get("cursor")},
    )


@login_required
def oversight(request):
    """R-O1: the regulator's overdue and refused claims, without asking."""
    actor = actor_from_request(request)
    if actor.organisation_type != OrgType.REGULATOR and not sees_everything(actor):
        raise PermissionDenied(_("仅监管部门可查看"))
    which = "refused" if request.GET.get("which") == "refused" else "overdue"
    page = _page(request, selectors.oversight_list(actor, which=which))
    return render(
        request, "claims/oversight.html", {"page": page, "rows": _rows(page), "which": which}
    )


def _rows(claims):
    """Each claim with its days left (None without a running clock; negative when overdue)."""
    today = clock.today()
    return [(claim, (claim.next_due - today).days if claim.next_due else None) for claim in claims]


HANDLER_ACTIONS = {
    "received": ["complex", "determine"],
    "complex": ["determine"],
    "not_covered": ["refusal-notice"],
    "covered": ["agree"],
    "partly_covered": ["agree"],
    "repairing": ["repair-done"],
    "rejected": ["repair-done"],
    "paying": ["payment"],
    "disputed": ["choose-appraiser", "appraisal"],
    "confirming": ["written-confirmation"],
}
OWNER_ACTIONS = {
    "done": ["owner-decision", "dispute-repair"],
    "rejected": ["dispute-repair"],
    "refused": ["dispute-determination"],
    "partly_covered": ["dispute-determination"],
}


def _detail_context(request, actor, claim, **extra):
    handler = selectors.is_handler(actor, claim)
    owner = selectors.is_owner_of_unit(actor, claim.unit_id)
    actions = []
    if handler:
        actions += HANDLER_ACTIONS.get(claim.status, [])
        emergency = getattr(claim, "emergency_repair", None)
        if emergency is not None and emergency.responded_at is None:
            actions.append("emergency-response")
        if claim.status in ("paying", "closed", "done"):
            actions.append("recovery")
    if owner:
        actions += OWNER_ACTIONS.get(claim.status, [])
    chosen = selectors.chosen_appraiser(claim)
    if (
        chosen is not None
        and actor.organisation_type == OrgType.APPRAISER
        and actor.organisation_id == chosen.pk
    ):
        actions.append("appraisal")
    track_actions = [
        a
        for t in tracks.tracks()
        if t.name == claim.track
        for a in t.actions
        if claim.status in a.statuses and a.body is None and (a.may is None or a.may(actor, claim))
    ]
    related = []
    for provider in providers(Hook.CLAIM_RELATED_DEFECTS):
        related.extend(provider(actor, unit=claim.unit, category=claim.category, place=claim.place))
    return {
        "claim": claim,
        "countdowns": selectors.countdowns(claim),
        "deadlines": selectors.deadlines_of(claim),
        "events": selectors.timeline_of(claim),
        "photos": claim.photos.all(),
        "actions": actions,
        "track_actions": track_actions,
        "may_add_photo": (owner or handler) and claim.is_open,
        "appraisers": Organisation.objects.filter(org_type=OrgType.APPRAISER).order_by("name"),
        "chosen_appraiser": chosen,
        "responsible": Organisation.objects.exclude(
            org_type__in=(OrgType.INSURER, OrgType.REGULATOR, OrgType.GUARANTEE_INSTITUTION)
        ).order_by("name")
        if "recovery" in actions
        else [],
        "paid": selectors.paid_on_claim(claim),
        "remaining": selectors.remaining_sum_insured(claim.policy),
        "place_label": Place(claim.place).label,
        "related_defects": related,
        **extra,
    }


@login_required
def claim_detail(request, pk: int):
    actor = actor_from_request(request)
    claim = selectors.get_claim(actor=actor, pk=pk)
    return render(request, "claims/detail.html", _detail_context(request, actor, claim))


def _decimal(value: str | None):
    if value in (None, ""):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return Decimal("NaN")


def _int(value: str | None):
    return int(value) if value and value.isdigit() else None


def _run(action: str, actor, claim, post, files):
    """One action of the process, from a posted form, through its service."""
    if action == "complex":
        return services.mark_complex(actor=actor, claim=claim, reason=post.get("reason", ""))
    if action == "determine":
        return services.determine(
            actor=actor,
            claim=claim,
            outcome=post.get("outcome", ""),
            reasons=post.get("reasons", ""),
            amount=_decimal(post.get("amount")),
        )
    if action == "refusal-notice":
        return services.issue_refusal_notice(
            actor=actor, claim=claim, reasons=post.get("reasons", "")
        )
    if action == "agree":
        return services.agree(
            actor=actor,
            claim=claim,
            remedy=post.get("remedy", ""),
            amount=_decimal(post.get("amount")),
            repairer=post.get("repairer", ""),
        )
    if action == "repair-done":
        return services.complete_repair(actor=actor, claim=claim)
    if action == "owner-decision":
        return services.owner_decision(
            actor=actor,
            claim=claim,
            accepted=post.get("accepted") == "yes",
            rating=_int(post.get("rating")),
            comment=post.get("comment", ""),
        )
    if action in ("dispute-determination", "dispute-repair"):
        return services.open_dispute(
            actor=actor,
            claim=claim,
            about=action.removeprefix("dispute-"),
            reason=post.get("reason", ""),
        )
    if action == "choose-appraiser":
        return services.choose_appraiser(
            actor=actor, claim=claim, appraiser_id=_int(post.get("appraiser")) or 0
        )
    if action == "appraisal":
        return services.record_appraisal(
            actor=actor,
            claim=claim,
            appraiser_id=_int(post.get("appraiser")),
            finding=post.get("finding", ""),
            fee=_decimal(post.get("fee")) if post.get("fee") else Decimal("NaN"),
        )
    if action == "written-confirmation":
        return services.confirm_in_writing(actor=actor, claim=claim)
    if action == "payment":
        return services.record_payment(
            actor=actor, claim=claim, amount=_decimal(post.get("amount")) or Decimal(0)
        )
    if action == "recovery":
        return services.record_recovery(
            actor=actor,
            claim=claim,
            from_org_id=_int(post.get("from")) or 0,
            amount=_decimal(post.get("amount")) or Decimal(0),
        )
    if action == "emergency-response":
        return services.respond_to_emergency(actor=actor, claim=claim)
    if action == "photo":
        upload = files.get("photo")
        if upload is None:
            raise RuleViolation(
                rule=None,
                field="photo",
                code=Code.REQUIRED,
                message="请选择照片",
                message_en="choose a photo",
            )
        return services.add_photo(
            actor=actor, claim=claim, upload=upload, kind=post.get("kind", "report")
        )
    spec = tracks.action(action)
    if spec is None or spec.body is not None:
        raise Http404(action)
    return spec.run(actor=actor, claim=claim, data=None)


@login_required
@require_POST
def act(request, pk: int, action: str):
    actor = actor_from_request(request)
    claim = selectors.get_claim(actor=actor, pk=pk)
    try:
        _run(action, actor, claim, request.POST, request.FILES)
    except RuleViolation as exc:
        claim = selectors.get_claim(actor=actor, pk=pk)
        context = _detail_context(
            request, actor, claim, refusal=exc, refusal_text=refusal_html(exc)
        )
        return render(request, "claims/detail.html", context, status=REFUSED)
    messages.success(request, _("已办理"))
    return redirect("claims:detail", pk=pk)


@login_required
def photo(request, pk: int, photo_pk: int):
    """A photo, only to those who may see the claim; served as the type its content proved."""
    actor = actor_from_request(request)
    claim = selectors.get_claim(actor=actor, pk=pk)
    row = claim.photos.filter(pk=photo_pk).first()
    if row is None:
        raise Http404("photo")
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def notice(request, unit_pk: int):
    """R-K1: the insurance notice of one unit, an HTML page that prints on A4."""
    actor = actor_from_request(request)
    unit, policy, content, stored = selectors.notice_for_unit(actor=actor, unit_id=unit_pk)
    may_hand_over = (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == unit.project.developer_id
        and (stored is None or stored.handed_over_on is None)
    )
    if request.method == "POST":
        if not may_hand_over:
            raise PermissionDenied(_("仅建设单位可交付"))
        try:
            services.hand_over_notice(actor=actor, unit=unit, handed_over_on=clock.today())
        except RuleViolation as exc:
            messages.error(request, refusal_html(exc))
        return redirect("claims:notice", unit_pk=unit.pk)
    return render(
        request,
        "claims/notice.html",
        {
            "unit": unit,
            "policy": policy,
            "n": content,
            "stored": stored,
            "may_hand_over": may_hand_over,
            "receipts": selectors.receipts_of(stored),
            "may_confirm": selectors.may_confirm_notice(actor, unit, stored),
        },
    )


@login_required
@require_POST
def confirm_notice(request, unit_pk: int):
    """R-K1: the owner confirms it received the notice of its home."""
    actor = actor_from_request(request)
    unit, _policy, _content, _stored = selectors.notice_for_unit(actor=actor, unit_id=unit_pk)
    try:
        services.confirm_notice(actor=actor, unit=unit)
    except RuleViolation as exc:
        messages.error(request, refusal_html(exc))
    else:
        messages.success(request, _("已签收保险告知书"))
    return redirect("claims:notice", unit_pk=unit.pk)
