"""Benchmark: a project of 100,000 units, imported from a CSV file and paged through.

    .venv/bin/python benchmarks/bench_units.py [--units 100000]

Runs on SQLite (a temporary file) and on PostgreSQL (a scratch database `idi_bench` created
and dropped on the server of DATABASE_URL, or of postgres://postgres@127.0.0.1:5432/test when
DATABASE_URL is not a PostgreSQL URL; skipped when that default server is not reachable). Each
database runs in its own process, since the settings read DATABASE_URL once at start-up.

Measures (targets of issue 3, the exit status is 1 when one is missed):
- the import through `services.import_units` (parse, check in memory, write): < 60 s;
- one page of 50 units, first / middle / last, through the API view (GET
  /api/v1/projects/{id}/units with a bearer token: authentication, selector, serialisation)
  and through the selector alone, by page number (?page=) and by cursor (?cursor=): < 50 ms.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

IMPORT_LIMIT_S = 60.0
PAGE_LIMIT_MS = 50.0
PAGE_SIZE = 50
REPEATS = 25
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"
# Several people benchmarking on one server each name their own scratch database.
SCRATCH_DB = os.environ.get("IDI_BENCH_DB", "idi_bench")
ROOMS_PER_FLOOR = 50
FLOORS = 40


# --- the parent: one child per database, then the summary --------------------------------------


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def postgres_url() -> tuple[str | None, bool]:
    """The server to use and whether the caller asked for it explicitly."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url, True
    return DEFAULT_PG, False


def scratch_url(url: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{SCRATCH_DB}"


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def run_child(database_url: str, units: int, var_dir: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "IDI_VAR_DIR": var_dir}
    env.setdefault("DJANGO_SETTINGS_MODULE", "idi.config.settings")
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--units", str(units)],
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
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.units)))
        return 0

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run_child(f"sqlite:///{tmp}/bench.sqlite3", args.units, tmp)
    url, explicit = postgres_url()
    try:
        with admin_connection(url) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
            conn.execute(f"CREATE DATABASE {SCRATCH_DB}")
    except Exception as exc:
        if explicit:
            raise
        print(f"PostgreSQL skipped ({DEFAULT_PG} not reachable: {exc.__class__.__name__})")
    else:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                results["PostgreSQL"] = run_child(scratch_url(url), args.units, tmp)
        finally:
            with admin_connection(url) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
    return report(results, units=args.units)


def report(results: dict, *, units: int) -> int:
    failed = []
    print(f"\nMachine: {machine()}")
    print(
        f"Data: 1 project, {units:,} units in {results['SQLite']['buildings']} buildings, "
        f"{results['SQLite']['sales']:,} sales to as many owners; pages of {PAGE_SIZE}.\n"
    )
    print("| database | import (s) | mode | path | first (ms) | middle (ms) | last (ms) |")
    print("|---|---|---|---|---|---|---|")
    for name, result in results.items():
        seconds = result["import_s"]
        if seconds >= IMPORT_LIMIT_S:
            failed.append(f"{name}: import {seconds:.1f} s")
        for key, timings in result["pages"].items():
            mode, path = key.split(":")
            cells = []
            for where in ("first", "middle", "last"):
                t = timings[where]
                cells.append(f"{t['median']:.1f} (p95 {t['p95']:.1f})")
                if t["p95"] >= PAGE_LIMIT_MS:
                    failed.append(f"{name} {key} {where}: p95 {t['p95']:.1f} ms")
            print(f"| {name} | {seconds:.1f} | {mode} | {path} | " + " | ".join(cells) + " |")
    if failed:
        print("\nMISSED: " + "; ".join(failed))
        return 1
    limits = f"import < {IMPORT_LIMIT_S:.0f} s, page p95 < {PAGE_LIMIT_MS:.0f} ms"
    print(f"\nAll within targets ({limits}).")
    return 0


# --- the child: one database -------------------------------------------------------------------


def id_number(n: int) -> str:
    """A valid ID number per n: birth dates from 1960, 1,000 sequence numbers per day."""
    from idi.parties.validators import id_number_check_char

    born = date(1960, 1, 1) + timedelta(days=n // 1000)
    first17 = f"330106{born:%Y%m%d}{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


def csv_content(*, units: int, permit: str) -> bytes:
    """Buildings of 40 floors × 50 rooms; nine units in ten sold, each to its own owner."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "楼栋",
            "施工许可证号",
            "房号",
            "楼层",
            "建筑面积",
            "业主姓名",
            "身份证号",
            "手机号",
            "销售日期",
            "合同编号",
        ]
    )
    per_building = ROOMS_PER_FLOOR * FLOORS
    for n in range(units):
        building, rest = divmod(n, per_building)
        floor, room = divmod(rest, ROOMS_PER_FLOOR)
        row = [
            f"{building + 1}幢",
            permit,
            f"{floor + 1}{room + 1:02d}",
            floor + 1,
            f"{80 + n % 60}.50",
        ]
        if n % 10:
            row += [f"业主{n}", id_number(n), f"138{n:08d}", "2025-06-01", f"HT{n:07d}"]
        else:
            row += ["", "", "", "", ""]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def timed(fn) -> dict:
    fn()  # warm the caches once, as a server that has answered before would have
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median": statistics.median(samples),
        "p95": samples[int(len(samples) * 0.95) - 1],
        "max": samples[-1],
    }


def child(units: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from idi.core.api_auth import create_token
    from idi.core.permissions import Actor
    from idi.parties import services as parties
    from idi.parties.selectors import actor_for_user
    from idi.parties.validators import uscc_check_char
    from idi.projects import selectors, services
    from idi.projects.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    operator = Actor(user_id=None, label="benchmark", is_operator=True)
    code = "91330100BENCH0001"
    developer = parties.register_organisation(
        actor=operator,
        name="基准测试开发有限公司",
        org_type="developer",
        uscc=code + uscc_check_char(code),
        district="xihu",
    )
    user = parties.create_user(
        actor=operator, organisation=developer, username="bench", password=None, roles=["staff"]
    )
    actor = actor_for_user(user)
    project = services.register_project(
        actor=actor, name="十万套基准项目", district="xihu", housing_type="commercial"
    )
    planning = services.add_planning_permit(actor=actor, project=project, number="BENCH-P")
    services.add_construction_permit(
        actor=actor,
        project=project,
        planning_permit=planning,
        number="BENCH-C",
        applied_on=date(2025, 1, 10),
        issued_on=date(2025, 2, 1),
    )
    content = csv_content(units=units, permit="BENCH-C")

    start = time.perf_counter()
    report = services.import_units(
        actor=actor, project=project, filename="bench.csv", content=content, dry_run=False
    )
    import_s = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(f"import refused: {report.errors[:5]}")

    ids = list(Unit.objects.filter(project=project).order_by("id").values_list("id", flat=True))
    pages = -(-len(ids) // PAGE_SIZE)
    page_numbers = {"first": 1, "middle": pages // 2, "last": pages}
    cursors = {
        "first": "",
        "middle": str(ids[len(ids) // 2 - 1]),
        "last": str(ids[-PAGE_SIZE - 1]),
    }
    token = create_token(actor=operator, user=get_user_model().objects.get(pk=user.pk), name="b")
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/projects/{project.pk}/units"

    def api_page(params):
        answer = client.get(url, params)
        assert answer.status_code == 200, answer.content[:300]
        assert len(answer.json()["items"]) == PAGE_SIZE

    results = {
        "page:api": {w: timed(lambda n=n: api_page({"page": n})) for w, n in page_numbers.items()},
        "cursor:api": {w: timed(lambda c=c: api_page({"cursor": c})) for w, c in cursors.items()},
        "page:selector": {
            w: timed(lambda n=n: selectors.unit_page(actor=actor, project=project, page=n))
            for w, n in page_numbers.items()
        },
        "cursor:selector": {
            w: timed(lambda c=c: selectors.unit_page_after(actor=actor, project=project, cursor=c))
            for w, c in cursors.items()
        },
    }
    return {
        "import_s": import_s,
        "buildings": report.counts["buildings"],
        "sales": report.counts["sales"],
        "pages": results,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    sys.exit(main())
