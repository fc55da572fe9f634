"""The Hangzhou IDI rulebook as pure Python (no Django): rule packs are data, this is the engine.

Load once with `load_rulebook(...)`, then ask it: `window`, `assess`, `deadline`,
`premium_quote`, `check_shares`... or, with JSON-shaped input, `run_query(book, op, params)`.
"""

from .book import Rulebook, load_rulebook
from .calendar import WorkCalendar, load_calendar, read_holiday_file, seed_calendar
from .coinsurance import LeadQualifications, check_lead_qualifications, check_shares
from .coverage import assess, window
from .dates import add_days, add_months, add_years
from .deadlines import deadline, stricter_deadline
from .errors import PackError, RuleViolation, RuleViolations
from .fund import check_fund_repair, fund_repair_cap_remaining, replenishment_due_on
from .money import (
    check_risk_management_fee,
    fen,
    fund_contribution,
    fund_repair_cap,
    min_risk_management_fee,
    premium_quote,
    split_by_shares,
)
from .packs import BUILTIN_PACK_DIR, load_pack_file, load_packs, pack_for
from .queries import OPS, eval_line, eval_lines, run_query
from .results import (
    Assessment,
    Deadline,
    PremiumQuote,
    Share,
    ShareCheck,
    Violation,
    Window,
)
from .riskmgmt import (
    MonthCompliance,
    PlannedStage,
    check_grade,
    check_plan,
    inspection_compliance,
    is_major,
    required_inspections,
)
from .schema import RulePack
from .terms import (
    ADDITIONAL,
    CLAIMS_STANDARD_FIELDS,
    LEGAL_CLAIM_TIMES,
    basic_categories,
    check_additional,
    check_claims_standard,
    check_deductible,
    check_issue_before_start,
    check_start_after_issue,
    check_sum_insured,
    legal_claim_days,
)

__all__ = [
    "ADDITIONAL",
    "BUILTIN_PACK_DIR",
    "CLAIMS_STANDARD_FIELDS",
    "LEGAL_CLAIM_TIMES",
    "OPS",
    "Assessment",
    "Deadline",
    "LeadQualifications",
    "MonthCompliance",
    "PackError",
    "PlannedStage",
    "PremiumQuote",
    "RulePack",
    "RuleViolation",
    "RuleViolations",
    "Rulebook",
    "Share",
    "ShareCheck",
    "Violation",
    "Window",
    "WorkCalendar",
    "add_days",
    "add_months",
    "add_years",
    "assess",
    "basic_categories",
    "check_additional",
    "check_claims_standard",
    "check_deductible",
    "check_fund_repair",
    "check_grade",
    "check_issue_before_start",
    "check_lead_qualifications",
    "check_plan",
    "check_risk_management_fee",
    "check_shares",
    "check_start_after_issue",
    "check_sum_insured",
    "deadline",
    "eval_line",
    "eval_lines",
    "fen",
    "fund_contribution",
    "fund_repair_cap",
    "fund_repair_cap_remaining",
    "inspection_compliance",
    "is_major",
    "legal_claim_days",
    "load_calendar",
    "load_pack_file",
    "load_packs",
    "load_rulebook",
    "min_risk_management_fee",
    "pack_for",
    "premium_quote",
    "read_holiday_file",
    "replenishment_due_on",
    "required_inspections",
    "run_query",
    "seed_calendar",
    "split_by_shares",
    "stricter_deadline",
    "window",
]
