"""Throughput of `idi rules eval` (JSON lines in, JSON lines out) on one core.

Generates a reproducible mix of every query op (with some bad lines), then times
1. the in-process evaluator (`idi.rules.eval_lines`), and
2. the real command, `python -m idi.rules eval FILE`, as a subprocess (start-up included).

    .venv/bin/python benchmarks/bench_rules_eval.py [--lines 100000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from idi.rules import eval_lines, load_rulebook

CATEGORIES = ["foundation_structure", "insulation", "waterproofing", "concealed_works"]
KINDS = [
    "claim_determination",
    "claim_determination_complex",
    "claim_performance",
    "denial_notice",
    "appraisal_confirmation",
    "developer_notification",
    "developer_site_visit",
    "repair_warranty",
    "fund_application_opens",
]


def _day(rng: random.Random, start: date, span_days: int) -> str:
    return (start + timedelta(days=rng.randrange(span_days))).isoformat()


def generate(n: int, seed: int = 20240301) -> list[str]:
    """n query lines: deadlines and assessments dominate, as in the platform's own use."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(n):
        r = rng.random()
        q: dict[str, object]
        if r < 0.35:
            q = {
                "op": "deadline",
                "kind": rng.choice(KINDS),
                "from": _day(rng, date(2024, 3, 1), 365 * 3),
            }
        elif r < 0.60:
            completion = date(2024, 3, 1) + timedelta(days=rng.randrange(700))
            q = {
                "op": "assess",
                "category": rng.choice(CATEGORIES),
                "completion": completion.isoformat(),
                "on": _day(rng, completion - timedelta(days=100), 365 * 30),
                "event": rng.choice(["collapse", "casualty", "other"]),
                "fully_decorated": rng.random() < 0.7,
            }
            if rng.random() < 0.5:
                q["delivery"] = (completion + timedelta(days=rng.randrange(200))).isoformat()
        elif r < 0.72:
            q = {
                "op": "window",
                "category": rng.choice([*CATEGORIES, "additional"]),
                "completion": _day(rng, date(2024, 3, 1), 700),
                "additional_years": rng.randint(2, 5),
            }
        elif r < 0.84:
            housing = rng.choice(["affordable", "commercial"])
            q = {
                "op": "premium",
                "contract_price": f"{rng.randrange(10**7, 10**10)}.{rng.randrange(100):02d}",
                "housing": housing,
                "rate": rng.choice(["0.0143", "0.015", "0.018", "0.02"]),
            }
        elif r < 0.94:
            k = rng.randint(2, 4)
            lead = rng.choice([50, 60, 70])
            rest = 100 - lead
            fol = [rest // (k - 1)] * (k - 1)
            fol[0] += rest - sum(fol)
            shares = [{"role": "lead", "insurer": "L", "fraction": f"{lead / 100}"}]
            shares += [
                {"role": "follower", "insurer": f"F{i}", "fraction": str(f / 100)}
                for i, f in enumerate(fol)
            ]
            q = {"op": "coinsurance", "shares": shares}
        elif r < 0.97:
            q = {"op": "packs"}
        else:  # bad lines: they must cost no more than good ones
            q = {"op": "deadline", "kind": "claim_determination", "from": "2025/09/26"}
        out.append(json.dumps(q, ensure_ascii=False))
    return out


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def _time_subprocess(argv: list[str], expected: int, repeat: int) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDI_")}
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(argv, stdout=subprocess.PIPE, check=True, env=env)
        best = min(best, time.perf_counter() - t0)
        assert proc.stdout.count(b"\n") == expected
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one run")
    args = ap.parse_args()

    lines = generate(args.lines)
    book = load_rulebook()
    print(f"machine: {machine()}")
    print(f"data: {len(lines)} mixed queries ({sum(map(len, lines)) / 1e6:.1f} MB)")

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for _ in eval_lines(book, lines):
            pass
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(18)

    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        count = sum(1 for _ in eval_lines(book, lines))
        best = min(best, time.perf_counter() - t0)
    assert count == len(lines)
    print(f"in-process eval: {len(lines) / best:,.0f} queries/s (best of {args.repeat})")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "queries.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        commands = {"python -m idi.rules eval FILE": [sys.executable, "-m", "idi.rules"]}
        idi = Path(sys.executable).with_name("idi")
        if idi.exists():  # the project's console script, when installed
            commands["idi rules eval FILE"] = [str(idi), "rules"]
        for label, command in commands.items():
            wall = _time_subprocess([*command, "eval", str(path)], len(lines), args.repeat)
            print(
                f"subprocess `{label}`: {len(lines) / wall:,.0f} queries/s "
                f"({wall:.2f} s wall, start-up included, best of {args.repeat})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
