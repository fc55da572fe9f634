"""Never missed silently: reminders 2 working days before a deadline and escalations once it
has passed, each once (idempotent, and safe with two sweeps at once on PostgreSQL), and the
R-T5 recompute of provisional deadlines when a new year's calendar is loaded."""

import threading
from datetime import date

import pytest
from claims_helpers import at, build_claims_world, deadline_of, file
from django.core.management import call_command
from django.db import connection, connections

from idi.claims import services
from idi.claims.models import Claim
from idi.notifications.models import Notification
from idi.notifications.services import sweep_deadlines


def _recipients(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_reminder_two_working_days_before_due_once_to_the_handlers(cw):
    """Due 2025-10-09: the working days before it are 09-30 and 09-29 (10-01..10-08 are the
    National Day holidays), so the reminder goes on 09-29, not on Sunday 09-28 (a 调休 working
    day, but three working days ahead)."""
    with at(2025, 9, 26):
        claim = file(cw)
    assert deadline_of(claim, "claim_determination").remind_on == date(2025, 9, 29)
    with at(2025, 9, 28, 23, 0):
        assert sweep_deadlines() == 0
    with at(2025, 9, 29, 8, 0):
        assert sweep_deadlines() == 1
        assert sweep_deadlines() == 0
    assert _recipients("reminder") == {"handler"}
    reminder = Notification.objects.get(kind="reminder")
    assert reminder.link == f"/claims/{claim.pk}/" and reminder.sent_at is not None
    # Each reader sees the message in its page's language, never both run together.
    assert reminder.subject == f"期限将至：理赔案件 {claim.number}"
    assert reminder.subject_en == f"Deadline approaching: Claim {claim.number}"
    assert reminder.body == f"理赔案件 {claim.number}：索赔核定，届满日 2025年10月9日"
    assert reminder.body_en == f"Claim {claim.number}: claim determination, due 9 Oct 2025"
    inbox = cw.handler.client()
    assert f"期限将至：理赔案件 {claim.number}" in inbox.get("/inbox/").content.decode()
    inbox.cookies["django_language"] = "en"
    page = inbox.get("/inbox/").content.decode()
    assert f"Deadline approaching: Claim {claim.number}" in page and "期限将至" not in page


def test_escalation_once_after_the_due_day_to_handlers_managers_and_district_regulator(cw):
    """R-T4: due at the end of 2025-10-09, so escalated on 10-10, to the handlers, the
    insurer's managers and the project's district regulator (not another district's)."""
    with at(2025, 9, 26):
        file(cw)
    with at(2025, 10, 9, 23, 59):
        sweep_deadlines()
        assert not Notification.objects.filter(kind="escalation").exists()
    with at(2025, 10, 10, 0, 5):
        assert sweep_deadlines() == 1
        assert sweep_deadlines() == 0
    assert _recipients("escalation") == {"handler", "lead_admin", "reg_bj"}
    assert Notification.objects.filter(kind="escalation").count() == 3


def test_a_met_deadline_is_neither_reminded_nor_escalated(cw):
    with at(2025, 9, 26):
        claim = file(cw)
        services.determine(actor=cw.handler.actor, claim=claim, outcome="covered", reasons="")
    with at(2025, 10, 20):
        assert sweep_deadlines() == 0
    assert not Notification.objects.exclude(kind="info").exists()
    # R-K2: the owner is told the result.
    told = Notification.objects.get(kind="info")
    assert told.recipient_id == cw.owner.user.pk and claim.number in told.subject


def test_idi_sweep_command_runs_the_deadline_sweep(cw, capsys):
    with at(2025, 9, 26):
        file(cw)
    with at(2025, 10, 10):
        call_command("sweep")
        call_command("sweep")
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("deadlines")]
    assert lines == ["deadlines / 期限提醒与督办: 1", "deadlines / 期限提醒与督办: 0"]


def test_inbox_unread_count_in_the_header(cw):
    with at(2025, 9, 26):
        file(cw)
    with at(2025, 10, 10):
        sweep_deadlines()
        page = cw.handler.client().get("/inbox/")
    assert page.status_code == 200
    assert 'data-testid="unread-count">1<' in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once_on_postgresql():
    """Two workers sweep at the same moment: SKIP LOCKED shares the deadlines between them and
    the unique constraint forbids a second message, so each recipient gets each reminder once."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL (make test-db)")
    w = build_claims_world()
    with at(2025, 9, 26):
        claims = [file(w, place=place) for place in ("bathroom", "kitchen", "balcony")] + [
            file(w, actor=w.developer.actor, place="bedroom") for _ in range(37)
        ]
    counts: list[int] = []
    barrier = threading.Barrier(2)

    def sweep():
        try:
            barrier.wait()
            counts.append(sweep_deadlines(batch_size=5))
        finally:
            connections.close_all()

    with at(2025, 9, 29, 8, 0):
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sum(counts) == len(claims) == 40
    assert Notification.objects.filter(kind="reminder").count() == 40  # one handler each
    pairs = Notification.objects.values_list("deadline_id", "recipient_id")
    assert len(set(pairs)) == len(pairs)


def test_r_t5_loading_a_new_years_calendar_recomputes_open_provisional_deadlines(
    cw, settings, tmp_path
):
    """R-T5: received 2026-12-28, the determination is due 2027-01-07 by weekends only
    (2027 is not yet announced): provisional. The operator then loads a 2027 notice that makes
    01-07 a holiday; the recompute moves the deadline to 01-08 and clears the warning."""
    with at(2026, 12, 28):
        claim = file(cw, noticed_on=date(2026, 12, 27))
        met = file(cw, place="kitchen", noticed_on=date(2026, 12, 27))
        services.determine(actor=cw.handler.actor, claim=met, outcome="covered", reasons="")
    d = deadline_of(claim, "claim_determination")
    assert (d.due, d.provisional) == (date(2027, 1, 7), True)
    (tmp_path / "2027.toml").write_text(
        'year = 2027\nsource = "国务院办公厅通知（测试）"\n'
        "holidays = [2027-01-01, 2027-01-07]\nworkdays = []\n",
        encoding="utf-8",
    )
    settings.IDI_CALENDAR_DIR = str(tmp_path)
    with at(2026, 12, 29):
        call_command("recompute_deadlines")
    d.refresh_from_db()
    assert (d.due, d.moved_from, d.provisional) == (date(2027, 1, 8), date(2027, 1, 7), False)
    assert Claim.objects.get(pk=claim.pk).next_due == date(2027, 1, 8)
    assert deadline_of(met, "claim_determination").due == date(2027, 1, 7)  # met: untouched
