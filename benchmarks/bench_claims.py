"""Benchmark: 1,000,000 claims (200,000 open) on PostgreSQL: the deadline sweep, the insurer's
queue page, and 10,000 filings through the API of live server processes in parallel.

    .venv/bin/python benchmarks/bench_claims.py [--claims 1000000] [--open 200000]
        [--filings 10000] [--servers CORES] [--clients 8]

Runs in a scratch database `idi_bench_claims_<pid>` created and dropped on the server of
DATABASE_URL (or postgres://postgres@127.0.0.1:5432/test), in a child process so that the settings
read that URL at start-up. The data is bulk-generated (COPY) around the real date: open claims'
clocks fall due evenly from 30 days ago to 30 days ahead, and earlier sweeps are taken to have run,
so that a sweep does one day's work (the steady state); the same sweep is then timed again with no
work left (idempotent), and once more after forgetting every reminder and escalation (the worst
case: the first sweep over a backlog of a month).

The filings go over HTTP to `--servers` `idi serve` processes (their sweep off) from `--clients`
threads, owners authenticated by bearer tokens, every DUPLICATE_EVERY-th key sent twice at once;
afterwards every claim is checked for its audit event and its clock, and the audit chain is
verified.

Targets (issue 10; exit status 1 when one is missed): one steady-state sweep < 30 s; the
insurer's queue page (GET /claims/queue/, view + template) < 100 ms at the 95th percentile;
the filings create exactly one claim per key, each audited and with its clock, and the chain
verifies. The whole run took 28 minutes on a loaded 2-core machine: generation 2.5, sweeps 7,
the 10,000 filings 20 (`--filings 2000` for a fifth of that).
"""

import argparse
import json
import os
import platform
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

SWEEP_LIMIT_S = 30.0
QUEUE_LIMIT_MS = 100.0
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"
# One scratch database per run, so that two runs (say, a filing-only one) never share one.
SCRATCH_DB = f"idi_bench_claims_{os.getpid()}"
INSURERS = 5
POLICIES = 10
UNITS = 50_000
OWNERS = 1_000
FILINGS = 10_000
CLIENTS = 8
# Every DUPLICATE_EVERY-th key is sent twice at once (a client retrying while its first
# request is still being answered).
DUPLICATE_EVERY = 10
REPEATS = 25


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


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=200_000)
    parser.add_argument("--filings", type=int, default=FILINGS)
    parser.add_argument(
        "--servers", type=int, default=os.cpu_count() or 1, help="`idi serve` processes"
    )
    parser.add_argument("--clients", type=int, default=CLIENTS, help="client threads")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.claims, args.open, args.filings, args.servers, args.clients)))
        return 0
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_PG
    base = url.rpartition("/")[0]
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {SCRATCH_DB}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "DATABASE_URL": f"{base}/{SCRATCH_DB}",
                "IDI_VAR_DIR": tmp,
                "DJANGO_SETTINGS_MODULE": "idi.config.settings",
                "IDI_CONN_MAX_AGE": "60",
                "IDI_ALLOWED_HOSTS": "testserver,127.0.0.1",
            }
            done = subprocess.run(
                [sys.executable, __file__, "--child", "--claims", str(args.claims),
                 "--open", str(args.open), "--filings", str(args.filings),
                 "--servers", str(args.servers), "--clients", str(args.clients)],
                env=env, stdout=subprocess.PIPE, text=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                raise SystemExit("benchmark child failed")
            result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        with admin_connection(url) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
    return report(result)


def report(r: dict) -> int:
    failed = []
    print(f"\nMachine: {machine()}, {r['server']}")
    print(
        f"Data: {r['claims']:,} claims ({r['open']:,} open) on {UNITS:,} units under "
        f"{POLICIES} policies of {INSURERS} lead insurers; {r['deadlines']:,} stored deadlines; "
        f"generated in {r['generate_s']:.0f} s.\n"
    )
    print("| measure | work | time |")
    print("|---|---|---|")
    for name, sweep in r["sweeps"].items():
        print(
            f"| sweep, {name} | {sweep['handled']:,} deadlines, "
            f"{sweep['notifications']:,} notifications | {sweep['seconds']:.2f} s |"
        )
    steady = r["sweeps"]["steady state"]["seconds"]
    if steady >= SWEEP_LIMIT_S:
        failed.append(f"steady-state sweep {steady:.1f} s")
    q = r["queue"]
    print(
        f"| insurer queue page (view + template), {q['rows']:,} open claims of one insurer | "
        f"first page of 20 and a page {q['deep_rows']:,} claims in, {q['queries']} queries | "
        f"median {q['median']:.1f} ms, p95 {q['p95']:.1f} ms |"
    )
    if q["p95"] >= QUEUE_LIMIT_MS:
        failed.append(f"queue p95 {q['p95']:.1f} ms")
    f = r["filing"] or {}
    if f:
        print(
            f"| parallel filing through HTTP: {f['servers']} `idi serve` processes, "
            f"{f['clients']} clients, every {DUPLICATE_EVERY}th key sent twice at once | "
            f"{f['requests']:,} requests: {f['created']:,} × 201, {f['repeated']:,} × 200, "
            f"{f['errors']} errors; {f['claims']:,} claims for {f['keys']:,} keys, "
            f"{f['audited']:,} with their audit event, {f['clocks']:,} with their clock; "
            f"audit chain of {f['events_checked']:,} events "
            f"{'verifies' if f['chain_ok'] else 'BROKEN'} | "
            f"{f['seconds']:.1f} s ({f['per_second']:.0f} requests/s, "
            f"{f['claims_per_second']:.0f} claims/s) |"
        )
    if f and not (
        f["claims"] == f["keys"] == f["created"] == f["distinct_keys"] == f["audited"]
        == f["clocks"]
        and f["repeated"] == f["requests"] - f["keys"]
        and not f["errors"]
        and f["chain_ok"]
    ):  # fmt: skip
        failed.append("filings lost, doubled or unaudited")
    if failed:
        print("\nMISSED: " + "; ".join(failed))
        return 1
    print(f"\nAll within targets (sweep < {SWEEP_LIMIT_S:.0f} s, queue < {QUEUE_LIMIT_MS:.0f} ms,")
    print("no filing lost or doubled).")
    return 0


# --- the child -------------------------------------------------------------------------------


def setup_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def registry(today: date) -> dict:
    """Organisations, users, one project with POLICIES permits, buildings and units, policies in
    their insurance period (completion 2024-10-31: insured from 2026-10-31), sales to owners."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from idi.parties.models import Organisation, OrgType, Profile
    from idi.projects.models import (
        Building,
        ConstructionPermit,
        PlanningPermit,
        Project,
        Sale,
        Unit,
    )
    from idi.underwriting.models import Policy, PolicyShare

    now = datetime.now().astimezone()
    user_model = get_user_model()

    def org(n, name, kind, district=""):
        return Organisation.objects.create(
            name=name, org_type=kind, uscc=f"91330100MA{n:07d}X"[:18], district=district,
            created_at=now, contact_phone="95500",
        )  # fmt: skip

    developer = org(1, "滨江置业", OrgType.DEVELOPER, "binjiang")
    insurers = [org(10 + i, f"保险公司{i}", OrgType.INSURER) for i in range(INSURERS)]
    regulator = org(30, "滨江区住建局", OrgType.REGULATOR, "binjiang")
    org(31, "保障机构", OrgType.GUARANTEE_INSTITUTION)

    def user(username, organisation, roles):
        u = user_model.objects.create_user(username, password="bench-password-1")  # noqa: S106
        Profile.objects.create(user=u, organisation=organisation, roles=roles, real_name=username)
        return u

    handlers = [user(f"handler{i}", o, ["claims_handler"]) for i, o in enumerate(insurers)]
    for i, o in enumerate(insurers):
        user(f"manager{i}", o, ["org_admin"])
    user("regulator", regulator, ["regulator"])
    project = Project.objects.create(
        name="江南花园", developer=developer, district="binjiang", housing_type="commercial",
        created_at=now,
    )  # fmt: skip
    planning = PlanningPermit.objects.create(project=project, number="PP-1")
    per_policy = UNITS // POLICIES
    policies = []
    for p in range(POLICIES):
        permit = ConstructionPermit.objects.create(
            project=project, planning_permit=planning, number=f"CP-{p}",
            applied_on=date(2024, 3, 1), issued_on=date(2024, 3, 1),
            construction_started_on=date(2024, 3, 10), completion_accepted_on=date(2024, 10, 31),
        )  # fmt: skip
        building = Building.objects.create(
            project=project, permit=permit, name=f"{p + 1}幢", housing_type="commercial",
            fully_decorated=True, floors_above=40, delivered_on=date(2024, 12, 1),
        )  # fmt: skip
        Unit.objects.bulk_create(
            Unit(project=project, building=building, room_number=str(r), floor=1 + r // 50,
                 area=Decimal("90"))
            for r in range(per_policy)
        )  # fmt: skip
        policy = Policy.objects.create(
            permit=permit, pack_id="hangzhou-2024", state="in_force", housing_type="commercial",
            contract_price=Decimal("100000000"), rate=Decimal("0.015"),
            premium=Decimal("1500000"), sum_insured=Decimal("200000000"),
            risk_management_fee=Decimal("300000"), fund_contribution=Decimal("50000"),
            created_at=now, issued_on=date(2024, 3, 1), issued_at=now,
        )  # fmt: skip
        PolicyShare.objects.create(
            policy=policy, insurer=insurers[p % INSURERS], role="lead", fraction=Decimal(1)
        )
        policies.append(policy)
    units = list(Unit.objects.order_by("id").values_list("id", "building__permit__policy__id"))
    # Unusable passwords: the benchmark logs the owners in with force_login.
    owners = [user_model(username=f"owner{i}", password=make_password(None)) for i in range(OWNERS)]
    user_model.objects.bulk_create(owners)
    owners = list(user_model.objects.filter(username__startswith="owner").order_by("id"))
    Profile.objects.bulk_create(Profile(user=o, roles=["owner"]) for o in owners)
    sales = Sale.objects.bulk_create(
        Sale(unit_id=units[i * (UNITS // OWNERS)][0], sold_on=date(2025, 1, 1))
        for i in range(OWNERS)
    )
    Sale.buyers.through.objects.bulk_create(
        Sale.buyers.through(sale_id=s.pk, user_id=o.pk) for s, o in zip(sales, owners, strict=True)
    )
    policy_org = {p.pk: insurers[i % INSURERS].pk for i, p in enumerate(policies)}
    return {
        "units": units,
        "policy_org": policy_org,
        "handlers": handlers,
        "owners": owners,
        "owner_units": [s.unit_id for s in sales],
        "filer": owners[0].pk,
    }


CLAIM_COLUMNS = [
    "id", "unit_id", "policy_id", "filed_by_id", "idempotency_key", "filed_at", "filed_on",
    "category", "sub_item", "place", "description", "noticed_on", "affects_basic_living",
    "event", "coverage_status", "window_start", "window_end", "insurer_channel", "track",
    "routed_role", "routed_org_id", "answer", "status", "is_open", "next_due", "emergency",
    "complex_reason", "outcome", "reasons", "refusal_reasons", "remedy", "owner_comment",
    "closed_on",
]  # fmt: skip
DEADLINE_COLUMNS = [
    "id", "owner_type", "owner_id", "kind", "pack_id", "from_date", "due", "provisional",
    "basis", "remind_on", "met_on", "reminder_sent_at", "escalated_at", "created_at",
]  # fmt: skip


def progress(what: str, since: float) -> None:
    sys.stderr.write(f"{what}: {time.perf_counter() - since:.1f} s\n")


def generate(world: dict, *, claims: int, open_claims: int, today: date) -> int:
    """COPY the claims and their determination deadlines; returns the number of deadlines."""
    from django.db import connection

    from idi.core.rulebook import get_rulebook

    calendar = get_rulebook().calendar
    now = datetime.now().astimezone()
    earlier = now - timedelta(days=1)
    units = world["units"]
    remind_cache: dict[date, date] = {}
    claim_cols = ", ".join(CLAIM_COLUMNS)
    deadline_cols = ", ".join(DEADLINE_COLUMNS)
    step = max(1, claims // open_claims)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY claims_claim ({claim_cols}) FROM STDIN") as copy:
            for n in range(1, claims + 1):
                unit_id, policy_id = units[n % len(units)]
                is_open = n % step == 0 and n // step <= open_claims
                if is_open:
                    due = today + timedelta(days=(n // step) % 61 - 30)
                    filed = due - timedelta(days=12)
                else:
                    due = None
                    filed = today - timedelta(days=30 + n % 700)
                copy.write_row(
                    (n, unit_id, policy_id, world["filer"], f"bench-{n}",
                     datetime(filed.year, filed.month, filed.day, 2, tzinfo=now.tzinfo),
                     filed, "waterproofing", "", "bathroom", "渗水", filed, False, "other",
                     "insured", date(2026, 10, 31), date(2032, 10, 30), False, "claim",
                     "insurer", world["policy_org"][policy_id], "",
                     "received" if is_open else "closed", is_open, due, False, "", "", "", "",
                     "", "", None if is_open else filed + timedelta(days=20))
                )  # fmt: skip
        with raw.copy(f"COPY notifications_deadline ({deadline_cols}) FROM STDIN") as copy:
            for n in range(1, claims + 1):
                is_open = n % step == 0 and n // step <= open_claims
                if is_open:
                    due = today + timedelta(days=(n // step) % 61 - 30)
                else:
                    due = today - timedelta(days=30 + n % 700) + timedelta(days=10)
                if due not in remind_cache:
                    remind_cache[due] = calendar.working_days_before(due, 2)
                remind_on = remind_cache[due]
                frm = due - timedelta(days=10)
                # Earlier sweeps ran: what was due before today has been sent already.
                reminded = earlier if is_open and remind_on < today else None
                escalated = earlier if is_open and due < today - timedelta(days=1) else None
                copy.write_row(
                    (n, "claims.claim", n, "claim_determination", "hangzhou-2024", frm, due,
                     False, "legal", remind_on, None if is_open else due - timedelta(days=2),
                     reminded, escalated, now)
                )  # fmt: skip
        cursor.execute("SELECT setval('claims_claim_id_seq', %s)", [claims])
        cursor.execute("SELECT setval('notifications_deadline_id_seq', %s)", [claims])
        cursor.execute("ANALYZE")
    return claims


def time_sweep() -> dict:
    from idi.notifications.models import Notification
    from idi.notifications.services import sweep_deadlines

    before = Notification.objects.count()
    start = time.perf_counter()
    handled = sweep_deadlines()
    seconds = time.perf_counter() - start
    return {
        "handled": handled,
        "notifications": Notification.objects.count() - before,
        "seconds": seconds,
    }


def time_queue(world: dict) -> dict:
    """The first page, and a page half-way down the queue (through its cursor), alternately."""
    from django.db import connection
    from django.test import Client

    from idi.claims.models import Claim

    handler = world["handlers"][0]
    client = Client()
    client.force_login(handler)
    open_claims = Claim.objects.filter(routed_org_id=handler.profile.organisation_id, is_open=True)
    rows = open_claims.count()
    middle = open_claims.order_by("next_due", "id")[rows // 2]
    deep = f"/claims/queue/?cursor={middle.next_due.isoformat()}.{middle.pk}"
    client.get("/claims/queue/")
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(deep).status_code == 200
    timings = []
    for n in range(REPEATS * 2):
        start = time.perf_counter()
        response = client.get(deep if n % 2 else "/claims/queue/")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return {
        "rows": rows,
        "deep_rows": rows // 2,
        "queries": len(queries),
        "median": statistics.median(timings),
        "p95": statistics.quantiles(timings, n=20)[-1],
    }


def start_servers(count: int) -> tuple[list[subprocess.Popen], list[str], Path]:
    """`idi serve` processes (the embedded server, its sweep off) on free ports of 127.0.0.1,
    on this child's database and var directory; their logs go to one file."""
    import requests

    idi = str(Path(sys.executable).parent / "idi")
    log_path = Path(os.environ["IDI_VAR_DIR"]) / "servers.log"
    log = log_path.open("w")
    servers, urls = [], []
    for _ in range(count):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        servers.append(
            subprocess.Popen(
                [idi, "serve", "--addr", f"127.0.0.1:{port}", "--sweep-interval", "0"],
                stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        urls.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 120
    for url in urls:
        while True:
            try:
                requests.get(f"{url}/api/v1/openapi.json", timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"server {url} did not start; see {log_path}") from None
                time.sleep(0.5)
    return servers, urls, log_path


def time_filing(world: dict, filings: int, servers: int, clients: int) -> dict:
    """FILINGS claims through `POST /api/v1/claims` of live server processes, from `clients`
    threads each with its own keep-alive connection, owners authenticated by bearer tokens.
    Every DUPLICATE_EVERY-th key is sent twice, back to back, so that two threads send it at
    once. Then the check: one claim per key, each with its audit event and its clock, and
    the audit chain verifies."""
    import requests

    from idi.claims.models import Claim
    from idi.core import audit
    from idi.core.api_auth import create_token
    from idi.core.models import AuditEvent
    from idi.core.permissions import SYSTEM
    from idi.notifications.models import Deadline

    owners, units = world["owners"], world["owner_units"]
    tokens = [create_token(actor=SYSTEM, user=o, name="bench") for o in owners]
    work: queue.Queue = queue.Queue()
    for n in range(filings):
        for _ in range(2 if n % DUPLICATE_EVERY == 0 else 1):
            work.put(n)
    statuses: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    processes, urls, log_path = start_servers(servers)

    def client(i: int) -> None:
        session = requests.Session()
        url = f"{urls[i % len(urls)]}/api/v1/claims"
        mine = []
        while True:
            try:
                n = work.get_nowait()
            except queue.Empty:
                break
            body = {
                "unit": units[n % len(owners)], "category": "waterproofing",
                "place": "bathroom", "description": f"渗水 {n}", "noticed_on": "2026-11-01",
                "affects_basic_living": False,
            }  # fmt: skip
            response = session.post(
                url, json=body, timeout=120,
                headers={"Authorization": f"Bearer {tokens[n % len(owners)]}",
                         "Idempotency-Key": f"parallel-{n}"},
            )  # fmt: skip
            mine.append(response.status_code)
            if response.status_code not in (200, 201):
                with lock:
                    errors.append(f"{response.status_code} {response.text[:200]}")
        with lock:
            statuses.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    try:
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - start
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait(timeout=30)
    if errors:
        sys.stderr.write("first errors:\n" + "\n".join(errors[:5]) + f"\n(servers: {log_path})\n")
    filed = Claim.objects.filter(idempotency_key__startswith="parallel-")
    ids = [str(pk) for pk in filed.values_list("pk", flat=True)]
    distinct_keys = filed.values("filed_by_id", "idempotency_key").distinct().count()
    audited = (
        AuditEvent.objects.filter(action="claims.file_claim", object_id__in=ids)
        .values("object_id")
        .distinct()
        .count()
    )
    clocks = Deadline.objects.filter(
        owner_type="claims.claim", owner_id__in=[int(i) for i in ids], kind="claim_determination"
    ).count()
    verification = audit.verify()
    return {
        "requests": len(statuses),
        "created": statuses.count(201),
        "repeated": statuses.count(200),
        "errors": len([s for s in statuses if s not in (200, 201)]),
        "keys": filings,
        "claims": len(ids),
        "distinct_keys": distinct_keys,
        "audited": audited,
        "clocks": clocks,
        "chain_ok": verification.ok,
        "events_checked": verification.checked,
        "servers": servers,
        "clients": clients,
        "seconds": seconds,
        "per_second": len(statuses) / seconds,
        "claims_per_second": len(ids) / seconds,
    }


def child(claims: int, open_claims: int, filings: int, servers: int, clients: int) -> dict:
    setup_django()
    from django.db import connection

    from idi.core import clock
    from idi.notifications.models import Deadline, Notification

    today = clock.today()
    start = time.perf_counter()
    world = registry(today)
    progress("registry", start)
    deadlines = generate(world, claims=claims, open_claims=open_claims, today=today)
    generate_s = time.perf_counter() - start
    progress("generated", start)
    sweeps = {"steady state": time_sweep(), "again (nothing left)": time_sweep()}
    progress("two sweeps", start)
    Notification.objects.all().delete()
    Deadline.objects.update(reminder_sent_at=None, escalated_at=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_deadline")
    sweeps["backlog of a month (never swept)"] = time_sweep()
    progress(f"backlog sweep {json.dumps(sweeps)}", start)
    queue = time_queue(world)
    progress(f"queue {json.dumps(queue)}", start)
    filing = time_filing(world, filings, servers, clients) if filings else None
    progress("queue and filing", start)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = f"PostgreSQL {cursor.fetchone()[0]}"
    return {
        "server": server,
        "claims": claims,
        "open": open_claims,
        "deadlines": deadlines,
        "generate_s": generate_s,
        "sweeps": sweeps,
        "queue": queue,
        "filing": filing,
    }


if __name__ == "__main__":
    sys.exit(main())
