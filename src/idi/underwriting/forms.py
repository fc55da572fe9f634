"""Forms of the underwriting pages. They only parse input; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from idi.core import formats
from idi.core.rulebook import is_insurable_permit_date
from idi.parties.models import Organisation, OrgType
from idi.rules import ADDITIONAL, legal_claim_days
from idi.underwriting.models import AdditionalSubItem, AttachmentKind, ChangeKind, ShareRole
from idi.underwriting.services import ClaimsStandardInput, QuoteInput, ShareInput, Terms
from idi.underwriting.uploads import MAX_UPLOAD_BYTES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHARE_ROWS = 5


class ActionForm(forms.Form):
    """A button with no input: holds the refusal of the action it triggers."""


class CreatePolicyForm(forms.Form):
    permit = forms.ModelChoiceField(label=_("施工许可证"), queryset=None)

    def __init__(self, *args, permits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permit"].queryset = permits
        self.fields["permit"].label_from_instance = _permit_label


def _permit_label(permit) -> str:
    label = f"{permit.project.name} — {permit.number}"
    if is_insurable_permit_date(permit.applied_on):
        return label
    return label + str(_("（申领日期不在试点规则适用范围内，无法投保）"))


class TermsForm(forms.Form):
    contract_price = forms.DecimalField(
        label=_("承揽工程签约合同价（元）"), max_digits=18, decimal_places=2
    )
    sum_insured = forms.DecimalField(label=_("保险金额（元）"), max_digits=18, decimal_places=2)
    decoration_years = forms.IntegerField(
        label=_("附加险：装饰装修工程（年）"), required=False, min_value=0
    )
    mep_installation_years = forms.IntegerField(
        label=_("附加险：电气管线、给排水管道、设备安装工程（年）"), required=False, min_value=0
    )
    hvac_years = forms.IntegerField(
        label=_("附加险：供热与供冷系统工程（年）"), required=False, min_value=0
    )

    # The services name an additional cover "additional.<sub item>".
    refusal_fields = {
        "additional": "decoration_years",
        **{f"additional.{sub_item}": f"{sub_item}_years" for sub_item in AdditionalSubItem.values},
    }

    def __init__(self, *args, pack, **kwargs):
        super().__init__(*args, **kwargs)
        # The rule's figures come from the policy's pack, never from the form (R-C1).
        minimum = pack.coverage.categories[ADDITIONAL].min_years
        for sub_item in AdditionalSubItem.values:
            self.fields[f"{sub_item}_years"].help_text = _(
                "不少于 %(years)s 年；不投保该分项留空"
            ) % {"years": minimum}

    def to_terms(self) -> Terms:
        data = self.cleaned_data
        additional = {
            sub_item: data[f"{sub_item}_years"]
            for sub_item in AdditionalSubItem.values
            if data.get(f"{sub_item}_years") is not None
        }
        return Terms(
            contract_price=data["contract_price"],
            sum_insured=data["sum_insured"],
            additional=additional,
            rate=_fraction(data.get("rate_percent")),
            risk_management_fee=data.get("risk_management_fee"),
        )

    @staticmethod
    def initial_for(policy) -> dict:
        initial = {
            "contract_price": policy.contract_price,
            "sum_insured": policy.sum_insured,
            "rate_percent": _percent(policy.rate),
            "risk_management_fee": policy.risk_management_fee,
        }
        for cover in policy.additional_covers.all():
            initial[f"{cover.sub_item}_years"] = cover.years
        return initial


def _fraction(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else (percent / 100).normalize()


def _percent(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else (fraction * 100).normalize()


def _rate_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("费率（%）"),
        max_digits=8,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        help_text=_("按百分比填写，如 1.5 即签约合同价的 1.5%"),
    )


def _fee_field() -> forms.DecimalField:
    return forms.DecimalField(label=_("风险管理费（元）"), max_digits=18, decimal_places=2)


class QuoteForm(forms.Form):
    """The lead insurer's answer to a request for a quote (Art. 9)."""

    rate_percent = _rate_field()
    risk_management_fee = _fee_field()
    engineering_risk = forms.CharField(
        label=_("工程风险与复杂程度"), widget=forms.Textarea(attrs={"rows": 2})
    )
    participants_quality = forms.CharField(
        label=_("参建单位资质与诚信"), widget=forms.Textarea(attrs={"rows": 2})
    )
    risk_management_needs = forms.CharField(
        label=_("风险管理需求"), widget=forms.Textarea(attrs={"rows": 2})
    )
    claims_history = forms.CharField(
        label=_("历史理赔情况"), widget=forms.Textarea(attrs={"rows": 2})
    )

    refusal_fields = {"rate": "rate_percent"}

    def __init__(self, *args, pack, floor: Decimal | None, **kwargs):
        super().__init__(*args, **kwargs)
        # The rule's figures come from the policy's pack, never from the form (R-U5, R-U7).
        if floor is not None:
            self.fields["rate_percent"].help_text = _(
                "按百分比填写，如 1.5 即签约合同价的 1.5%%；本项目费率不得低于 %(floor)s"
            ) % {"floor": formats.percent(floor)}
        ratio = pack.underwriting.min_risk_management_fee_ratio
        self.fields["risk_management_fee"].help_text = _("不低于保费的 %(ratio)s") % {
            "ratio": formats.percent(ratio)
        }

    def to_answer(self) -> QuoteInput:
        data = self.cleaned_data
        return QuoteInput(
            rate=_fraction(data["rate_percent"]),
            risk_management_fee=data["risk_management_fee"],
            engineering_risk=data["engineering_risk"],
            participants_quality=data["participants_quality"],
            risk_management_needs=data["risk_management_needs"],
            claims_history=data["claims_history"],
        )


class RequestQuoteForm(forms.Form):
    note = forms.CharField(
        label=_("询价说明（选填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("重新询价时可说明希望保险公司重新考虑的内容"),
    )


class SharesForm(forms.Form):
    """Up to SHARE_ROWS insurers; empty rows are ignored."""

    # The services name a row's cell "shares.<row>.<cell>".
    refusal_fields = {
        f"shares.{row}.{cell}": f"{cell}_{row}"
        for row in range(SHARE_ROWS)
        for cell in ("insurer", "role", "fraction")
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        insurers = Organisation.objects.filter(org_type=OrgType.INSURER).order_by("name")
        for i in range(SHARE_ROWS):
            self.fields[f"insurer_{i}"] = forms.ModelChoiceField(
                label=_("保险公司"), queryset=insurers, required=False
            )
            self.fields[f"role_{i}"] = forms.ChoiceField(
                label=_("角色"), choices=ShareRole.choices, required=False
            )
            self.fields[f"fraction_{i}"] = forms.DecimalField(
                label=_("份额"), max_digits=5, decimal_places=4, required=False
            )

    def rows(self):
        return [
            (self[f"insurer_{i}"], self[f"role_{i}"], self[f"fraction_{i}"])
            for i in range(SHARE_ROWS)
        ]

    def to_shares(self) -> list[ShareInput]:
        data = self.cleaned_data
        return [
            ShareInput(
                insurer_id=data[f"insurer_{i}"].pk,
                role=data[f"role_{i}"] or ShareRole.FOLLOWER,
                fraction=data[f"fraction_{i}"] if data[f"fraction_{i}"] is not None else 0,
            )
            for i in range(SHARE_ROWS)
            if data.get(f"insurer_{i}") is not None
        ]

    @staticmethod
    def initial_for(shares) -> dict:
        initial = {}
        for i, share in enumerate(shares[:SHARE_ROWS]):
            initial[f"insurer_{i}"] = share.insurer_id
            initial[f"role_{i}"] = share.role
            initial[f"fraction_{i}"] = share.fraction
        return initial


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("缴费金额（元）"), max_digits=18, decimal_places=2)
    paid_on = forms.DateField(label=_("缴费日期"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("缴费凭证号"), max_length=100, required=False)
    refusal_fields = {"payment": "amount"}


class IssueForm(forms.Form):
    issued_on = forms.DateField(
        label=_("签发日期"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("留空即今天；补录线下已签发的保单时填写实际签发日期"),
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("附件类型"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("文件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF、DOCX、PNG 或 JPEG，不超过 %(mb)s MB") % {
            "mb": MAX_UPLOAD_BYTES // (1024 * 1024)
        }


class ClaimsStandardForm(forms.Form):
    days_to_accept = forms.IntegerField(label=_("受理时限（日）"))
    days_to_survey = forms.IntegerField(label=_("查勘时限（日）"))
    days_to_determine = forms.IntegerField(label=_("核定时限（日）"))
    days_to_repair = forms.IntegerField(label=_("维修或赔付时限（日）"))

    def __init__(self, *args, pack, **kwargs):
        super().__init__(*args, **kwargs)
        # R-U13: never looser than the pack's legal times.
        for name, days in legal_claim_days(pack).items():
            self.fields[name].help_text = _("不得长于法定的 %(days)s 日") % {"days": days}

    def to_standard(self) -> ClaimsStandardInput:
        return ClaimsStandardInput(**self.cleaned_data)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("解除原因"), widget=forms.Textarea(attrs={"rows": 3}))


CHANGE_TERM_FIELDS = ("contract_price", "rate_percent", "sum_insured", "risk_management_fee")


class ChangeRequestForm(TermsForm, SharesForm):
    """A change of an issued policy: a cancellation, new terms, or new insurers."""

    kind = forms.ChoiceField(label=_("变更类型"), choices=ChangeKind.choices)
    reason = forms.CharField(label=_("变更原因"), widget=forms.Textarea(attrs={"rows": 3}))
    # A change of terms states the rate and fee agreed again with the insurer.
    rate_percent = _rate_field()
    risk_management_fee = _fee_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The terms are only needed for a change of terms: the service says what is missing.
        for name in CHANGE_TERM_FIELDS:
            self.fields[name].required = False
        self.order_fields(["kind", "reason"])

    refusal_fields = {
        **TermsForm.refusal_fields,
        **SharesForm.refusal_fields,
        "terms": "contract_price",
        "rate": "rate_percent",
    }

    def terms_fields(self):
        return [
            self[name] for name in (*TermsForm.base_fields, "rate_percent", "risk_management_fee")
        ]

    def to_terms(self) -> Terms | None:
        if self.cleaned_data.get("kind") != ChangeKind.CHANGE_TERMS:
            return None
        if any(self.cleaned_data.get(name) is None for name in CHANGE_TERM_FIELDS):
            return None
        return super().to_terms()

    def to_shares(self) -> list[ShareInput] | None:
        if self.cleaned_data.get("kind") != ChangeKind.CHANGE_INSURER:
            return None
        return SharesForm.to_shares(self)


class ConsentForm(forms.Form):
    unit_buyer = forms.ChoiceField(label=_("购房人"))
    consented_on = forms.DateField(label=_("书面同意日期"), widget=DATE_WIDGET)
    refusal_fields = {"unit": "unit_buyer", "buyer": "unit_buyer"}

    def __init__(self, *args, consents_due, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_buyer"].choices = [
            (f"{due.unit.pk}:{due.buyer_id}", f"{due.unit} — {due.buyer_name}")
            for due in consents_due
            if not due.given
        ]

    def unit_and_buyer(self) -> tuple[int, int]:
        unit_id, buyer_id = self.cleaned_data["unit_buyer"].split(":")
        return int(unit_id), int(buyer_id)


class RegulatorReportForm(forms.Form):
    reported_on = forms.DateField(label=_("报告日期"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("报告文号"), max_length=100, required=False)


class DepositForm(forms.Form):
    amount = forms.DecimalField(label=_("物业保修金（元）"), max_digits=18, decimal_places=2)
    paid_on = forms.DateField(label=_("缴存日期"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("缴存凭证号"), max_length=100, required=False)
