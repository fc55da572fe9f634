"""The platform's health as the operator watches it: rule packs and the permit dates they
govern, the calendar years loaded, the last sweep and the last audit-chain verification."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from idi.core import audit, clock
from idi.core.models import DutyRun
from idi.core.rulebook import get_rulebook


@dataclass(frozen=True)
class PackLine:
    id: str
    title_zh: str
    title_en: str
    permits_from: date
    permits_to: date
    in_force_today: bool


@dataclass(frozen=True)
class LastRun:
    ran_at: datetime
    ok: bool
    count: int
    problem: str


@dataclass(frozen=True)
class Health:
    packs: list[PackLine]
    calendar_years: list[int]
    # The year after the last loaded one is computed with weekends only (R-T5).
    calendar_missing_next_year: bool
    last_sweep: LastRun | None
    last_verification: LastRun | None


@transaction.atomic
def record_run(*, duty: str, ok: bool, count: int, problem: str = "") -> DutyRun:
    return DutyRun.objects.create(
        duty=duty, ran_at=clock.now(), ok=ok, count=count, problem=problem[:300]
    )


def verify_audit_chain() -> audit.Verification:
    """Verify the whole chain and keep the outcome for the operator's workspace."""
    result = audit.verify()
    record_run(
        duty=DutyRun.Duty.AUDIT_VERIFY,
        ok=result.ok,
        count=result.checked,
        problem=result.problem or "",
    )
    return result


def _last(duty: str) -> LastRun | None:
    run = DutyRun.objects.filter(duty=duty).order_by("-ran_at", "-id").first()
    return run and LastRun(run.ran_at, run.ok, run.count, run.problem)


def platform_health() -> Health:
    book = get_rulebook()
    today = clock.today()
    packs = [
        PackLine(
            id=pack.id,
            title_zh=pack.title,
            title_en=pack.title_en,
            permits_from=pack.permits_from,
            permits_to=pack.permits_to,
            in_force_today=pack.permits_from <= today <= pack.permits_to,
        )
        for pack in sorted(book.packs, key=lambda p: p.permits_from)
    ]
    years = sorted(year for year, _source in book.calendar.years())
    return Health(
        packs=packs,
        calendar_years=years,
        calendar_missing_next_year=(today.year + 1) not in years,
        last_sweep=_last(DutyRun.Duty.SWEEP),
        last_verification=_last(DutyRun.Duty.AUDIT_VERIFY),
    )


def operator_tasks(actor) -> list:
    """The operator's duties that the platform's health calls for (R-T5, R-U1, R-O3)."""
    from django.urls import reverse

    from idi.core.workspace import task

    if not actor.is_operator:
        return []
    health = platform_health()
    today = clock.today()
    found = []
    if health.calendar_missing_next_year and today.month >= 11:
        found.append(
            task(
                kind="core.load_calendar",
                title_zh=f"载入 {today.year + 1} 年国务院节假日安排",
                title_en=f"Load the State Council's {today.year + 1} holiday notice",
                subject="R-T5",
                url=reverse("rule", args=["R-T5"]),
            )
        )
    if not any(pack.in_force_today for pack in health.packs):
        found.append(
            task(
                kind="core.add_rule_pack",
                title_zh="今日申领的施工许可证没有适用的规则包：请添加后续政策的规则包",
                title_en="No rule pack covers permits applied for today: add the successor pack",
                subject="R-U1",
                url=reverse("rule", args=["R-U1"]),
            )
        )
    last = health.last_verification
    if last is None or not last.ok:
        found.append(
            task(
                kind="core.verify_audit_chain",
                title_zh="校验审计链（idi audit verify）",
                title_en="Verify the audit chain (idi audit verify)",
                subject="R-O3",
                url=reverse("rule", args=["R-O3"]),
            )
        )
    return found
