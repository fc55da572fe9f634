"""Benchmark: posting 1,000,000 guarantee-fund ledger entries and computing every project's
balance, on PostgreSQL.

    .venv/bin/python benchmarks/bench_fund.py [--projects 10000] [--entries 1000000]

Runs in a scratch database `idi_bench_fund` created and dropped on the server of DATABASE_URL
(or postgres://postgres@127.0.0.1:5432/test when DATABASE_URL is not a PostgreSQL URL), in a
child process since the settings read DATABASE_URL once at start-up.

The registry (developers, insurers, projects, permits, issued policies and the contributions
underwriting records as owed at issue) is written directly: it is the starting state. The
entries are posted through the fund's services: the sweep that books every contribution owed
(one entry per project), then bank statements of 10,000 credits each from the lead insurers
(the rest of the entries). Then every project's figures are computed twice: from the accounts'
running balances (`selectors.figures_of`) and from the entries themselves
(`selectors.balances_from_entries`, two grouped scans of the ledger). Then the ledger is
checked: the trial balance (debits = credits), every running balance equal to the sum of its
entries, none below zero.

Target (issue 11): posting and computing < 60 s in all; the exit status is 1 when missed or
when a check fails.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_units import admin_connection, machine, postgres_url

LIMIT_S = 60.0
SCRATCH_DB = "idi_bench_fund"
STATEMENT_LINES = 10_000
CONTRACT_PRICE = Decimal("200000000.00")  # contribution 100,000.00 (R-F1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.projects, args.entries)))
        return 0
    load_before = os.getloadavg()[0]
    url, _ = postgres_url()
    base = url.rpartition("/")[0]
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
        conn.execute(f"CREATE DATABASE {SCRATCH_DB}")
    try:
        env = {**os.environ, "DATABASE_URL": f"{base}/{SCRATCH_DB}"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "idi.config.settings")
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--projects",
                str(args.projects),
                "--entries",
                str(args.entries),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit("benchmark child failed")
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        with admin_connection(url) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
    return report(result, load_before)


def report(r: dict, load_before: float) -> int:
    print(f"\nMachine: {machine()}, PostgreSQL {r['server']}")
    print(f"Load average (1 min): {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(
        f"Data: {r['projects']:,} projects with an issued policy each; {r['entries']:,} entries "
        f"({r['owed']:,} contributions owed by the sweep, {r['received']:,} credits in "
        f"{r['statements']} bank statements, {r['total']} yuan); {r['accounts']:,} accounts.\n"
    )
    print("| step | seconds |")
    print("|---|---|")
    for name, seconds in r["steps"].items():
        print(f"| {name} | {seconds:.1f} |")
    total = sum(r["steps"].values())
    print(f"| **total** | **{total:.1f}** |")
    cpu = r["cpu"]
    print(
        f"\nCPU seconds over the steps: Python {cpu['Python']:.1f}, PostgreSQL backend "
        f"{cpu['PostgreSQL backend']:.1f} (what the run needs on an idle machine, about)."
    )
    for name, passed in r["checks"].items():
        print(f"- {name}: {'yes' if passed else 'NO'}")
    if not all(r["checks"].values()):
        print("\nMISSED: the ledger does not add up")
        return 1
    if total >= LIMIT_S:
        print(f"\nMISSED: {total:.1f} s ≥ {LIMIT_S:.0f} s")
        return 1
    print(f"\nWithin target (< {LIMIT_S:.0f} s).")
    return 0


# --- the child ---------------------------------------------------------------------------------


def setup_registry(projects: int):
    from django.contrib.auth import get_user_model

    from idi.core import clock
    from idi.parties.models import Organisation, Profile
    from idi.projects.models import ConstructionPermit, PlanningPermit, Project
    from idi.underwriting.models import FundContributionDue, Policy, PolicyShare

    now = clock.now()
    day = date(2025, 1, 10)
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=name, org_type=kind, uscc=f"91330100MA{n:07d}X", created_at=now)
            for n, (name, kind) in enumerate(
                [
                    ("开发商", "developer"),
                    ("主承保公司", "insurer"),
                    ("保障中心", "guarantee_institution"),
                ]
            )
        ]
    )
    developer, insurer, institution = orgs
    user = get_user_model().objects.create_user("bench_gi")
    Profile.objects.create(user=user, organisation=institution, roles=["fund_manager"])
    rows = Project.objects.bulk_create(
        [
            Project(
                name=f"项目{n}",
                developer=developer,
                district="binjiang",
                housing_type="commercial",
                created_at=now,
            )
            for n in range(projects)
        ],
        batch_size=5000,
    )
    planning = PlanningPermit.objects.bulk_create(
        [PlanningPermit(project=p, number=f"PP{p.pk}") for p in rows], batch_size=5000
    )
    permits = ConstructionPermit.objects.bulk_create(
        [
            ConstructionPermit(
                project=p, planning_permit=pp, number=f"CP{p.pk}", applied_on=day, issued_on=day
            )
            for p, pp in zip(rows, planning, strict=True)
        ],
        batch_size=5000,
    )
    contribution = CONTRACT_PRICE * Decimal("0.0005")
    policies = Policy.objects.bulk_create(
        [
            Policy(
                permit=permit,
                pack_id="hangzhou-2024",
                state="issued",
                housing_type="commercial",
                contract_price=CONTRACT_PRICE,
                rate=Decimal("0.015"),
                premium=CONTRACT_PRICE * Decimal("0.015"),
                sum_insured=CONTRACT_PRICE,
                risk_management_fee=Decimal("500000.00"),
                fund_contribution=contribution,
                created_at=now,
                issued_on=day,
                issued_at=now,
            )
            for permit in permits
        ],
        batch_size=5000,
    )
    PolicyShare.objects.bulk_create(
        [PolicyShare(policy=p, insurer=insurer, role="lead", fraction=1) for p in policies],
        batch_size=5000,
    )
    FundContributionDue.objects.bulk_create(
        [
            FundContributionDue(
                policy=p, insurer=insurer, amount=contribution, due_since=day, recorded_at=now
            )
            for p in policies
        ],
        batch_size=5000,
    )
    return user, insurer, [p.pk for p in rows]


def backend_cpu(pid: int) -> float:
    """CPU seconds the database server process has used (user + system), read from /proc
    (the server runs on this machine; nan where it does not): with the Python process's own,
    what the run costs whatever else the machine is doing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child(projects: int, entries: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from idi.fund import selectors, services
    from idi.fund.models import CREDIT_NORMAL, Account
    from idi.parties.selectors import actor_for_user

    call_command("migrate", verbosity=0, interactive=False)
    user, insurer, project_ids = setup_registry(projects)
    actor = actor_for_user(user)
    steps: dict[str, float] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    cpu_before = (time.process_time(), backend_cpu(backend))

    started = time.perf_counter()
    owed = services.book_contributions_due(actor=actor)
    steps["sweep: contributions owed"] = time.perf_counter() - started

    credits = entries - owed
    per_project = -(-credits // projects)
    # Small receipts, so that no project receives more than it owes (100,000.00).
    amount = Decimal("1.00")
    received_on = date(2025, 3, 1)
    lines = (
        services.StatementLine(
            kind="contribution",
            project_id=project_ids[n // per_project],
            insurer_id=insurer.pk,
            amount=amount,
            received_on=received_on - timedelta(days=n % 28),
            reference=f"B{n}",
        )
        for n in range(credits)
    )
    started = time.perf_counter()
    statements = 0
    batch: list = []
    for line in lines:
        batch.append(line)
        if len(batch) == STATEMENT_LINES:
            services.record_bank_statement(actor=actor, lines=batch)
            statements += 1
            batch = []
    if batch:
        services.record_bank_statement(actor=actor, lines=batch)
        statements += 1
    steps["bank statements: credits received"] = time.perf_counter() - started

    started = time.perf_counter()
    figures = selectors.figures_of(project_ids)
    steps["all project figures (running balances)"] = time.perf_counter() - started

    started = time.perf_counter()
    recomputed = selectors.balances_from_entries()
    steps["all balances from the entries"] = time.perf_counter() - started
    cpu = {
        "Python": time.process_time() - cpu_before[0],
        "PostgreSQL backend": backend_cpu(backend) - cpu_before[1],
    }
    kinds = dict(Account.objects.values_list("pk", "kind"))

    running = dict(Account.objects.values_list("pk", "balance"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(amount) FROM fund_entry")
        count, total = cursor.fetchone()
        cursor.execute("SHOW server_version")
        (server,) = cursor.fetchone()
    # Double entry: what all entries debit equals what they credit, so the balances on the
    # debit-normal side add up to those on the credit-normal side (the trial balance).
    debit_side = sum(b for pk, b in running.items() if kinds[pk] not in CREDIT_NORMAL)
    credit_side = sum(b for pk, b in running.items() if kinds[pk] in CREDIT_NORMAL)
    checks = {
        "trial balance: debit-normal = credit-normal balances": debit_side == credit_side,
        "every running balance = the sum of its entries": running == recomputed,
        "no balance below zero": min(running.values()) >= 0,
        "project figures: balance = received (no withdrawals)": all(
            f.balance == f.received for f in figures.values()
        ),
    }
    return {
        "projects": projects,
        "entries": count,
        "total": str(total),
        "owed": owed,
        "received": credits,
        "statements": statements,
        "accounts": len(running),
        "steps": steps,
        "checks": checks,
        "cpu": cpu,
        "server": server,
    }


if __name__ == "__main__":
    raise SystemExit(main())
