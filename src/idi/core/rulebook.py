"""The platform's one rulebook instance: the packs and the working-day calendar.

Loaded once per process from the built-in packs plus the operator's directories in settings.
"""

from datetime import date
from functools import cache

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from idi.core import formats
from idi.rules import Rulebook, RulePack, load_rulebook

# The platform serves Hangzhou's pilot: the packs it applies are this jurisdiction's.
JURISDICTION = "hangzhou"


@cache
def get_rulebook() -> Rulebook:
    return load_rulebook(
        pack_dirs=tuple(settings.IDI_RULE_PACK_DIRS),
        calendar_dir=settings.IDI_CALENDAR_DIR,
    )


def permit_packs() -> list[RulePack]:
    """R-U1: the platform's packs, in the order of the permit dates they govern."""
    return sorted(
        (p for p in get_rulebook().packs if p.jurisdiction == JURISDICTION),
        key=lambda p: p.permits_from,
    )


def is_insurable_permit_date(applied_on: date) -> bool:
    """R-U1: some pack governs a permit first applied for on this date."""
    return any(p.covers_permit(applied_on) for p in permit_packs())


def insurable_permit_dates(field: str = "applied_on") -> Q:
    """The permits (a Q over `field`) whose date some pack governs, for lists that offer only
    what can be insured."""
    ranges = Q(pk__in=[])
    for pack in permit_packs():
        ranges |= Q(**{f"{field}__range": (pack.permits_from, pack.permits_to)})
    return ranges


def permit_ranges_text() -> str:
    """R-U1 in the reader's language: each pack with the permit dates it governs."""
    language = get_language()
    english = formats.is_english(language)
    lines = [
        _("%(pack)s：%(start)s 至 %(end)s")
        % {
            "pack": (pack.title_en or pack.title) if english else pack.title,
            "start": formats.day(pack.permits_from, language),
            "end": formats.day(pack.permits_to, language),
        }
        for pack in permit_packs()
    ]
    return ("; " if english else "；").join(lines)


def uninsurable_permit_text(applied_on: date) -> str:
    """Why a permit applied for outside every pack's range cannot be insured (R-U1)."""
    return _(
        "申领日期 %(date)s 不在任何试点规则包的适用范围内，该施工许可证无法投保："
        "试点办法只适用于以下日期申领的施工许可证——%(ranges)s。"
    ) % {"date": formats.day(applied_on, get_language()), "ranges": permit_ranges_text()}
