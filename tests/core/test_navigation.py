"""The header menu follows who is signed in."""

from idi.core.navigation import menu_for
from idi.core.permissions import ANONYMOUS, Actor


def names(actor):
    return [url_name for url_name, _ in menu_for(actor)]


def test_anonymous_sees_only_the_coverage_check():
    assert names(ANONYMOUS) == ["coverage_check"]


def test_owner_sees_its_homes_and_claims():
    owner = Actor(user_id=7, label="owner", roles=frozenset({"owner"}))
    assert names(owner) == ["underwriting:my_homes", "claims:list", "coverage_check"]


def test_developer_and_insurer_menus():
    developer = Actor(user_id=1, label="d", organisation_id=1, organisation_type="developer")
    insurer = Actor(user_id=2, label="i", organisation_id=2, organisation_type="insurer")
    assert names(developer)[:2] == ["projects:list", "underwriting:list"]
    assert names(insurer)[:2] == ["underwriting:list", "projects:list"]


def test_contractor_sees_its_notices():
    contractor = Actor(user_id=3, label="c", organisation_id=3, organisation_type="contractor")
    assert "underwriting:notices" in names(contractor)
    assert "parties:org_list" not in names(contractor)


def test_regulator_sees_the_organisations():
    regulator = Actor(
        user_id=4, label="r", organisation_id=4, organisation_type="regulator", district="xihu"
    )
    assert "parties:org_list" in names(regulator)


def test_localised_picks_the_pack_text_of_the_active_language():
    from django.utils import translation

    from idi.core.templatetags.idi import localised

    with translation.override("en"):
        assert localised("防水工程", "waterproofing") == "waterproofing"
    with translation.override("zh-hans"):
        assert localised("防水工程", "waterproofing") == "防水工程"


def test_r_f6_fund_parties_find_the_guarantee_fund():
    for kind in ("developer", "insurer", "regulator", "guarantee_institution"):
        actor = Actor(user_id=5, label=kind, organisation_id=5, organisation_type=kind)
        assert "fund:overview" in names(actor), kind
    contractor = Actor(user_id=6, label="c", organisation_id=6, organisation_type="contractor")
    assert "fund:overview" not in names(contractor)
