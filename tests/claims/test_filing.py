"""Filing: routing by R-C5 on the filing date, idempotency, emergencies (R-K6), the repair
warranty link (R-K5), and answers at once for what the scheme does not cover."""

from datetime import date, timedelta

import pytest
from claims_helpers import at, build_claims_world, deadline_of, file, filing, nothing_written
from django.db import connection
from django.test.utils import CaptureQueriesContext

from idi.claims import services
from idi.claims.models import Claim, EmergencyRepair
from idi.core.errors import Forbidden, RuleViolation
from idi.core.models import AuditEvent
from idi.projects.models import Building


def test_r_c5_insured_claim_goes_to_the_lead_insurer(cw):
    with at(2025, 9, 26):
        claim = file(cw)
    assert (claim.coverage_status, claim.routed_role, claim.routed_org_id, claim.status) == (
        "insured",
        "insurer",
        cw.lead.org.pk,
        "received",
    )
    assert (claim.window_start, claim.window_end) == (date(2025, 6, 30), date(2031, 6, 29))


def test_filing_locks_the_audit_chain_only_to_write_its_events(cw):
    """Every audited write waits for the chain's one head row: a filing takes it only after
    its own writes, for its two events (the clock's and the claim's), so that parallel
    filings wait for each other only for those."""
    with at(2025, 9, 26), CaptureQueriesContext(connection) as queries:
        claim = file(cw, affects_basic_living=True)
    sql = [q["sql"] for q in queries.captured_queries]
    head = next(i for i, q in enumerate(sql) if "core_auditchainhead" in q)
    assert 'INSERT INTO "claims_emergencyrepair"' in "".join(sql[:head])
    rest = [q.split('"')[1] for q in sql[head + 1 :] if q.startswith(("INSERT", "UPDATE"))]
    assert rest == ["core_auditevent", "core_auditchainhead"]
    events = AuditEvent.objects.order_by("id")
    assert [e.action for e in events][-2:] == ["notifications.start_deadline", "claims.file_claim"]
    assert events.last().object_id == str(claim.pk)


def test_r_c5_developer_warranty_is_referred_to_the_developer(cw):
    """Before the period starts (2025-06-30) the developer's warranty applies (R-C5); before
    delivery + 3 months (2023-11-01, R-F2) the claim is referred to the developer with its
    contact, and the owner is told from when the lead insurer takes repair requests (the
    fund's pre-period track takes them from that date)."""
    with at(2023, 9, 1):
        claim = file(cw, noticed_on=date(2023, 8, 30))
    assert (claim.coverage_status, claim.routed_role, claim.routed_org_id) == (
        "developer_warranty",
        "developer",
        cw.developer.org.pk,
    )
    assert claim.status == "referred" and claim.insurer_channel is False
    assert cw.developer.org.name in claim.answer
    assert "2023-11-01" in claim.answer
    assert not claim.is_open


@pytest.mark.parametrize(
    ("changes", "on", "status"),
    [
        ({"category": "additional", "sub_item": "decoration"}, (2027, 7, 1), "expired"),
        ({"category": "additional", "sub_item": "mep_installation"}, (2025, 9, 26), "not_covered"),
    ],
)
def test_r_c5_outside_the_cover_is_answered_at_once(cw, changes, on, status):
    with at(*on):
        claim = file(cw, noticed_on=date(*on), **changes)
    assert (claim.coverage_status, claim.status, claim.routed_role) == (status, "answered", "none")
    assert claim.answer and claim.closed_on == date(*on)
    assert not claim.is_open


def test_r_c4_concealed_works_of_a_building_not_fully_decorated_is_not_covered(cw):
    Building.objects.filter(pk=cw.building.pk).update(fully_decorated=False)
    with at(2025, 9, 26):
        claim = file(cw, category="concealed_works")
    assert (claim.coverage_status, claim.status) == ("not_covered", "answered")


def test_r_c5_structural_collapse_after_ten_years_goes_to_the_guarantee_institution(cw):
    with at(2035, 7, 2):
        claim = file(
            cw,
            category="foundation_structure",
            place="structure",
            event="collapse",
            noticed_on=date(2035, 7, 1),
        )
    assert (claim.coverage_status, claim.routed_role, claim.routed_org_id) == (
        "fund_structural",
        "guarantee_institution",
        cw.guarantee.org.pk,
    )


def test_same_idempotency_key_returns_the_same_claim(cw):
    with at(2025, 9, 26):
        first, created = services.file_claim(
            actor=cw.owner.actor, filing=filing(cw), idempotency_key="abc"
        )
        again, created_again = services.file_claim(
            actor=cw.owner.actor, filing=filing(cw, description="另一描述"), idempotency_key="abc"
        )
    assert created and not created_again and first.pk == again.pk
    assert Claim.objects.count() == 1


def test_bad_filing_names_field_and_rule_and_writes_nothing(cw):
    with at(2025, 9, 26):
        with nothing_written(), pytest.raises(RuleViolation) as exc:
            file(cw, category="additional")
        assert (exc.value.rule, exc.value.field) == ("R-C1", "sub_item")
        with nothing_written(), pytest.raises(RuleViolation) as exc:
            file(cw, noticed_on=date(2025, 9, 27))
        assert exc.value.field == "noticed_on"
        with nothing_written(), pytest.raises(RuleViolation) as exc:
            file(cw, category="roof")
        assert (exc.value.rule, exc.value.field) == ("R-C1", "category")
        with nothing_written(), pytest.raises(RuleViolation) as exc:
            file(cw, description=" ")
        assert exc.value.field == "description"


def test_only_the_owner_or_on_its_behalf_may_file(cw):
    with at(2025, 9, 26):
        with nothing_written(), pytest.raises(Forbidden):
            file(cw, actor=cw.other_owner.actor)
        with nothing_written(), pytest.raises(Forbidden):
            file(cw, actor=cw.outsider.actor)
        on_behalf = file(cw, actor=cw.developer.actor)
    assert on_behalf.filed_for_owner_by_id == cw.developer.org.pk


def test_r_k6_basic_living_opens_an_emergency_repair_under_the_insurers_plan(cw):
    services.set_emergency_plan(actor=cw.lead_admin.actor, response_hours=4, hotline="95500")
    with at(2025, 9, 26, 22, 0):
        claim = file(cw, affects_basic_living=True)
    emergency = EmergencyRepair.objects.get(claim=claim)
    assert emergency.insurer_id == cw.lead.org.pk
    assert emergency.respond_by == claim.filed_at + timedelta(hours=4)
    assert claim.emergency and claim.status == "received"  # before determination
    with at(2025, 9, 27, 1, 0):
        services.respond_to_emergency(actor=cw.handler.actor, claim=claim)
    emergency.refresh_from_db()
    assert emergency.responded_at is not None


def test_r_k6_overdue_emergency_is_escalated_once(cw):
    services.set_emergency_plan(actor=cw.lead_admin.actor, response_hours=2)
    with at(2025, 9, 26, 9, 0):
        claim = file(cw, affects_basic_living=True)
    with at(2025, 9, 26, 10, 59):
        assert services.sweep_emergencies() == 0
    with at(2025, 9, 26, 11, 1):
        assert services.sweep_emergencies() == 1
        assert services.sweep_emergencies() == 0
    assert cw.handler.user.notifications.filter(subject__contains=claim.number).count() == 1


def test_r_k6_no_emergency_when_not_insured(cw):
    with at(2025, 3, 3):
        claim = file(cw, affects_basic_living=True, noticed_on=date(2025, 3, 1))
    assert not EmergencyRepair.objects.filter(claim=claim).exists()


def _accepted_repair(w, *, on_file, on_accept, **changes):
    with at(*on_file):
        claim = file(w, noticed_on=date(*on_file), **changes)
    with at(*on_file):
        services.determine(actor=w.handler.actor, claim=claim, outcome="covered", reasons="")
        services.agree(actor=w.handler.actor, claim=claim, remedy="repair")
        services.complete_repair(actor=w.handler.actor, claim=claim)
    with at(*on_accept):
        services.owner_decision(actor=w.owner.actor, claim=claim, accepted=True, rating=5)
    return Claim.objects.get(pk=claim.pk)


def test_r_k5_acceptance_starts_a_180_day_warranty_from_the_day_after(cw):
    """R-K5: accepted 2025-08-31: day 1 is 09-01, day 180 is 2026-02-27 (no R-T3 move)."""
    claim = _accepted_repair(cw, on_file=(2025, 8, 25), on_accept=(2025, 8, 31))
    assert claim.status == "closed"
    assert claim.repair.warranty_until == date(2026, 2, 27)
    assert claim.rating == 5


def test_r_k5_new_claim_under_warranty_is_linked_and_covered_after_the_window_ended(cw):
    """The decoration window ends 2027-06-29; a repair accepted 2027-03-01 keeps its warranty
    to 2027-08-28, so a claim on the same item and place on 2027-07-15 is linked and handled as
    covered by the lead insurer (its clock is provisional: 2027's calendar is not known, R-T5)."""
    first = _accepted_repair(
        cw,
        on_file=(2027, 2, 20),
        on_accept=(2027, 3, 1),
        category="additional",
        sub_item="decoration",
        place="living_room",
    )
    assert first.repair.warranty_until == date(2027, 8, 28)
    with at(2027, 7, 15):
        again = file(
            cw,
            category="additional",
            sub_item="decoration",
            place="living_room",
            noticed_on=date(2027, 7, 14),
        )
        elsewhere = file(
            cw,
            category="additional",
            sub_item="decoration",
            place="bedroom",
            noticed_on=date(2027, 7, 14),
        )
    assert again.linked_repair_id == first.repair_id
    assert (again.coverage_status, again.routed_role, again.status) == (
        "expired",
        "insurer",
        "received",
    )
    assert deadline_of(again, "claim_determination").provisional is True
    assert (elsewhere.linked_repair_id, elsewhere.status) == (None, "answered")


def test_r_k5_after_the_warranty_there_is_no_link(cw):
    _accepted_repair(
        cw,
        on_file=(2027, 2, 20),
        on_accept=(2027, 3, 1),
        category="additional",
        sub_item="decoration",
        place="living_room",
    )
    with at(2027, 8, 29):
        late = file(
            cw,
            category="additional",
            sub_item="decoration",
            place="living_room",
            noticed_on=date(2027, 8, 29),
        )
    assert (late.linked_repair_id, late.status) == (None, "answered")


def test_owner_may_reject_the_repair_and_the_insurer_redoes_it(cw):
    with at(2025, 9, 26):
        claim = file(cw)
        services.determine(actor=cw.handler.actor, claim=claim, outcome="covered", reasons="")
        services.agree(actor=cw.handler.actor, claim=claim, remedy="repair")
        services.complete_repair(actor=cw.handler.actor, claim=claim)
        services.owner_decision(actor=cw.owner.actor, claim=claim, accepted=False, comment="仍渗水")
        assert Claim.objects.get(pk=claim.pk).status == "rejected"
        services.complete_repair(actor=cw.handler.actor, claim=claim)
        services.owner_decision(actor=cw.owner.actor, claim=claim, accepted=True, rating=4)
    assert Claim.objects.get(pk=claim.pk).status == "closed"


def test_refused_transitions_change_nothing(cw):
    with at(2025, 9, 26):
        claim = file(cw)
        with nothing_written(), pytest.raises(RuleViolation) as exc:
            services.complete_repair(actor=cw.handler.actor, claim=claim)
        assert exc.value.code == "invalid_state"
        with nothing_written(), pytest.raises(Forbidden):
            services.determine(actor=cw.owner.actor, claim=claim, outcome="covered", reasons="")
        with nothing_written(), pytest.raises(RuleViolation):
            services.owner_decision(actor=cw.owner.actor, claim=claim, accepted=True, rating=6)


def test_building_world_with_coinsurance(db):
    w = build_claims_world(coinsurance=True)
    with at(2025, 9, 26):
        claim = file(w)
    assert claim.routed_org_id == w.lead.org.pk
