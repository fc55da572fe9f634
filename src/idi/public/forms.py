from django import forms
from django.utils.translation import gettext_lazy as _

CATEGORY_CHOICES = [
    ("foundation_structure", _("地基基础和主体结构")),
    ("insulation", _("保温工程")),
    ("waterproofing", _("防水工程")),
    ("concealed_works", _("隐蔽工程（全装修住宅埋设管线）")),
    ("additional", _("附加险（装修、设备安装、供热供冷）")),
]
EVENT_CHOICES = [
    ("other", _("一般质量缺陷")),
    ("collapse", _("主体结构整体或局部坍塌")),
    ("casualty", _("人员伤亡")),
]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DECORATION_CHOICES = [("", _("请选择")), ("yes", _("全装修")), ("no", _("非全装修（毛坯）"))]


class CoverageCheckForm(forms.Form):
    completion = forms.DateField(label=_("竣工验收合格日期"), widget=DATE_WIDGET)
    delivery = forms.DateField(
        label=_("房屋交付日期"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("不知道可以留空"),
    )
    category = forms.ChoiceField(label=_("缺陷类别"), choices=CATEGORY_CHOICES)
    on = forms.DateField(label=_("缺陷出现日期"), widget=DATE_WIDGET)
    # Asked, never assumed: it decides whether concealed works are covered at all (R-C4).
    fully_decorated = forms.ChoiceField(
        label=_("交付标准"),
        choices=DECORATION_CHOICES,
        required=False,
        help_text=_("隐蔽工程仅对全装修住宅承保"),
    )
    additional_years = forms.IntegerField(
        label=_("附加险保险期限（年）"),
        required=False,
        min_value=0,
        help_text=_("仅附加险需要，见保险告知书，不少于 2 年"),
    )
    event = forms.ChoiceField(label=_("事件"), choices=EVENT_CHOICES, initial="other")

    def clean(self):
        data = super().clean()
        if data.get("category") == "concealed_works" and not data.get("fully_decorated"):
            self.add_error(
                "fully_decorated",
                _("请选择房屋是否全装修交付：隐蔽工程仅对全装修住宅承保"),
            )
        return data

    def query_params(self) -> dict:
        """The cleaned form as the rulebook's `assess` question."""
        data = self.cleaned_data
        params = {
            "category": data["category"],
            "completion": data["completion"].isoformat(),
            "on": data["on"].isoformat(),
            "fully_decorated": data["fully_decorated"] == "yes",
            "event": data["event"],
        }
        if data.get("delivery"):
            params["delivery"] = data["delivery"].isoformat()
        if data.get("additional_years") is not None:
            params["additional_years"] = data["additional_years"]
        return params
