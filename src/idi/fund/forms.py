"""Forms of the fund pages. They only parse input; the services decide."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from idi.core import formats
from idi.underwriting.uploads import MAX_UPLOAD_BYTES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount(label):
    return forms.DecimalField(label=label, max_digits=18, decimal_places=2)


class ContributionForm(forms.Form):
    insurer = forms.ModelChoiceField(label=_("主承保公司"), queryset=None)
    amount = _amount(_("到账金额（元）"))
    received_on = forms.DateField(label=_("到账日期"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("银行流水号"), max_length=100, required=False)

    def __init__(self, *args, insurers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insurer"].queryset = insurers


class ReplenishmentForm(forms.Form):
    amount = _amount(_("补足金额（元）"))
    received_on = forms.DateField(label=_("到账日期"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("银行流水号"), max_length=100, required=False)


class SubAccountField(forms.ModelChoiceField):
    """A project's sub-account, or the general sub-account (统筹) as the empty choice, each
    with its balance in the page's language."""

    def __init__(self, *, label, projects, balances, general):
        super().__init__(label=label, queryset=projects, required=False)
        self.balances = balances
        self.empty_label = _("一般子账户（统筹）：%(balance)s") % {"balance": self._money(general)}

    @staticmethod
    def _money(value):
        return formats.money(value, get_language())

    def label_from_instance(self, obj):
        return _("%(name)s：%(balance)s") % {
            "name": obj.name,
            "balance": self._money(self.balances[obj.pk]),
        }


class TransferForm(forms.Form):
    amount = _amount(_("调拨金额（元）"))
    booked_on = forms.DateField(label=_("记账日期"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("调拨原因"), widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["source", "target", "amount", "booked_on", "reason"]

    def __init__(self, *args, projects, balances, general, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("source", _("调出子账户")), ("target", _("调入子账户"))):
            self.fields[name] = SubAccountField(
                label=label, projects=projects, balances=balances, general=general
            )
        self.order_fields(self.field_order)


class ReversalForm(forms.Form):
    reason = forms.CharField(label=_("冲正原因"), widget=forms.Textarea(attrs={"rows": 3}))


class CaseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[
            ("fallback_repair", _("代为维修（建设单位及责任单位均无法维修，R-F4）")),
            ("structural", _("结构坍塌及人员伤亡（10 年后至 25 年，R-F5）")),
        ],
    )
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=None)
    category = forms.ChoiceField(label=_("保险责任类别"), choices=())
    event = forms.ChoiceField(
        label=_("事件"),
        choices=[("other", _("其他缺陷")), ("collapse", _("坍塌")), ("casualty", _("人员伤亡"))],
    )
    occurred_on = forms.DateField(label=_("发生日期"), widget=DATE_WIDGET)
    description = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}))
    requested_amount = _amount(_("申请金额（元）"))

    def __init__(self, *args, buildings, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.fields["category"].choices = categories


class DecisionForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("yes", _("批准")), ("no", _("不予批准"))],
        coerce=lambda value: value == "yes",
    )
    amount = forms.DecimalField(
        label=_("批准金额（元）"), max_digits=18, decimal_places=2, required=False
    )
    reasons = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label=_("支付日期"), widget=DATE_WIDGET, required=False, help_text=_("留空即今天")
    )


class DeductionForm(forms.Form):
    contractor = forms.ModelChoiceField(label=_("施工单位"), queryset=None)
    amount = _amount(_("从质量保证金扣除（元）"))

    def __init__(self, *args, contractors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contractor"].queryset = contractors


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("证据文件"),
        help_text=_("PDF、DOCX、PNG 或 JPEG，不超过 %(mb)d MB") % {"mb": MAX_UPLOAD_BYTES >> 20},
    )


class RepairPlanForm(forms.Form):
    agreed_on = forms.DateField(label=_("与业主商定日期"), widget=DATE_WIDGET)
    plan = forms.CharField(label=_("维修方案"), widget=forms.Textarea(attrs={"rows": 3}))


class FundApplicationForm(forms.Form):
    reason = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 3}))


class FundDecisionForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("yes", _("批准先行维修")), ("no", _("不予批准"))],
        coerce=lambda value: value == "yes",
    )
    amount = forms.DecimalField(
        label=_("批准金额（元）"), max_digits=18, decimal_places=2, required=False
    )
    reasons = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


# The track actions with a body, and the form each is typed in.
REQUEST_FORMS = {
    "repair-plan": RepairPlanForm,
    "fund-application": FundApplicationForm,
    "fund-decision": FundDecisionForm,
}
