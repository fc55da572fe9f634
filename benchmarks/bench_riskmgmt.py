"""Benchmark: a project with 5,000 defects renders its defect board and compliance table.

    .venv/bin/python benchmarks/bench_riskmgmt.py [--defects 5000]

Runs on PostgreSQL (a scratch database `idi_bench_rm` created and dropped on the server of
DATABASE_URL, or of postgres://postgres@127.0.0.1:5432/test) and, for comparison, on SQLite (a
temporary file). Each database runs in its own process (the settings read DATABASE_URL once).

The starting state (parties, an issued policy, the engagement) is built with the test helpers'
services; the 5,000 defects, their inspections (two a month for two years) and the four-stage
plan are bulk-inserted, since what is measured is reading them (the plan starts twenty months
ago, so that its last stage is under way). Measured, each 25 times after one warm-up, as the
developer (log-in, visibility, query, template):
- the board page, first / middle / last page of 50, and filtered (status + grade);
- the board over the API (`GET /api/v1/projects/{id}/defects`);
- the engagement page with its compliance table, and the compliance API;
and the workspace with its to-do list (issue 8) of the developer, the RMA (R-R4 this month), the
lead insurer, the contractor and the district regulator (R-R4 over the last three months).
Target (issue 9): every p95 under 200 ms on PostgreSQL; the exit status is 1 when one is missed.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

LIMIT_MS = 200.0
REPEATS = 25
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"
SCRATCH_DB = "idi_bench_rm"
ROOT = Path(__file__).resolve().parent.parent

sys.path[:0] = [str(ROOT / "benchmarks")]
from bench_units import admin_connection, machine, postgres_url  # noqa: E402


def run_child(database_url: str, defects: int, var_dir: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "IDI_VAR_DIR": var_dir}
    env.setdefault("DJANGO_SETTINGS_MODULE", "idi.config.settings")
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--defects", str(defects)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"benchmark child failed on {database_url}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--defects", type=int, default=5_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.defects)))
        return 0
    results = {}
    url, _ = postgres_url()
    base, _, _ = url.rpartition("/")
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
        conn.execute(f"CREATE DATABASE {SCRATCH_DB}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results["PostgreSQL"] = run_child(f"{base}/{SCRATCH_DB}", args.defects, tmp)
    finally:
        with admin_connection(url) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run_child(f"sqlite:///{tmp}/bench.sqlite3", args.defects, tmp)
    return report(results, defects=args.defects)


def report(results: dict, *, defects: int) -> int:
    failed = []
    print(f"\nMachine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end")
    data = results["PostgreSQL"]["data"]
    print(
        f"Data: 1 project, {defects:,} defects in {data['buildings']} buildings, "
        f"{data['inspections']} inspections, {data['months']} compliance rows; pages of 50.\n"
    )
    print("| database | what | median (ms) | p95 (ms) | CPU median (ms) |")
    print("|---|---|---|---|---|")
    for name, result in results.items():
        for what, t in result["timings"].items():
            print(f"| {name} | {what} | {t['median']:.1f} | {t['p95']:.1f} | {t['cpu']:.1f} |")
            if name == "PostgreSQL" and t["p95"] >= LIMIT_MS:
                failed.append(f"{name} {what}: p95 {t['p95']:.1f} ms")
    if failed:
        print("\nMISSED: " + "; ".join(failed))
        return 1
    print(f"\nAll within the target (p95 < {LIMIT_MS:.0f} ms on PostgreSQL).")
    return 0


def timed(fn) -> dict:
    """Wall time (the target) and this process's CPU time: on a shared machine the second shows
    what the request itself costs when other processes hold the cores."""
    fn()
    samples, cpu = [], []
    for _ in range(REPEATS):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    samples.sort()
    return {
        "median": statistics.median(samples),
        "p95": samples[int(len(samples) * 0.95) - 1],
        "cpu": statistics.median(cpu),
    }


def child(count: int) -> dict:
    sys.path[:0] = [str(ROOT / "tests" / "riskmgmt"), str(ROOT / "tests" / "underwriting")]
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    from rm_helpers import build_rm_world, engage
    from uw_helpers import add_permit

    from idi.core import clock
    from idi.riskmgmt.models import Defect, Inspection, PlannedStage
    from idi.rules import add_months

    w = build_rm_world()
    engagement = engage(w)
    buildings = [w.building]
    for n in range(2, 11):
        _, building = add_permit(w.project, w.planning, f"CP-BENCH-{n:02d}")
        building.permit = w.permit
        building.save(update_fields=["permit"])
        buildings.append(building)
    # Twenty months ago, so that the plan's last stage is under way today: the to-do lists then
    # count this month's inspections (R-R4) and the regulator's last three months.
    start = add_months(clock.today().replace(day=1), -20)
    stages = [
        ("foundation", 0, 150),
        ("main_structure", 151, 500),
        ("decoration", 501, 680),
        ("other", 300, 700),
    ]
    PlannedStage.objects.bulk_create(
        PlannedStage(
            engagement=engagement,
            stage=stage,
            starts_on=start + timedelta(days=a),
            ends_on=start + timedelta(days=b),
        )
        for stage, a, b in stages
    )
    now = clock.now()
    inspections = Inspection.objects.bulk_create(
        Inspection(
            engagement=engagement,
            project=w.project,
            inspected_on=start + timedelta(days=15 * n),
            stage=stages[min(n // 12, 2)][0],
            inspectors=["褚工"],
            scope="抽查",
            risk_analysis="—",
            recorded_at=now,
        )
        for n in range(48)
    )
    statuses = ["recorded", "confirmed", "disputed", "rectified", "supervisor_confirmed", "closed"]
    grades = ["A", "B", "C", "D", "E", "R", "O"]
    categories = ["foundation_structure", "insulation", "waterproofing", "concealed_works"]
    Defect.objects.bulk_create(
        (
            Defect(
                inspection=inspections[n % len(inspections)],
                engagement=engagement,
                project=w.project,
                stage=inspections[n % len(inspections)].stage,
                building=buildings[n % len(buildings)],
                floor=1 + n % 18,
                part=f"部位 {n}",
                category=categories[n % len(categories)],
                grade=grades[n % len(grades)],
                major=grades[n % len(grades)] in ("D", "E"),
                description="缺陷描述" * 5,
                proposal="处理建议",
                status=statuses[n % len(statuses)],
                responsible=None
                if statuses[n % len(statuses)] in ("recorded", "disputed")
                else w.contractor.org,
                recorded_at=now,
            )
            for n in range(count)
        ),
        batch_size=1000,
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(w.developer.user)
    pages = -(-count // 50)

    def get(url, params=None):
        answer = client.get(url, params or {})
        assert answer.status_code == 200, answer.content[:300]

    board = f"/riskmgmt/projects/{w.project.pk}/defects/"
    api = f"/api/v1/projects/{w.project.pk}/defects"
    timings = {
        "board page 1": timed(lambda: get(board)),
        f"board page {pages // 2}": timed(lambda: get(board, {"page": pages // 2})),
        f"board page {pages}": timed(lambda: get(board, {"page": pages})),
        "board filtered (status=confirmed, grade=D)": timed(
            lambda: get(board, {"status": "confirmed", "grade": "D"})
        ),
        "board API page 1": timed(lambda: get(api)),
        "engagement page with compliance table": timed(
            lambda: get(f"/riskmgmt/engagements/{engagement.pk}/")
        ),
        "compliance API": timed(lambda: get(f"/api/v1/engagements/{engagement.pk}/compliance")),
    }
    regulator = w.reg_xihu if w.project.district == "xihu" else w.reg_binjiang
    for name, party in (
        ("developer", w.developer),
        ("RMA", w.rma),
        ("lead insurer", w.lead),
        ("contractor", w.contractor),
        ("district regulator", regulator),
    ):
        client.force_login(party.user)
        timings[f"workspace (to-do list) of the {name}"] = timed(lambda: get("/workspace/"))
    from idi.riskmgmt import selectors

    months = len(selectors.compliance(engagement)["months"])
    return {
        "timings": timings,
        "data": {"buildings": len(buildings), "inspections": len(inspections), "months": months},
    }


if __name__ == "__main__":
    raise SystemExit(main())
