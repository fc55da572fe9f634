from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from idi.parties.models import District, OrgType, RelationshipKind, Role


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    org_type = forms.ChoiceField(label=_("单位类型"), choices=OrgType.choices)
    uscc = forms.CharField(
        label=_("统一社会信用代码"), max_length=18, help_text=_("18 位，含校验码")
    )
    district = forms.ChoiceField(
        label=_("所属区县"),
        choices=[("", "—"), *District.choices],
        required=False,
        help_text=_("建设行政主管部门须选择管辖的区县或市级"),
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)


class OrganisationEditForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    district = forms.ChoiceField(
        label=_("所属区县"), choices=[("", "—"), *District.choices], required=False
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)

    def __init__(self, *args, operator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # Name and district are the operator's to change; the organisation's own
        # administrator sees them but cannot submit them.
        self.editable = set(self.fields)
        if not operator:
            for name in ("name", "district"):
                self.fields[name].disabled = True
                self.editable.discard(name)


class MemberForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput(render_value=False), min_length=8
    )
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    real_name = forms.CharField(label=_("姓名"), max_length=100, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(k, v) for k, v in Role.choices if k in roles]


class QualificationForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    registered_capital = forms.DecimalField(
        label=_("注册资本金（元）"), max_digits=18, decimal_places=2, min_value=0
    )
    solvency_ratio = forms.DecimalField(
        label=_("偿付能力充足率（%）"),
        max_digits=8,
        decimal_places=2,
        min_value=0,
        help_text=_("例如 182.5"),
    )
    has_quality_department = forms.BooleanField(label=_("配备工程质量管理部门"), required=False)
    has_idi_lead_experience = forms.BooleanField(label=_("具有主承保经验"), required=False)

    def service_args(self) -> dict:
        """The figures as `record_qualification` takes them: the ratio as a fraction (the form
        asks for a percentage, as insurers publish it)."""
        data = self.cleaned_data
        return {
            "year": data["year"],
            "registered_capital": data["registered_capital"],
            "solvency_ratio": data["solvency_ratio"] / Decimal(100),
            "has_quality_department": data["has_quality_department"],
            "has_idi_lead_experience": data["has_idi_lead_experience"],
        }


class RelationshipForm(forms.Form):
    to_org_uscc = forms.CharField(label=_("关联单位统一社会信用代码"), max_length=18)
    kind = forms.ChoiceField(label=_("关系"), choices=RelationshipKind.choices)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class ActivationForm(forms.Form):
    """业主账号激活: who the buyer is, as the sale recorded it, and the password it chooses."""

    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=11,
        help_text=_("购房时登记的手机号"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label=_("设置密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What settings.AUTH_PASSWORD_VALIDATORS demand, in Django's own words and language.
        self.fields["password"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("两次输入的密码不一致"))
        return data
