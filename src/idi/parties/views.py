"""Pages of the registry: the organisation list (operator, regulators, guarantee institution),
one organisation with its members, qualifications and relationships, and the forms that change
them. The few helpers at the top are shared with the projects pages."""

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from idi.core.errors import Forbidden, NotFound, RuleViolation
from idi.core.http import client_address
from idi.core.permissions import Actor, actor_from_request
from idi.core.rulebook import get_rulebook
from idi.core.templatetags.idi import localised
from idi.core.views import add_refusal, form_page
from idi.parties import selectors, services
from idi.parties.codes import Code
from idi.parties.forms import (
    ActivationForm,
    MemberForm,
    OrganisationEditForm,
    OrganisationForm,
    QualificationForm,
    RelationshipForm,
)
from idi.parties.models import OrgType, Role

PAGE_SIZE = 20


def party_view(view: Callable) -> Callable:
    """Log-in required; "not found" and "not allowed" from selectors and services become the
    404 and 403 pages."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, actor_from_request(request), *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.what) from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message_for(get_language())) from None

    return wrapper


def pager(page_obj, *, query: str = "") -> dict:
    """What templates/parties/_pagination.html shows, from a Django page."""
    return {
        "number": page_obj.number,
        "pages": page_obj.paginator.num_pages,
        "count": page_obj.paginator.count,
        "previous": page_obj.previous_page_number() if page_obj.has_previous() else None,
        "next": page_obj.next_page_number() if page_obj.has_next() else None,
        "query": query,
    }


def _may_administer(actor: Actor, organisation) -> bool:
    return actor.is_operator or (
        actor.organisation_id == organisation.pk and actor.has_role(Role.ORG_ADMIN)
    )


@party_view
def org_list(request, actor: Actor):
    q = request.GET.get("q", "").strip()
    org_type = request.GET.get("type", "")
    qs = selectors.organisations_visible_to(actor, q=q, org_type=org_type)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("q", q), ("type", org_type)) if v})
    return render(
        request,
        "parties/org_list.html",
        {
            "page": page,
            "pager": pager(page, query=query),
            "q": q,
            "org_type": org_type,
            "org_types": OrgType.choices,
            "can_register": actor.is_operator,
        },
    )


@party_view
def my_org(request, actor: Actor):
    if actor.organisation_id is None:
        raise NotFound("organisation")
    return redirect("parties:org_detail", pk=actor.organisation_id)


@party_view
def org_detail(request, actor: Actor, pk: int):
    organisation = selectors.get_organisation(actor=actor, pk=pk)
    return render(
        request,
        "parties/org_detail.html",
        {
            "org": organisation,
            "members": selectors.members_of(actor=actor, organisation=organisation),
            "qualifications": [
                (q, f"{q.solvency_ratio * 100:.2f}") for q in organisation.qualifications.all()
            ],
            "relationships": selectors.relationships_of(organisation.pk),
            "can_admin": _may_administer(actor, organisation),
            "is_operator": actor.is_operator,
            "is_insurer": organisation.org_type == OrgType.INSURER,
        },
    )


@party_view
def org_create(request, actor: Actor):
    if not actor.is_operator:
        raise Forbidden(_("仅平台运营方可登记单位"))
    form = OrganisationForm(request.POST or None)

    def run(data: dict) -> str:
        org = services.register_organisation(actor=actor, **data)
        return reverse("parties:org_detail", args=[org.pk])

    return form_page(
        request,
        form=form,
        title=_("登记单位"),
        back_url=reverse("parties:org_list"),
        run=run,
        done=_("单位已登记。"),
    )


@party_view
def org_edit(request, actor: Actor, pk: int):
    organisation = selectors.get_organisation(actor=actor, pk=pk)
    if not _may_administer(actor, organisation):
        raise Forbidden(_("仅平台运营方或本单位管理员可修改单位信息"))
    initial = {f: getattr(organisation, f) for f in OrganisationEditForm.base_fields}
    form = OrganisationEditForm(request.POST or None, initial=initial, operator=actor.is_operator)

    def run(data: dict) -> str:
        changes = {k: v for k, v in data.items() if k in form.editable}
        services.update_organisation(actor=actor, organisation=organisation, **changes)
        return reverse("parties:org_detail", args=[organisation.pk])

    return form_page(
        request,
        form=form,
        title=_("修改单位信息"),
        back_url=reverse("parties:org_detail", args=[organisation.pk]),
        run=run,
        done=_("单位信息已保存。"),
    )


@party_view
def member_create(request, actor: Actor, pk: int):
    organisation = selectors.get_organisation(actor=actor, pk=pk)
    if not _may_administer(actor, organisation):
        raise Forbidden(_("仅平台运营方或本单位管理员可开设账号"))
    form = MemberForm(request.POST or None, roles=services.ROLES_BY_ORG_TYPE[organisation.org_type])

    def run(data: dict) -> str:
        services.create_user(actor=actor, organisation=organisation, **data)
        return reverse("parties:org_detail", args=[organisation.pk])

    return form_page(
        request,
        form=form,
        title=_("开设账号"),
        back_url=reverse("parties:org_detail", args=[organisation.pk]),
        run=run,
        done=_("账号已开设。"),
    )


@party_view
def qualification_create(request, actor: Actor, pk: int):
    organisation = selectors.get_organisation(actor=actor, pk=pk)
    if not _may_administer(actor, organisation):
        raise Forbidden(_("仅平台运营方或本单位管理员可登记资质"))
    form = QualificationForm(request.POST or None)

    def run(data: dict) -> str:
        services.record_qualification(actor=actor, insurer=organisation, **form.service_args())
        return reverse("parties:org_detail", args=[organisation.pk])

    return form_page(
        request,
        form=form,
        title=_("登记年度资质"),
        back_url=reverse("parties:org_detail", args=[organisation.pk]),
        run=run,
        done=_("资质已登记。"),
        context={"intro": _lead_conditions()},
    )


def _lead_conditions() -> str:
    """G 2.1 as the latest pack states it (R-U6), for the person filling in the figures."""
    spec = get_rulebook().pack().underwriting.lead_qualification
    capital = spec.min_registered_capital
    return _(
        "主承保公司宜满足：注册资本金不低于 %(capital)s，"
        "近 %(years)s 年偿付能力充足率均不低于 %(ratio)s%%，"
        "配备工程质量管理部门，具有主承保经验。"
    ) % {
        # Each language counts large sums in its own unit (亿 = 10^8, billion = 10^9), so the
        # figure differs per language and cannot be one placeholder of the catalogue.
        "capital": localised(
            f"{_plain(capital / 100_000_000)} 亿元",
            f"CNY {_plain(capital / 1_000_000_000)} billion",
        ),
        "years": spec.solvency_years,
        "ratio": _plain(spec.min_solvency_ratio * 100),
    }


def _plain(number: Decimal) -> str:
    """50, 3.5, 150: no exponent, no trailing zeros."""
    return f"{number.normalize():f}"


@party_view
def relationship_create(request, actor: Actor, pk: int):
    organisation = selectors.get_organisation(actor=actor, pk=pk)
    if not _may_administer(actor, organisation):
        raise Forbidden(_("仅平台运营方或本单位管理员可申报关联关系"))
    form = RelationshipForm(request.POST or None)

    def run(data: dict) -> str:
        services.may_declare_relationship(
            actor=actor, from_org=organisation, to_org_uscc=data["to_org_uscc"]
        )
        other = selectors.organisation_by_uscc(data["to_org_uscc"])
        if other is None:
            raise RuleViolation(
                rule=None,
                field="to_org_uscc",
                code=Code.UNKNOWN_PARTY,
                message="未找到该统一社会信用代码的单位",
                message_en="no organisation has this credit code",
            )
        services.declare_relationship(
            actor=actor, from_org=organisation, to_org=other, kind=data["kind"], note=data["note"]
        )
        return reverse("parties:org_detail", args=[organisation.pk])

    return form_page(
        request,
        form=form,
        title=_("申报关联关系"),
        back_url=reverse("parties:org_detail", args=[organisation.pk]),
        run=run,
        done=_("关联关系已申报。"),
        context={
            "intro": _(
                "与本单位存在隶属、持股或其他利害关系的单位；风险管理机构的独立性审查将核对这些关系。"
            )
        },
    )


def activate(request):
    """业主账号激活 (public): a buyer sets the password of the account its sale opened, is
    signed in and sees its homes; the message tells it its username."""
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.activate_owner(
                actor=actor_from_request(request),
                id_number=data["id_number"],
                phone=data["phone"],
                password=data["password"],
                source=client_address(request),
            )
        except RuleViolation as exc:
            add_refusal(form, exc)
        else:
            # The user did not come from authenticate(): name the backend that will reload it.
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("账号已激活。您的用户名是 %(username)s，也可以用身份证号登录。")
                % {"username": user.username},
            )
            return redirect("underwriting:my_homes")
    return render(request, "parties/activate.html", {"form": form})
