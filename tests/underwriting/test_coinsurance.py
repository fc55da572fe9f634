"""Insurers of a policy: single or co-insurance (R-U4), one lead per planning permit (R-U2),
lead qualifications as warnings (R-U6)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from uw_helpers import (
    add_permit,
    assert_api_refused,
    assert_ui_refused,
    coinsured,
    draft,
    nothing_written,
    qualify,
    quoted,
    ready,
    single,
    terms,
)

from idi.parties.models import InsurerQualification
from idi.underwriting import services
from idi.underwriting.models import PolicyShare

pytestmark = pytest.mark.django_db


def _shares_json(*rows):
    return {"shares": [{"insurer": i, "role": r, "fraction": f} for i, r, f in rows]}


def _shares_form(*rows):
    data = {}
    for n, (insurer, role, fraction) in enumerate(rows):
        data.update({f"insurer_{n}": insurer, f"role_{n}": role, f"fraction_{n}": fraction})
    return data


def _drafted(world):
    policy = draft(world)
    services.set_terms(actor=world.developer.actor, policy=policy, terms=terms())
    return policy


# --- R-U4 -------------------------------------------------------------------------------------


def test_R_U4_single_insurer_and_coinsurance_accepted(world):
    """R-U4: one insurer at 100%, or 1 lead ≥ 50% with ≥ 2 followers summing to 100%."""
    policy = _drafted(world)
    services.set_shares(actor=world.developer.actor, policy=policy, shares=single(world))
    assert list(policy.shares.values_list("role", "fraction")) == [("lead", Decimal("1"))]
    services.set_shares(actor=world.developer.actor, policy=policy, shares=coinsured(world))
    assert sorted(policy.shares.values_list("fraction", flat=True)) == [
        Decimal("0.2"),
        Decimal("0.3"),
        Decimal("0.5"),
    ]


def test_R_U4_one_follower_refused_in_api(world):
    """R-U4: a co-insurance needs at least 2 followers."""
    policy = _drafted(world)
    w = world
    with nothing_written():
        response = w.developer.client().put(
            f"/api/v1/policies/{policy.pk}/shares",
            _shares_json((w.lead.org.pk, "lead", "0.6"), (w.f1.org.pk, "follower", "0.4")),
            content_type="application/json",
        )
    error = assert_api_refused(response, rule="R-U4", field="shares")
    assert "从保" in error["message"]


def test_R_U4_every_problem_comes_back_as_a_list_with_codes(world):
    """R-U4: shares with several faults answer every one in `problems`, each with its code,
    rule and field (the first also at the top level), in the caller's language."""
    policy = _drafted(world)
    w = world
    body = _shares_json((w.lead.org.pk, "lead", "0.4"), (w.f1.org.pk, "follower", "0.3"))
    url = f"/api/v1/policies/{policy.pk}/shares"
    with nothing_written():
        response = w.developer.client().put(url, body, content_type="application/json")
    error = assert_api_refused(response, rule="R-U4", field="shares")
    problems = error["problems"]
    assert [p["code"] for p in problems] == ["wrong_total", "wrong_count", "below_floor"]
    assert {(p["rule"], p["field"]) for p in problems} == {("R-U4", "shares")}
    assert error["code"] == "wrong_total" and error["message"] == problems[0]["message"]
    assert all(" / " not in p["message"] for p in problems)
    english = w.developer.client().put(
        url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    messages = [p["message"] for p in english.json()["error"]["problems"]]
    assert messages[0] == "shares sum to 0.7, not 1 (100%)"
    assert messages[1] == "co-insurance needs at least 2 followers (got 1)"
    assert messages[2].startswith("lead ") and messages[2].endswith("holds 0.4, below 0.5")


def test_R_U4_every_problem_is_its_own_line_on_the_page(world):
    """R-U4: the page lists each fault of the shares on its own line, naming the rule."""
    policy = _drafted(world)
    w = world
    with nothing_written():
        response = w.developer.client().post(
            reverse("underwriting:shares", args=[policy.pk]),
            _shares_form((w.lead.org.pk, "lead", "0.4"), (w.f1.org.pk, "follower", "0.3")),
        )
    html = assert_ui_refused(response, rule="R-U4")
    assert html.count("<li>R-U4：") == 3


def test_R_U4_lead_below_half_refused_in_ui(world):
    """R-U4: the lead holds at least 50%."""
    policy = _drafted(world)
    w = world
    with nothing_written():
        response = w.developer.client().post(
            reverse("underwriting:shares", args=[policy.pk]),
            _shares_form(
                (w.lead.org.pk, "lead", "0.4"),
                (w.f1.org.pk, "follower", "0.3"),
                (w.f2.org.pk, "follower", "0.3"),
            ),
        )
    html = assert_ui_refused(response, rule="R-U4")
    assert 'id="form-errors"' in html


def test_R_U4_shares_not_summing_to_one_refused_in_api(world):
    """R-U4: shares sum to exactly 100%."""
    policy = _drafted(world)
    w = world
    with nothing_written():
        response = w.developer.client().put(
            f"/api/v1/policies/{policy.pk}/shares",
            _shares_json(
                (w.lead.org.pk, "lead", "0.5"),
                (w.f1.org.pk, "follower", "0.3"),
                (w.f2.org.pk, "follower", "0.1"),
            ),
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U4", field="shares")


def test_R_U4_zero_share_refused_and_database_refuses_it_too(world):
    """R-U4: every share > 0; the database holds that as a CHECK constraint."""
    policy = _drafted(world)
    w = world
    with nothing_written():
        response = w.developer.client().put(
            f"/api/v1/policies/{policy.pk}/shares",
            _shares_json(
                (w.lead.org.pk, "lead", "0.6"),
                (w.f1.org.pk, "follower", "0.4"),
                (w.f2.org.pk, "follower", "0"),
            ),
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U4", field="shares")
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyShare.objects.create(
            policy=policy, insurer=w.f2.org, role="follower", fraction=Decimal("0")
        )


def test_R_U4_two_leads_refused_by_the_database(world):
    """R-U4: one lead per policy, also as a partial unique index."""
    policy = _drafted(world)
    PolicyShare.objects.create(policy=policy, insurer=world.lead.org, role="lead", fraction=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyShare.objects.create(policy=policy, insurer=world.f1.org, role="lead", fraction=1)


def test_R_U4_a_non_insurer_cannot_hold_a_share(world):
    """Shares go to insurers only; the refusal names the row."""
    policy = _drafted(world)
    with nothing_written():
        response = world.developer.client().put(
            f"/api/v1/policies/{policy.pk}/shares",
            _shares_json((world.contractor.org.pk, "lead", "1")),
            content_type="application/json",
        )
    assert_api_refused(response, rule=None, field="shares.0.insurer")


def test_R_U4_shares_rechecked_at_issue(world):
    """R-U4: a share row broken behind the service's back is caught at issue."""
    policy = ready(world, shares=coinsured(world))
    PolicyShare.objects.filter(policy=policy, insurer=world.f2.org).delete()
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/issue", {}, content_type="application/json"
        )
    assert_api_refused(response, rule="R-U4", field="shares")


# --- R-U2 (same lead per planning permit) ------------------------------------------------------


def test_R_U2_same_planning_permit_needs_the_same_lead_in_api(world):
    """R-U2: permits under one planning permit share the lead insurer."""
    quoted(world)
    permit2, _ = add_permit(world.project, world.planning, "CP-2025-002")
    policy2 = _drafted_for(world, permit2)
    with nothing_written():
        response = world.developer.client().put(
            f"/api/v1/policies/{policy2.pk}/shares",
            _shares_json((world.f1.org.pk, "lead", "1")),
            content_type="application/json",
        )
    error = assert_api_refused(response, rule="R-U2", field="shares")
    assert "CP-2025-001" in error["message"]
    assert world.lead.org.name in error["message"]


def test_R_U2_same_planning_permit_needs_the_same_lead_in_ui(world):
    """R-U2: the same refusal on the shares form."""
    quoted(world)
    permit2, _ = add_permit(world.project, world.planning, "CP-2025-002")
    policy2 = _drafted_for(world, permit2)
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:shares", args=[policy2.pk]),
            _shares_form((world.f1.org.pk, "lead", "1")),
        )
    assert_ui_refused(response, rule="R-U2")


def test_R_U2_same_lead_as_follower_mix_accepted(world):
    """R-U2: the sibling may be co-insured as long as its lead is the same insurer."""
    quoted(world)
    permit2, _ = add_permit(world.project, world.planning, "CP-2025-002")
    policy2 = _drafted_for(world, permit2)
    services.set_shares(actor=world.developer.actor, policy=policy2, shares=coinsured(world))
    assert services.quote(actor=world.developer.actor, policy=policy2).state == "quoted"


def test_R_U2_first_quote_wins_between_two_drafts(world):
    """R-U2: two drafts may negotiate different leads; the second quote is refused."""
    policy1 = _drafted(world)
    services.set_shares(actor=world.developer.actor, policy=policy1, shares=single(world))
    permit2, _ = add_permit(world.project, world.planning, "CP-2025-002")
    policy2 = _drafted_for(world, permit2)
    services.set_shares(
        actor=world.developer.actor,
        policy=policy2,
        shares=[services.ShareInput(world.f1.org.pk, "lead", Decimal("1"))],
    )
    services.quote(actor=world.developer.actor, policy=policy1)
    with nothing_written():
        response = world.developer.client().post(f"/api/v1/policies/{policy2.pk}/quote")
    assert_api_refused(response, rule="R-U2", field="shares")


def _drafted_for(world, permit):
    policy = draft(world, permit)
    services.set_terms(actor=world.developer.actor, policy=policy, terms=terms())
    return policy


# --- R-U6 -------------------------------------------------------------------------------------


def test_R_U6_qualified_lead_has_no_warnings(world):
    """R-U6: a lead meeting every condition of the last three years has no warning."""
    policy = quoted(world)
    body = world.developer.client().get(f"/api/v1/policies/{policy.pk}").json()
    assert body["warnings"] == []


def test_R_U6_unqualified_lead_warns_but_never_blocks(world):
    """R-U6: a weak lead gives warnings (capital, solvency by year, department, experience) on
    the quote, in the API and on the page; quoting and issuing still succeed."""
    InsurerQualification.objects.filter(insurer=world.lead.org).delete()
    qualify(world.lead.org, good=False)
    policy = ready(world)
    body = world.developer.client().get(f"/api/v1/policies/{policy.pk}").json()
    rules = {w["rule"] for w in body["warnings"]}
    assert rules == {"R-U6"}
    messages = " ".join(w["message"] for w in body["warnings"])
    for year in ("2022", "2023", "2024"):
        assert year in messages
    assert len(body["warnings"]) == 6  # capital, three years of solvency, department, experience
    html = world.developer.client().get(reverse("underwriting:detail", args=[policy.pk]))
    assert 'id="lead-warnings"' in html.content.decode()
    assert services.issue_policy(actor=world.developer.actor, policy=policy).state == "issued"


def test_R_U6_warnings_are_stored_with_the_quote_not_recomputed_on_read(world):
    """R-U6: the warnings are those of the quote; figures the lead files later do not change
    what the quoted policy says, until it is quoted again."""
    InsurerQualification.objects.filter(insurer=world.lead.org).delete()
    qualify(world.lead.org, good=False)
    policy = quoted(world)
    url = f"/api/v1/policies/{policy.pk}"
    at_quote = world.developer.client().get(url).json()["warnings"]
    assert len(at_quote) == 6
    assert {w["code"] for w in at_quote} == {"below_floor", "not_met"}
    InsurerQualification.objects.filter(insurer=world.lead.org).delete()
    qualify(world.lead.org, good=True)
    assert world.developer.client().get(url).json()["warnings"] == at_quote
    english = world.developer.client().get(url, HTTP_ACCEPT_LANGUAGE="en").json()["warnings"]
    assert [w["code"] for w in english] == [w["code"] for w in at_quote]
    assert all(w["message"].isascii() for w in english)


def test_R_U6_missing_year_warns(world):
    """R-U6: a year without a recorded solvency ratio is a warning naming the year."""
    InsurerQualification.objects.filter(insurer=world.lead.org, year=2023).delete()
    policy = quoted(world)
    body = world.developer.client().get(f"/api/v1/policies/{policy.pk}").json()
    assert [w["rule"] for w in body["warnings"]] == ["R-U6"]
    assert "2023" in body["warnings"][0]["message"]
