"""Insurer shares (R-U4) and lead-insurer qualifications (R-U6).

Both return every problem at once, each as a Violation, so a form can show them all together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .codes import Code
from .results import Share, ShareCheck, Violation
from .schema import RulePack

__all__ = ["LeadQualifications", "check_lead_qualifications", "check_shares"]

ROLES = ("lead", "follower")


def _error(code: Code, zh: str, en: str) -> Violation:
    return Violation("R-U4", "error", code, zh, en)


def check_shares(pack: RulePack, shares: Sequence[Share]) -> ShareCheck:
    """R-U4: single (one insurer, role lead, 100%) or co-insurance (1 lead ≥ 50%, ≥ 2 followers).

    Every share > 0, shares sum to exactly 1, no insurer twice.
    """
    spec = pack.underwriting.coinsurance
    out: list[Violation] = []
    if not shares:
        out.append(
            _error(Code.REQUIRED, "至少需要一家保险公司", "at least one insurer is required")
        )
        return ShareCheck(False, tuple(out))

    for s in shares:
        if s.role not in ROLES:
            out.append(
                _error(
                    Code.INVALID,
                    f"{s.insurer} 的角色无效，请选择主承保或共保",
                    f"{s.insurer}: the role must be lead insurer or co-insurer",
                )
            )
        if not s.fraction.is_finite() or s.fraction <= 0:
            out.append(
                _error(
                    Code.OUT_OF_RANGE,
                    f"{s.insurer} 的份额 {s.fraction} 必须大于 0",
                    f"{s.insurer}: share {s.fraction} must be greater than 0",
                )
            )
    seen: set[str] = set()
    for s in shares:
        if s.insurer in seen:
            out.append(
                _error(
                    Code.DUPLICATE,
                    f"保险公司 {s.insurer} 重复出现",
                    f"insurer {s.insurer} appears twice",
                )
            )
        seen.add(s.insurer)

    total = sum((s.fraction for s in shares if s.fraction.is_finite()), Decimal(0))
    if total != 1:
        out.append(
            _error(
                Code.WRONG_TOTAL,
                f"份额合计为 {total}，应恰好为 1（100%）",
                f"shares sum to {total}, not 1 (100%)",
            )
        )

    leads = [s for s in shares if s.role == "lead"]
    followers = [s for s in shares if s.role == "follower"]
    if len(shares) == 1:
        # Single underwriting: the one insurer is the lead and holds everything.
        if not leads:
            out.append(
                _error(
                    Code.WRONG_COUNT,
                    "单一承保时唯一的保险公司应为主承保公司",
                    "with a single insurer, that insurer must be the lead",
                )
            )
        return ShareCheck(not out, tuple(out))

    if len(leads) != 1:
        out.append(
            _error(
                Code.WRONG_COUNT,
                f"共保体应恰好有 1 家主承保公司（当前 {len(leads)} 家）",
                f"co-insurance needs exactly 1 lead insurer (got {len(leads)})",
            )
        )
    if len(followers) < spec.min_followers:
        out.append(
            _error(
                Code.WRONG_COUNT,
                f"共保体应有不少于 {spec.min_followers} 家从保公司（当前 {len(followers)} 家）",
                f"co-insurance needs at least {spec.min_followers} followers "
                f"(got {len(followers)})",
            )
        )
    for lead in leads:
        if lead.fraction < spec.min_lead_share:
            out.append(
                _error(
                    Code.BELOW_FLOOR,
                    f"主承保公司 {lead.insurer} 的份额 {lead.fraction} 低于 {spec.min_lead_share}",
                    f"lead {lead.insurer} holds {lead.fraction}, below {spec.min_lead_share}",
                )
            )
    return ShareCheck(not out, tuple(out))


@dataclass(frozen=True, slots=True)
class LeadQualifications:
    """What an insurer declares about itself (G 2.1); ratios are fractions (1.5 = 150%)."""

    registered_capital: Decimal
    solvency_ratios: Mapping[int, Decimal] = field(default_factory=dict)
    has_quality_department: bool = False
    has_idi_lead_experience: bool = False


def check_lead_qualifications(
    pack: RulePack, qualifications: LeadQualifications, year: int
) -> tuple[Violation, ...]:
    """R-U6: each unmet condition is a warning ("宜"), never an error.

    `year` is the latest of the "last three years" (e.g. the last complete year); the solvency
    ratio must be at or above the floor in each of year − 2, year − 1 and year.
    """
    spec = pack.underwriting.lead_qualification
    out: list[Violation] = []

    def warn(code: Code, zh: str, en: str) -> None:
        out.append(Violation("R-U6", "warning", code, zh, en))

    q = qualifications
    if q.registered_capital < spec.min_registered_capital:
        warn(
            Code.BELOW_FLOOR,
            f"注册资本金 {q.registered_capital} 元低于 {spec.min_registered_capital} 元",
            f"registered capital CNY {q.registered_capital} is below "
            f"CNY {spec.min_registered_capital}",
        )
    for y in range(year - spec.solvency_years + 1, year + 1):
        ratio = q.solvency_ratios.get(y)
        if ratio is None:
            warn(Code.MISSING, f"缺少 {y} 年偿付能力充足率", f"no solvency ratio recorded for {y}")
        elif ratio < spec.min_solvency_ratio:
            warn(
                Code.BELOW_FLOOR,
                f"{y} 年偿付能力充足率 {ratio:%} 低于 {spec.min_solvency_ratio:%}",
                f"solvency ratio {ratio:%} in {y} is below {spec.min_solvency_ratio:%}",
            )
    if spec.requires_quality_department and not q.has_quality_department:
        warn(Code.NOT_MET, "未配备工程质量管理部门", "no engineering quality management department")
    if spec.requires_idi_lead_experience and not q.has_idi_lead_experience:
        warn(Code.NOT_MET, "无住宅质量保险主承保经验", "no prior IDI lead-insurer experience")
    return tuple(out)
