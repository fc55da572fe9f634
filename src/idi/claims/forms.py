"""The owner's filing form (mobile-first); the process actions post small forms of their own."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from idi.claims.models import Event, Place
from idi.underwriting.models import AdditionalSubItem

CATEGORIES = [
    ("waterproofing", _("防水（渗漏）")),
    ("foundation_structure", _("地基基础和主体结构")),
    ("insulation", _("保温")),
    ("concealed_works", _("墙体、地面内管线（全装修）")),
    ("additional", _("附加险（装修、安装、供暖制冷）")),
]


class FileClaimForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("房屋"), coerce=int)
    category = forms.ChoiceField(label=_("问题类别"), choices=CATEGORIES)
    sub_item = forms.ChoiceField(
        label=_("附加险分项"),
        choices=[("", "—"), *AdditionalSubItem.choices],
        required=False,
    )
    place = forms.ChoiceField(label=_("部位"), choices=Place.choices)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    noticed_on = forms.DateField(
        label=_("发现日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    affects_basic_living = forms.BooleanField(
        label=_("影响基本生活（停水、停电、安全隐患、房间无法使用）"), required=False
    )
    event = forms.ChoiceField(label=_("情形"), choices=Event.choices, initial=Event.OTHER)
    photo = forms.FileField(label=_("照片"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            (u.pk, f"{u.project.name} {u.building.name} {u.room_number}") for u in units
        ]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
