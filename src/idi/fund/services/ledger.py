"""The fund ledger's writes (R-F1, R-F6): contributions, replenishments, transfers, reversals.

All postings go through `_post`, which locks the accounts it touches in primary-key order (so
concurrent postings never deadlock), checks every new balance, writes the entries and the new
balances; the caller then records its audit event in the same transaction. The audit chain head
is always locked after the accounts, never before.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Case, F, Sum, When

from idi.core import audit, clock, formats
from idi.core.errors import Forbidden, RuleViolation
from idi.core.formats import in_language
from idi.core.limits import check_length
from idi.core.permissions import SYSTEM, Actor
from idi.fund.codes import AuditAction, Code
from idi.fund.models import (
    CREDIT_NORMAL,
    Account,
    AccountKind,
    Entry,
    EntryKind,
)
from idi.parties.models import Organisation, OrgType, Role
from idi.projects.models import Project
from idi.rules.money import FEN
from idi.underwriting.models import FundContributionDue, Policy
from idi.underwriting.services import PolicyEvent

ZERO = Decimal("0.00")


def _refuse(rule: str | None, field: str, code: Code, zh: str, en: str) -> RuleViolation:
    return RuleViolation(rule=rule, field=field, code=code, message=zh, message_en=en)


def require_institution(actor: Actor, *, zh: str, en: str) -> None:
    """Only the guarantee institution's fund staff (or the operator) move the fund (G 5.2)."""
    if actor.is_operator:
        return
    if actor.organisation_type == OrgType.GUARANTEE_INSTITUTION and actor.has_role(
        Role.FUND_MANAGER, Role.ORG_ADMIN
    ):
        return
    raise Forbidden(f"只有保障机构基金管理人员可以{zh}", f"only the guarantee institution may {en}")


def _money(value: Decimal, field: str = "amount", rule: str | None = "R-F6") -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise _refuse(
            rule,
            field,
            Code.INVALID,
            f"金额应大于 0（当前：{value}）",
            f"the amount must be greater than 0 (got: {value})",
        )
    if value != value.quantize(FEN):
        raise _refuse(
            rule,
            field,
            Code.INVALID,
            f"金额应精确到分（当前：{value}）",
            f"the amount must be in whole fen (got: {value})",
        )
    return value


def _not_future(day: date, field: str) -> date:
    if day > clock.today():
        raise _refuse(
            None,
            field,
            Code.INVALID,
            f"日期 {formats.day(day, 'zh-hans')} 晚于今天",
            f"the date {formats.day(day, 'en')} is in the future",
        )
    return day


# --- accounts and the one posting function ----------------------------------------------------


def account(kind: str, project: Project | int | None = None, organisation=None) -> Account:
    """The account of `kind` for the project (and debtor), created on first use."""
    project_id = project.pk if isinstance(project, Project) else project
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    key = f"{kind}:{project_id or '-'}:{org_id or '-'}"
    found, _ = Account.objects.get_or_create(
        key=key, defaults={"kind": kind, "project_id": project_id, "organisation_id": org_id}
    )
    return found


class Posting(NamedTuple):
    """One entry to post. A tuple, not a dataclass: a bank statement builds thousands."""

    kind: str
    debit: Account
    credit: Account
    amount: Decimal
    booked_on: date
    memo: str = ""
    reference: str = ""
    policy_id: int | None = None
    case_id: int | None = None
    reverses_id: int | None = None


def _short_of(
    account: Account, amount: Decimal, balance: Decimal, field: str = "amount"
) -> RuleViolation:
    """What refusing a posting says, by the account it would take below zero."""
    if account.kind == AccountKind.CONTRIBUTION_RECEIVABLE:
        return _refuse(
            "R-F1",
            field,
            Code.OVER_OUTSTANDING,
            f"到账金额 {amount} 元超过该保险公司尚欠的计提 {balance} 元",
            f"{amount} is more than the {balance} the insurer still owes the fund",
        )
    if account.kind == AccountKind.REPLENISHMENT_RECEIVABLE:
        return _refuse(
            "R-F3",
            field,
            Code.OVER_OUTSTANDING,
            f"补足金额 {amount} 元超过建设单位尚欠的 {balance} 元",
            f"{amount} is more than the {balance} the developer still owes the fund",
        )
    return _refuse(
        "R-F6",
        field,
        Code.INSUFFICIENT_BALANCE,
        f"{in_language(AccountKind(account.kind).label, 'zh-hans')}余额 {balance} 元"
        f"不足 {amount} 元，基金余额不得为负",
        f"the {in_language(AccountKind(account.kind).label, 'en').lower()} balance, {balance}, is "
        f"less than {amount}; no fund balance may go below zero",
    )


def _post(
    actor: Actor,
    postings: Sequence[Posting],
    *,
    lock_also: Sequence[Account] = (),
    check: Callable[[dict[int, Account]], None] | None = None,
    field: str = "amount",
) -> tuple[list[int], dict[int, Account]]:
    """Lock every account involved (primary-key order), run `check` on the locked balances,
    apply the postings in order, refuse the first that would take a balance below zero (the
    error names `field`, formatted with the posting's number from 1), then
    write entries and balances set-wise (whatever the number of postings: one lock query, the
    entries by COPY or one multi-row INSERT, one UPDATE of the balances). Returns the new
    entries' ids, in the order of `postings`, and the locked accounts, updated."""
    ids = {p.debit.id for p in postings} | {p.credit.id for p in postings}
    ids |= {a.pk for a in lock_also}
    locked = {
        a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    if check is not None:
        check(locked)
    # The sign of a debit on each account: +1 on the debit-normal side, -1 on the credit one.
    sign = {pk: -1 if a.kind in CREDIT_NORMAL else 1 for pk, a in locked.items()}
    balance = {pk: a.balance for pk, a in locked.items()}
    for number, p in enumerate(postings, start=1):
        debit, credit = p.debit.id, p.credit.id
        after_debit = balance[debit] + p.amount * sign[debit]
        after_credit = balance[credit] - p.amount * sign[credit]
        if after_debit < 0 or after_credit < 0:
            short = debit if after_debit < 0 else credit
            raise _short_of(locked[short], p.amount, balance[short], field.format(number))
        balance[debit], balance[credit] = after_debit, after_credit
    entry_ids = _insert(actor, postings)
    changed = {pk: value for pk, value in balance.items() if value != locked[pk].balance}
    _write_balances(changed)
    for pk, value in changed.items():
        locked[pk].balance = value
    return entry_ids, locked


def _write_balances(balances: dict[int, Decimal]) -> None:
    """The new running balances, one UPDATE per 5,000 accounts (the database still checks
    each against zero)."""
    items = sorted(balances.items())
    with transaction.get_connection().cursor() as cursor:
        for start in range(0, len(items), 5000):
            chunk = items[start : start + 5000]
            # Only placeholders are joined into the statement; the values travel as parameters.
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH v(id, balance) AS (VALUES {values}) "  # noqa: S608
                "UPDATE fund_account SET balance = v.balance FROM v WHERE fund_account.id = v.id",
                [value for pair in chunk for value in pair],
            )


COPY_COLUMNS = (
    "id",
    "kind",
    "debit_id",
    "credit_id",
    "amount",
    "booked_on",
    "posted_at",
    "posted_by_id",
    "memo",
    "reference",
    "policy_id",
    "case_id",
    "reverses_id",
)
# COPY's text format: backslash, tab, newline and carriage return are escaped; NULL is \N.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    return "\\N" if value is None else str(value)


def _insert(actor: Actor, postings: Sequence[Posting]) -> list[int]:
    """Write the postings' entries; returns their ids in order. PostgreSQL takes them by COPY,
    each row formatted as one line of text (no per-row objects); SQLite, where the tests run,
    by Django's multi-row INSERT."""
    now = clock.now()
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        entries = Entry.objects.bulk_create(
            [
                Entry(
                    kind=p.kind,
                    debit_id=p.debit.pk,
                    credit_id=p.credit.pk,
                    amount=p.amount,
                    booked_on=p.booked_on,
                    posted_at=now,
                    posted_by_id=actor.user_id,
                    memo=p.memo[:300],
                    reference=p.reference[:100],
                    policy_id=p.policy_id,
                    case_id=p.case_id,
                    reverses_id=p.reverses_id,
                )
                for p in postings
            ],
            batch_size=5000,
        )
        return [e.pk for e in entries]
    posted_at = now.isoformat()
    posted_by = _copy_text(actor.user_id)
    with connection.cursor() as cursor:
        # Ids drawn from the table's own sequence first, so that the rows keep their order and
        # concurrent writers never collide.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('fund_entry', 'id')) "
            "FROM generate_series(1, %s)",
            [len(postings)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        lines = [
            f"{pk}\t{p.kind}\t{p.debit.id}\t{p.credit.id}\t{p.amount}\t{p.booked_on.isoformat()}"
            f"\t{posted_at}\t{posted_by}\t{p.memo[:300].translate(COPY_ESCAPES)}"
            f"\t{p.reference[:100].translate(COPY_ESCAPES)}\t{_copy_text(p.policy_id)}"
            f"\t{_copy_text(p.case_id)}\t{_copy_text(p.reverses_id)}\n"
            for pk, p in zip(ids, postings, strict=True)
        ]
        with cursor.copy(f"COPY fund_entry ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for start in range(0, len(lines), 10_000):
                copy.write("".join(lines[start : start + 10_000]))
    return ids


def _entry(ids: list[int]) -> Entry:
    return Entry.objects.get(pk=ids[0])


def _entry_after(entry: Entry) -> dict:
    return {
        "kind": entry.kind,
        "debit": entry.debit_id,
        "credit": entry.credit_id,
        "amount": str(entry.amount),
        "booked_on": entry.booked_on,
        "reverses": entry.reverses_id,
    }


# --- contributions (R-F1) ---------------------------------------------------------------------


OWED_SUM = Sum(
    Case(
        When(debit__kind=AccountKind.CONTRIBUTION_RECEIVABLE, then=F("amount")),
        default=-F("amount"),
    )
)


def _booked_for(policy_ids) -> dict[int, Decimal]:
    """What the ledger already holds as owed per policy: owed entries into the receivable
    minus adjustments and reversals out of it."""
    rows = (
        Entry.objects.filter(kind=EntryKind.CONTRIBUTION_OWED, policy_id__in=policy_ids)
        .order_by()
        .values("policy_id")
        .annotate(s=OWED_SUM)
        .values_list("policy_id", "s")
    )
    return {policy_id: total.quantize(ZERO) for policy_id, total in rows}


def accounts(keys: Iterable[tuple[str, int | None, int | None]]) -> dict[tuple, Account]:
    """The accounts for (kind, project id, organisation id) keys, created where missing, in
    three queries whatever their number."""
    wanted = {
        f"{kind}:{project or '-'}:{org or '-'}": (kind, project, org) for kind, project, org in keys
    }
    Account.objects.bulk_create(
        [
            Account(kind=kind, project_id=project, organisation_id=org, key=key)
            for key, (kind, project, org) in wanted.items()
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    found = Account.objects.in_bulk(list(wanted), field_name="key")
    return {wanted[key]: acc for key, acc in found.items()}


def _book_dues(actor: Actor, dues: list[FundContributionDue]) -> list[int]:
    """Bring the ledger to what underwriting records as owed for each policy (R-F1): at issue
    the whole contribution; after a change of contract price, the difference. One posting and
    one audit event for all of them; the caller holds the due rows locked."""
    booked = _booked_for([due.policy_id for due in dues])
    pending = [due for due in dues if booked.get(due.policy_id, ZERO) != due.amount]
    if not pending:
        return []
    keys = set()
    for due in pending:
        project_id = due.policy.permit.project_id
        keys.add((AccountKind.CONTRIBUTION_RECEIVABLE, project_id, due.insurer_id))
        keys.add((AccountKind.CONTRIBUTIONS, project_id, None))
    found = accounts(keys)
    postings = []
    for due in pending:
        project_id = due.policy.permit.project_id
        receivable = found[(AccountKind.CONTRIBUTION_RECEIVABLE, project_id, due.insurer_id)]
        contributions = found[(AccountKind.CONTRIBUTIONS, project_id, None)]
        already = booked.get(due.policy_id, ZERO)
        difference = due.amount - already
        debit, credit = (
            (receivable, contributions) if difference > 0 else (contributions, receivable)
        )
        postings.append(
            Posting(
                kind=EntryKind.CONTRIBUTION_OWED,
                debit=debit,
                credit=credit,
                amount=abs(difference),
                booked_on=due.due_since if already == 0 else clock.today(),
                memo=f"{due.policy.number} 计提 0.05% / R-F1",
                policy_id=due.policy_id,
            )
        )
    ids, _ = _post(actor, postings)
    audit.record(
        actor=actor,
        action=AuditAction.BOOK_CONTRIBUTION_DUE,
        object_type="fund.entry",
        object_id=ids[0],
        after={
            "entries": ids,
            "policies": [due.policy_id for due in pending],
            "owed": [str(due.amount) for due in pending],
        },
    )
    return ids


def _locked_dues(**filters) -> list[FundContributionDue]:
    return list(
        FundContributionDue.objects.select_for_update(of=("self",))
        .select_related("policy__permit")
        .filter(**filters)
        .order_by("pk")
    )


def _book_project_dues(actor: Actor, project_id: int) -> None:
    _book_dues(actor, _locked_dues(policy__permit__project_id=project_id))


def follow_policy_event(actor: Actor, policy: Policy, event: str) -> None:
    """Hook.POLICY_EVENTS: the contribution a policy owes is on the ledger from the moment it
    is issued (R-F1), in the issuing transaction; the sweep below only catches up with what
    this did not book (a change of contract price) and books nothing twice."""
    if event == PolicyEvent.ISSUED:
        _book_dues(actor, _locked_dues(policy_id=policy.pk))


SWEEP_BATCH = 1000


def book_contributions_due(*, actor: Actor = SYSTEM, batch_size: int = SWEEP_BATCH) -> int:
    """The sweep that books every contribution underwriting recorded as owed at issue (or
    changed since), a batch per transaction; idempotent, and on PostgreSQL workers skip each
    other's rows. Returns how many entries it posted."""
    owed = list(FundContributionDue.objects.order_by("pk").values_list("pk", "policy_id", "amount"))
    booked: dict[int, Decimal] = {}
    for start in range(0, len(owed), 5000):
        booked.update(_booked_for([policy for _, policy, _ in owed[start : start + 5000]]))
    pending = [pk for pk, policy, amount in owed if booked.get(policy, ZERO) != amount]
    posted = 0
    for start in range(0, len(pending), batch_size):
        with transaction.atomic():
            dues = list(
                FundContributionDue.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("policy__permit")
                .filter(pk__in=pending[start : start + batch_size])
                .order_by("pk")
            )
            try:
                with transaction.atomic():
                    posted += len(_book_dues(actor, dues))
            except RuleViolation:
                # A lowered contribution already paid in full cannot be booked with the rest:
                # each due alone, and the one that cannot waits for the institution.
                for due in dues:
                    try:
                        with transaction.atomic():
                            posted += len(_book_dues(actor, [due]))
                    except RuleViolation:
                        continue
    return posted


@transaction.atomic
def record_contribution_received(
    *,
    actor: Actor,
    project: Project,
    insurer: Organisation,
    amount: Decimal,
    received_on: date,
    reference: str = "",
) -> Entry:
    """The lead insurer's contribution arrived on the fund account (R-F1): from what it owes
    for the project into the project's sub-account."""
    require_institution(actor, zh="登记计提到账", en="record a contribution received")
    check_length(Entry, "reference", reference)
    _money(amount, rule="R-F1")
    _not_future(received_on, "received_on")
    _book_project_dues(actor, project.pk)
    if not Account.objects.filter(
        kind=AccountKind.CONTRIBUTION_RECEIVABLE, project=project, organisation=insurer
    ).exists():
        raise _refuse(
            "R-F1",
            "insurer",
            Code.NOT_INSURED,
            f"{insurer} 不是本项目任何已签发保单的主承保公司，不欠计提",
            f"{insurer} is not the lead insurer of an issued policy of this project",
        )
    ids, _ = _post(
        actor,
        [
            Posting(
                kind=EntryKind.CONTRIBUTION_RECEIVED,
                debit=account(AccountKind.PROJECT, project),
                credit=account(AccountKind.CONTRIBUTION_RECEIVABLE, project, insurer),
                amount=amount,
                booked_on=received_on,
                memo=f"{insurer.name} 计提到账",
                reference=reference,
            )
        ],
    )
    entry = _entry(ids)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_CONTRIBUTION_RECEIVED,
        obj=entry,
        after=_entry_after(entry),
    )
    return entry


@transaction.atomic
def record_replenishment(
    *, actor: Actor, project: Project, amount: Decimal, received_on: date, reference: str = ""
) -> Entry:
    """The developer paid back what the fund spent on its project (R-F3)."""
    require_institution(actor, zh="登记补足到账", en="record a replenishment")
    check_length(Entry, "reference", reference)
    _money(amount, rule="R-F3")
    _not_future(received_on, "received_on")
    ids, _ = _post(
        actor,
        [
            Posting(
                kind=EntryKind.REPLENISHMENT_RECEIVED,
                debit=account(AccountKind.PROJECT, project),
                credit=account(AccountKind.REPLENISHMENT_RECEIVABLE, project, project.developer_id),
                amount=amount,
                booked_on=received_on,
                memo=f"{project.developer} 补足保障基金",
                reference=reference,
            )
        ],
    )
    entry = _entry(ids)
    audit.record(
        actor=actor, action=AuditAction.RECORD_REPLENISHMENT, obj=entry, after=_entry_after(entry)
    )
    return entry


def _cash(project: Project | None) -> Account:
    if project is None:
        return account(AccountKind.GENERAL)
    return account(AccountKind.PROJECT, project)


@transaction.atomic
def transfer(
    *,
    actor: Actor,
    source: Project | None,
    target: Project | None,
    amount: Decimal,
    booked_on: date,
    reason: str,
) -> Entry:
    """Move money between sub-accounts of the fund account (None is the general sub-account):
    the institution pools the fund (G 5.2 统筹使用) so that a project can draw up to its cap."""
    require_institution(actor, zh="调拨资金", en="transfer between sub-accounts")
    check_length(Entry, "memo", reason, field="reason")
    _money(amount)
    _not_future(booked_on, "booked_on")
    if (source.pk if source else None) == (target.pk if target else None):
        raise _refuse(
            "R-F6",
            "target",
            Code.INVALID,
            "调出与调入子账户相同",
            "the source and the target sub-account are the same",
        )
    if not reason.strip():
        raise _refuse("R-F6", "reason", Code.INVALID, "请填写调拨原因", "a reason is required")
    ids, _ = _post(
        actor,
        [
            Posting(
                kind=EntryKind.TRANSFER,
                debit=_cash(target),
                credit=_cash(source),
                amount=amount,
                booked_on=booked_on,
                memo=reason.strip(),
            )
        ],
    )
    entry = _entry(ids)
    audit.record(actor=actor, action=AuditAction.TRANSFER, obj=entry, after=_entry_after(entry))
    return entry


# Kinds the institution enters by hand, and so may correct; the rest follow from underwriting
# (contributions owed) or from a case (payments, debts) and are corrected there.
REVERSIBLE = (
    EntryKind.CONTRIBUTION_RECEIVED,
    EntryKind.REPLENISHMENT_RECEIVED,
    EntryKind.TRANSFER,
)


@transaction.atomic
def reverse_entry(*, actor: Actor, entry: Entry, reason: str) -> Entry:
    """Correct an entry by a reversing entry (R-F6: entries are never edited or deleted)."""
    require_institution(actor, zh="冲正分录", en="reverse an entry")
    check_length(Entry, "memo", reason, field="reason")
    entry = Entry.objects.select_related("debit", "credit").get(pk=entry.pk)
    if entry.kind not in REVERSIBLE or entry.reverses_id is not None:
        raise _refuse(
            "R-F6",
            "entry",
            Code.INVALID_STATE,
            f"“{in_language(EntryKind(entry.kind).label, 'zh-hans')}”分录不能直接冲正",
            f"a “{in_language(EntryKind(entry.kind).label, 'en')}” entry cannot be reversed "
            "by hand",
        )
    if Entry.objects.filter(reverses=entry).exists():
        raise _refuse(
            "R-F6",
            "entry",
            Code.ALREADY_REVERSED,
            f"分录 #{entry.pk} 已冲正",
            f"entry #{entry.pk} is already reversed",
        )
    if not reason.strip():
        raise _refuse("R-F6", "reason", Code.INVALID, "请填写冲正原因", "a reason is required")
    ids, _ = _post(
        actor,
        [
            Posting(
                kind=entry.kind,
                debit=entry.credit,
                credit=entry.debit,
                amount=entry.amount,
                booked_on=clock.today(),
                memo=f"冲正 #{entry.pk}：{reason.strip()}",
                reference=entry.reference,
                policy_id=entry.policy_id,
                case_id=entry.case_id,
                reverses_id=entry.pk,
            )
        ],
    )
    reversal = _entry(ids)
    audit.record(
        actor=actor, action=AuditAction.REVERSE_ENTRY, obj=reversal, after=_entry_after(reversal)
    )
    return reversal


class StatementLine(NamedTuple):
    """One credit on the fund account's bank statement."""

    kind: str  # "contribution" (from the project's lead insurer) or "replenishment"
    project_id: int
    amount: Decimal
    received_on: date
    insurer_id: int | None = None
    reference: str = ""


STATEMENT_ENTRY_KINDS = {
    "contribution": EntryKind.CONTRIBUTION_RECEIVED,
    "replenishment": EntryKind.REPLENISHMENT_RECEIVED,
}


@transaction.atomic
def record_bank_statement(*, actor: Actor, lines: Sequence[StatementLine]) -> int:
    """Record a bank statement's credits in one posting: every line checked as if entered alone
    (no receivable below zero), all or nothing; one audit event for the statement."""
    require_institution(actor, zh="登记银行流水", en="record a bank statement")
    developers = dict(
        Project.objects.filter(pk__in={line.project_id for line in lines}).values_list(
            "pk", "developer_id"
        )
    )
    for number, line in enumerate(lines, start=1):
        if line.kind not in STATEMENT_ENTRY_KINDS:
            raise _refuse(
                None,
                f"lines.{number}.kind",
                Code.INVALID,
                "到账类型应为计提或补足",
                "the kind must be contribution or replenishment",
            )
        _money(line.amount, field=f"lines.{number}.amount")
        check_length(Entry, "reference", line.reference, field=f"lines.{number}.reference")
        if line.project_id not in developers:
            raise _refuse(
                None, f"lines.{number}.project", Code.INVALID, "项目不存在", "no such project"
            )

    # The two sides of each (kind, project, insurer) once, not per line: a statement has
    # thousands of lines and a few hundred of those.
    sides = {(line.kind, line.project_id, line.insurer_id) for line in lines}

    def source(kind: str, project_id: int, insurer_id: int | None) -> tuple[str, int, int | None]:
        if kind == "contribution":
            return (AccountKind.CONTRIBUTION_RECEIVABLE, project_id, insurer_id)
        return (AccountKind.REPLENISHMENT_RECEIVABLE, project_id, developers[project_id])

    found = accounts(
        {source(*side) for side in sides} | {(AccountKind.PROJECT, p, None) for _, p, _ in sides}
    )
    accounts_of = {
        side: (
            STATEMENT_ENTRY_KINDS[side[0]],
            found[(AccountKind.PROJECT, side[1], None)],
            found[source(*side)],
        )
        for side in sides
    }
    postings = [
        Posting(
            *accounts_of[(line.kind, line.project_id, line.insurer_id)],
            line.amount,
            line.received_on,
            "",
            line.reference,
        )
        for line in lines
    ]
    ids, _ = _post(actor, postings, field="lines.{}.amount")
    total = sum((p.amount for p in postings), ZERO)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_BANK_STATEMENT,
        object_type="fund.entry",
        object_id=ids[0] if ids else "",
        after={
            "entries": len(ids),
            "first": ids[0] if ids else None,
            "last": ids[-1] if ids else None,
            "total": str(total),
        },
    )
    return len(ids)
