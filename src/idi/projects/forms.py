from django import forms
from django.utils.translation import gettext_lazy as _

from idi.core.errors import RuleViolation
from idi.core.refusals import refusal_html
from idi.core.rulebook import permit_ranges_text
from idi.parties.models import District, Organisation, OrgType
from idi.parties.services import clean_owner_identity
from idi.projects import imports
from idi.projects.models import HousingType, ParticipantRole, ProjectHousingType

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Every choice a party must make starts unchosen, so that nothing is registered by default.
UNCHOSEN = [("", _("请选择"))]
PROJECT_DISTRICTS = UNCHOSEN + [(k, v) for k, v in District.choices if k != District.CITY]
# 全装修 is a fact of the building that decides a cover (R-C4): asked, never assumed.
DECORATION_CHOICES = [*UNCHOSEN, ("yes", _("全装修")), ("no", _("非全装修（毛坯）"))]


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    district = forms.ChoiceField(
        label=_("所属区县"),
        choices=PROJECT_DISTRICTS,
        error_messages={"required": _("请选择项目所在的区县")},
    )
    housing_type = forms.ChoiceField(
        label=_("住房类型"),
        choices=UNCHOSEN + ProjectHousingType.choices,
        help_text=_("混合项目的每栋楼分别为保障房或商品房"),
        error_messages={"required": _("请选择项目的住房类型")},
    )
    address = forms.CharField(label=_("项目地址"), max_length=300, required=False)
    developer = forms.ModelChoiceField(label=_("建设单位"), queryset=None, required=False)

    def __init__(self, *args, developers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if developers is None:
            del self.fields["developer"]
        else:
            self.fields["developer"].queryset = developers
            self.fields["developer"].required = True


class PlanningPermitForm(forms.Form):
    number = forms.CharField(label=_("工程规划许可证号"), max_length=64)
    issued_on = forms.DateField(label=_("发证日期"), required=False, widget=DATE_WIDGET)


class PermitForm(forms.Form):
    planning_permit = forms.ModelChoiceField(label=_("工程规划许可证"), queryset=None)
    number = forms.CharField(label=_("施工许可证号"), max_length=64)
    applied_on = forms.DateField(
        label=_("申领日期"),
        widget=DATE_WIDGET,
    )
    issued_on = forms.DateField(label=_("发证日期"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, planning_permits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planning_permit"].queryset = planning_permits
        # R-U1: the dates a pack governs, where the date is typed (a permit outside them can
        # be registered but not insured).
        self.fields["applied_on"].help_text = _(
            "首次申领施工许可证的日期，决定适用的试点规则。可投保的申领日期：%(ranges)s"
        ) % {"ranges": permit_ranges_text()}


class PermitIssueForm(forms.Form):
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE_WIDGET)


class ConstructionStartForm(forms.Form):
    construction_started_on = forms.DateField(label=_("开工日期"), widget=DATE_WIDGET)


class CompletionForm(forms.Form):
    completion_accepted_on = forms.DateField(label=_("竣工验收合格日期"), widget=DATE_WIDGET)


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("交付日期"), widget=DATE_WIDGET)


class BuildingForm(forms.Form):
    """A building of a project: its housing type is the project's (asked only in a mixed
    project), and whether it is fully decorated is always asked."""

    permit = forms.ModelChoiceField(label=_("施工许可证"), queryset=None)
    name = forms.CharField(label=_("楼栋"), max_length=64, help_text=_("例如：1幢"))
    housing_type = forms.ChoiceField(
        label=_("住房类型"),
        choices=UNCHOSEN + HousingType.choices,
        help_text=_("混合项目须逐栋选择保障房或商品房"),
        error_messages={"required": _("请选择本楼栋的住房类型")},
    )
    fully_decorated = forms.TypedChoiceField(
        label=_("交付标准"),
        choices=DECORATION_CHOICES,
        coerce=lambda value: value == "yes",
        help_text=_("全装修住宅另保墙体和地面内的管线（隐蔽工程）"),
        error_messages={"required": _("请选择本楼栋是否全装修交付")},
    )
    floors_above = forms.IntegerField(label=_("地上层数"), min_value=1, max_value=300)
    floors_below = forms.IntegerField(label=_("地下层数"), min_value=0, max_value=20, initial=0)

    def __init__(self, *args, permits, project_housing_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permit"].queryset = permits
        if project_housing_type != ProjectHousingType.MIXED:
            # The project decided it (R-U5's floor follows from it): not asked again.
            del self.fields["housing_type"]


class UnitForm(forms.Form):
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=None)
    room_number = forms.CharField(label=_("房号"), max_length=32)
    floor = forms.IntegerField(label=_("楼层"), min_value=-20, max_value=300)
    area = forms.DecimalField(
        label=_("建筑面积（㎡）"), max_digits=9, decimal_places=2, min_value=0.01
    )

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings


class ParticipantForm(forms.Form):
    """A participant found by its name (or part of it) or its credit code."""

    role = forms.ChoiceField(
        label=_("参建角色"),
        choices=UNCHOSEN + ParticipantRole.choices,
        error_messages={"required": _("请选择参建角色")},
    )
    organisation = forms.CharField(
        label=_("单位名称或统一社会信用代码"),
        max_length=200,
        help_text=_("填写名称中的几个字即可；参建单位须已在平台登记"),
    )
    # The service names the credit code it was given; this form takes it as `organisation`.
    refusal_fields = {"organisation_uscc": "organisation"}


class SaleForm(forms.Form):
    """A sale with its buyer and an optional co-buyer (共有人)."""

    sold_on = forms.DateField(label=_("销售日期"), widget=DATE_WIDGET)
    contract_number = forms.CharField(label=_("合同编号"), max_length=64, required=False)
    buyer1_real_name = forms.CharField(label=_("买受人姓名"), max_length=100)
    buyer1_id_number = forms.CharField(label=_("买受人身份证号"), max_length=18)
    buyer1_phone = forms.CharField(label=_("买受人手机号"), max_length=11)
    buyer2_real_name = forms.CharField(label=_("共有人姓名"), max_length=100, required=False)
    buyer2_id_number = forms.CharField(label=_("共有人身份证号"), max_length=18, required=False)
    buyer2_phone = forms.CharField(label=_("共有人手机号"), max_length=11, required=False)

    def clean(self):
        data = super().clean()
        self.buyers = []
        for n in (1, 2):
            values = {k: data.get(f"buyer{n}_{k}", "") for k in ("real_name", "id_number", "phone")}
            if n == 2 and not any(values.values()):
                continue
            try:
                name, number, phone = clean_owner_identity(**values)
            except RuleViolation as exc:
                self.add_error(f"buyer{n}_{exc.field}", refusal_html(exc))
                continue
            self.buyers.append({"real_name": name, "id_number": number, "phone": phone})
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("数据文件"),
        help_text=_("Excel 工作簿（.xlsx）或 CSV（UTF-8 或 GB18030 编码），不超过 50 MB"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件超过 50 MB"))
        return upload


def developer_choices():
    return Organisation.objects.filter(org_type=OrgType.DEVELOPER).order_by("name")
