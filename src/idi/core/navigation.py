"""The main menu: what each party finds in the header, by who it is."""

from django.utils.translation import gettext_lazy as _

from idi.core.permissions import Actor, actor_from_request

# (URL name, label). Each entry is a page whose own selector decides what the actor sees there;
# the menu only saves a party from links that would show it nothing.
COVERAGE = ("coverage_check", _("保障查询"))
MY_HOMES = ("underwriting:my_homes", _("我的房屋"))
PROJECTS = ("projects:list", _("项目"))
POLICIES = ("underwriting:list", _("保单"))
NOTICES = ("underwriting:notices", _("参建单位通知"))
ORGANISATIONS = ("parties:org_list", _("单位"))
MY_ORGANISATION = ("parties:my_org", _("我的单位"))
CLAIMS = ("claims:list", _("理赔"))
MY_CLAIMS = ("claims:list", _("报修理赔"))
CLAIMS_QUEUE = ("claims:queue", _("理赔待办"))
CLAIMS_OVERSIGHT = ("claims:oversight", _("理赔监管"))
FUND = ("fund:overview", _("保障基金"))

MENUS = {
    "developer": [PROJECTS, POLICIES, CLAIMS, FUND, MY_ORGANISATION],
    "insurer": [POLICIES, PROJECTS, CLAIMS_QUEUE, CLAIMS, FUND, MY_ORGANISATION],
    "regulator": [PROJECTS, POLICIES, CLAIMS_OVERSIGHT, FUND, ORGANISATIONS],
    "guarantee_institution": [FUND, PROJECTS, POLICIES, CLAIMS, ORGANISATIONS],
}
PARTICIPANT_MENU = [PROJECTS, NOTICES, MY_ORGANISATION]
OPERATOR_MENU = [PROJECTS, POLICIES, FUND, ORGANISATIONS]


def menu_for(actor: Actor) -> list[tuple[str, str]]:
    if actor.is_anonymous:
        return [COVERAGE]
    if actor.is_operator:
        return [*OPERATOR_MENU, COVERAGE]
    if actor.organisation_type is None:
        return [MY_HOMES, MY_CLAIMS, COVERAGE]
    return [*MENUS.get(actor.organisation_type, PARTICIPANT_MENU), COVERAGE]


def navigation(request) -> dict:
    """Template context processor: `nav_menu` for base.html."""
    return {"nav_menu": menu_for(actor_from_request(request))}
