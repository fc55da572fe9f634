"""Forms of the risk-management pages. They only parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from idi.parties.models import Organisation, OrgType
from idi.riskmgmt.models import DefectStatus, EvidenceStage, Grade, Stage
from idi.riskmgmt.services import DefectInput
from idi.rules import PlannedStage
from idi.underwriting.uploads import MAX_UPLOAD_BYTES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PLAN_STAGES = [s for s in Stage.values if s != Stage.JOINT_INSPECTION]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("，", "\n").replace(",", "\n").splitlines()]


class ActionForm(forms.Form):
    """A button with no input: holds the refusal of the action it triggers."""


class EngagementForm(forms.Form):
    rma = forms.ModelChoiceField(
        label=_("风险管理机构"), queryset=Organisation.objects.filter(org_type=OrgType.RMA)
    )
    fee = forms.DecimalField(label=_("风险管理费（元）"), max_digits=18, decimal_places=2)
    contract_signed_on = forms.DateField(label=_("委托合同签订日期"), widget=DATE_WIDGET)
    letter_valid_from = forms.DateField(label=_("授权书有效期起"), widget=DATE_WIDGET)
    letter_valid_to = forms.DateField(label=_("授权书有效期止"), widget=DATE_WIDGET)


class KickoffForm(forms.Form):
    held_on = forms.DateField(label=_("交底会日期"), widget=DATE_WIDGET)
    attendees = forms.CharField(
        label=_("参会人员"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一人")
    )
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))

    def clean_attendees(self) -> list[str]:
        return [name for name in _lines(self.cleaned_data["attendees"]) if name]


class PlanForm(forms.Form):
    """One optional span per stage of the pack."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for stage in PLAN_STAGES:
            label = Stage(stage).label
            self.fields[f"{stage}_starts_on"] = forms.DateField(
                label=_("%(stage)s：计划开始") % {"stage": label},
                required=False,
                widget=DATE_WIDGET,
            )
            self.fields[f"{stage}_ends_on"] = forms.DateField(
                label=_("%(stage)s：计划结束") % {"stage": label},
                required=False,
                widget=DATE_WIDGET,
            )

    def stages(self) -> list[PlannedStage]:
        data = self.cleaned_data
        return [
            PlannedStage(stage, data[f"{stage}_starts_on"], data[f"{stage}_ends_on"])
            for stage in PLAN_STAGES
            if data.get(f"{stage}_starts_on") and data.get(f"{stage}_ends_on")
        ]


class DefectFields(forms.Form):
    building = forms.TypedChoiceField(label=_("楼栋"), coerce=int)
    floor = forms.IntegerField(label=_("楼层"))
    part = forms.CharField(label=_("部位"), max_length=200)
    category = forms.ChoiceField(label=_("缺陷类别"))
    grade = forms.ChoiceField(label=_("等级"), choices=Grade.choices)
    description = forms.CharField(label=_("缺陷描述"), widget=forms.Textarea(attrs={"rows": 3}))
    proposal = forms.CharField(label=_("处理建议"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, buildings, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = buildings
        self.fields["category"].choices = list(categories.items())

    def defect(self) -> DefectInput:
        data = self.cleaned_data
        return DefectInput(**{name: data[name] for name in DefectInput.__dataclass_fields__})

    # The services name a finding's fields "defects.0.<name>".
    refusal_fields = {f"defects.0.{name}": name for name in DefectInput.__dataclass_fields__}


class InspectionForm(DefectFields):
    """An inspection report with its first finding (more are added on the inspection's page)."""

    inspected_on = forms.DateField(label=_("检查日期"), widget=DATE_WIDGET)
    stage = forms.ChoiceField(label=_("施工阶段"), choices=Stage.choices)
    inspectors = forms.CharField(label=_("检查人员"), help_text=_("多人以逗号分隔"))
    scope = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 3}))
    risk_analysis = forms.CharField(
        label=_("潜在缺陷风险分析"), widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["inspected_on", "stage", "inspectors", "scope", "risk_analysis"]

    def clean_inspectors(self) -> list[str]:
        return [name for name in _lines(self.cleaned_data["inspectors"]) if name]


class ConfirmForm(forms.Form):
    responsible = forms.TypedChoiceField(label=_("责任单位"), coerce=int)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = parties


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("争议理由"), widget=forms.Textarea(attrs={"rows": 3}))


def _appraisers():
    return Organisation.objects.filter(org_type=OrgType.APPRAISER).order_by("name")


class ChooseAppraiserForm(forms.Form):
    appraiser = forms.ModelChoiceField(label=_("共同选定的鉴定机构"), queryset=_appraisers())


class FindingForm(forms.Form):
    """The chosen appraiser's own finding."""

    responsible = forms.TypedChoiceField(label=_("责任方（承担鉴定费用）"), coerce=int)
    fee = forms.DecimalField(label=_("鉴定费用（元）"), max_digits=18, decimal_places=2)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = parties


class AppraisalForm(FindingForm):
    """The developer records the appraiser's written finding; once an appraiser is chosen, only
    that one is offered."""

    appraiser = forms.ModelChoiceField(label=_("鉴定机构"), queryset=_appraisers())
    field_order = ["appraiser", "responsible", "fee"]

    def __init__(self, *args, chosen=None, **kwargs):
        super().__init__(*args, **kwargs)
        if chosen is not None:
            self.fields["appraiser"].queryset = _appraisers().filter(pk=chosen)
            self.fields["appraiser"].initial = chosen


class RectifyForm(forms.Form):
    explanation = forms.CharField(label=_("整改情况说明"), widget=forms.Textarea(attrs={"rows": 3}))


class DeveloperConfirmForm(forms.Form):
    reply = forms.CharField(
        label=_("书面回复（送保险公司和风险管理机构）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EvidenceForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=EvidenceStage.choices)
    file = forms.FileField(
        label=_("照片或文件"),
        help_text=_("PNG、JPEG 或 PDF，不超过 %(mb)s MB")
        % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,application/pdf", "capture": "environment"}
        ),
    )


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评分"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)]
    )
    reasons = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 4}))


class JointInspectionForm(forms.Form):
    scheduled_on = forms.DateField(label=_("共同查验日期"), widget=DATE_WIDGET)


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *DefectStatus.choices]
    )
    grade = forms.ChoiceField(
        label=_("等级"), required=False, choices=[("", _("全部")), *Grade.choices]
    )
    stage = forms.ChoiceField(
        label=_("施工阶段"), required=False, choices=[("", _("全部")), *Stage.choices]
    )
    responsible = forms.TypedChoiceField(
        label=_("责任单位"), required=False, coerce=int, empty_value=None
    )
    building = forms.TypedChoiceField(label=_("楼栋"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label=_("缺陷类别"), required=False)

    def __init__(self, *args, buildings, responsible, categories, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["building"].choices = everything + buildings
        self.fields["responsible"].choices = everything + responsible
        self.fields["category"].choices = everything + list(categories.items())
