"""`idi rules <subcommand>`: the rulebook on the command line.

Every subcommand goes through `queries.run_query`, the same layer as the HTTP API, so the CLI
cannot disagree with it. With `--json` exactly one JSON object is printed on stdout; bad input
exits 2 with `{"error": {"code", "rule", "field", "message", "problems"}}`, the API's shape.
Messages are Chinese unless `--lang en`. The environment variables
IDI_RULE_PACK_DIRS (os.pathsep-separated) and IDI_CALENDAR_DIR are read here and only here.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any, NoReturn, TextIO

from .book import Rulebook, load_rulebook
from .codes import Code
from .errors import PackError, RuleViolation, is_english
from .queries import eval_lines, run_query

__all__ = ["main"]

PROG = "idi rules"
LANGUAGES = ("zh-hans", "en")
# Help text only: the keys themselves come from the pack, which validates them.
CATEGORY_HELP = "foundation_structure, insulation, waterproofing, concealed_works, additional"
KIND_HELP = (
    "claim_determination, claim_determination_complex, claim_performance, denial_notice, "
    "appraisal_confirmation, developer_notification, developer_site_visit, repair_warranty, "
    "fund_application_opens"
)

# argparse option → the field name the query layer (and so every error) uses.
_OPTION_FIELDS = {
    "share": "shares",
    "fully-decorated": "fully_decorated",
    "not-fully-decorated": "fully_decorated",
    "no-fully-decorated": "fully_decorated",
}


class _UsageError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Parser(argparse.ArgumentParser):
    """Usage errors become exceptions, so they are reported like every other bad input."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _usage_field(message: str) -> str | None:
    match = re.search(r"--([a-z][a-z-]*)", message)
    if match:
        option = match.group(1)
        return _OPTION_FIELDS.get(option, option.replace("-", "_"))
    # positionals are named by their metavar: "argument COMMAND: ..." / "required: COMMAND"
    match = re.search(r"(?:argument|required:) ([A-Za-z_]+)", message)
    return match.group(1).lower() if match else None


def _build_parser() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument("--pack", metavar="ID", help="规则包 / rule pack id (default: latest)")
    common.add_argument("--json", action="store_true", help="输出 JSON / print one JSON object")
    common.add_argument(
        "--lang", choices=LANGUAGES, default=LANGUAGES[0], help="提示语言 / message language"
    )

    parser = _Parser(prog=PROG, description="住宅质量潜在缺陷保险规则 / IDI rulebook")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help_text: str) -> _Parser:
        p: _Parser = sub.add_parser(name, parents=[common], help=help_text)
        return p

    add("packs", "列出规则包 / list rule packs")

    p = add("pack-for", "施工许可适用的规则包 / pack in force for a permit (R-U1)")
    p.add_argument("--jurisdiction", required=True)
    p.add_argument("--permit-date", required=True, metavar="YYYY-MM-DD")

    p = add("window", "保险期间 / coverage window (R-C1..R-C3)")
    p.add_argument("--category", required=True, help=CATEGORY_HELP)
    p.add_argument("--completion", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--additional-years", metavar="N")

    p = add("assess", "事件评估 / assess an event (R-C5)")
    p.add_argument("--category", required=True, help=CATEGORY_HELP)
    p.add_argument("--completion", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--on", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--delivery", metavar="YYYY-MM-DD")
    deco = p.add_mutually_exclusive_group()
    deco.add_argument("--fully-decorated", dest="fully_decorated", action="store_true")
    deco.add_argument(
        "--not-fully-decorated",
        "--no-fully-decorated",
        dest="fully_decorated",
        action="store_false",
    )
    p.set_defaults(fully_decorated=True)
    p.add_argument("--additional-years", metavar="N")
    p.add_argument("--event", help="collapse / casualty / other")
    p.add_argument("--sub-item")
    p.add_argument("--included-sub-item", action="append", dest="included_sub_items")

    p = add("deadline", "期限 / deadline (R-T1..R-T6)")
    p.add_argument("--kind", required=True, help=KIND_HELP)
    p.add_argument("--from", required=True, dest="from_", metavar="YYYY-MM-DD")

    p = add("premium", "保费 / premium quote (R-U5, R-U7, R-F1)")
    p.add_argument("--contract-price", required=True, metavar="CNY")
    p.add_argument("--housing", required=True, help="affordable / commercial")
    p.add_argument("--rate", required=True, help="fraction, e.g. 0.015")

    p = add("coinsurance", "共保份额检查 / check insurer shares (R-U4)")
    p.add_argument(
        "--share",
        action="append",
        required=True,
        metavar="ROLE:INSURER:FRACTION",
        help="lead:保险公司A:0.6 (repeatable)",
    )

    add("calendar", "工作日历 / known calendar years (R-T5)")

    p = add("eval", "JSON lines 批量查询 / JSON lines in, JSON lines out")
    p.add_argument("file", nargs="?", default="-", metavar="FILE")
    p.add_argument(
        "--line-buffered",
        action="store_true",
        help="每行立即输出 / flush after every answer (for a co-process)",
    )
    return parser


def _book() -> Rulebook:
    dirs = [d for d in os.environ.get("IDI_RULE_PACK_DIRS", "").split(os.pathsep) if d]
    return load_rulebook(pack_dirs=dirs, calendar_dir=os.environ.get("IDI_CALENDAR_DIR") or None)


def _shares(specs: list[str]) -> list[dict[str, str]]:
    out = []
    for i, spec in enumerate(specs):
        parts = spec.split(":")
        if len(parts) != 3:
            raise RuleViolation(
                rule=None,
                field=f"shares[{i}]",
                code=Code.INVALID,
                message=f"份额格式应为 ROLE:INSURER:FRACTION（当前：{spec!r}）",
                message_en=f"a share must be ROLE:INSURER:FRACTION (got: {spec!r})",
            )
        out.append({"role": parts[0], "insurer": parts[1], "fraction": parts[2]})
    return out


def _params(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """The query op and its snake_case params, leaving out what was not given."""
    cmd: str = args.command
    names: dict[str, tuple[str, ...]] = {
        "packs": (),
        "pack-for": ("jurisdiction", "permit_date"),
        "window": ("category", "completion", "additional_years"),
        "assess": (
            "category",
            "completion",
            "on",
            "delivery",
            "fully_decorated",
            "additional_years",
            "event",
            "sub_item",
            "included_sub_items",
        ),
        "deadline": ("kind", "from_"),
        "premium": ("contract_price", "housing", "rate"),
        "calendar": (),
    }
    params: dict[str, Any] = {}
    if cmd == "coinsurance":
        params["shares"] = _shares(args.share)
    for name in names.get(cmd, ()):
        value = getattr(args, name)
        if value is not None:
            params[name.rstrip("_")] = value
    if args.pack is not None and cmd != "calendar":
        params["pack"] = args.pack
    return cmd.replace("-", "_"), params


# --- text output -------------------------------------------------------------------------------

_STATUS_TEXT = {
    "not_completed": "尚未竣工验收，属施工阶段质量管理 / not yet completed: construction phase",
    "developer_warranty": "建设单位保修期 / developer's warranty period",
    "insured": "保险期间内，由保险公司理赔 / inside the insurance window: insurer claim",
    "fund_structural": "由保障基金赔付 / guarantee fund pays (Art. 19)",
    "expired": "已超出保障期限 / after every period of the scheme",
    "not_covered": "不属于保险范围 / not covered",
}


def _yes(flag: bool) -> str:
    return "是 / yes" if flag else "否 / no"


def _text(book: Rulebook, op: str, result: dict[str, Any]) -> str:
    lines: list[str] = []
    if op == "packs" or op == "pack_for":
        for p in result["packs"] if op == "packs" else [result]:
            title = book.pack(p["id"]).title
            lines.append(
                f"{p['id']}  {p['jurisdiction']}  施工许可 / permits "
                f"{p['permits_from']} .. {p['permits_to']}  {title}"
            )
    elif op == "window":
        lines.append(f"类别 / category: {result['category']}")
        lines.append(
            f"保险期间 / window: {result['start']} .. {result['end']}（含首尾 / inclusive）"
        )
    elif op == "assess":
        w = result["window"]
        lines.append(f"状态 / status: {result['status']} — {_STATUS_TEXT[result['status']]}")
        lines.append("保险期间 / window: " + (f"{w['start']} .. {w['end']}" if w else "无 / none"))
        lines.append(f"保障基金兜底 / fund fallback: {_yes(result['fund_fallback'])}")
        lines.append(f"保险公司受理投诉 / insurer channel: {_yes(result['insurer_channel'])}")
    elif op == "deadline":
        lines.append(f"期限类型 / kind: {result['kind']}")
        lines.append(f"起算日 / from: {result['from']}")
        lines.append(f"到期日 / due: {result['due']}（当日 24:00 Asia/Shanghai 前 / by 24:00）")
        if result["moved_from"]:
            lines.append(
                f"顺延自 / moved from: {result['moved_from']}"
                "（原到期日为休息日 / the last day was a rest day, R-T3）"
            )
        if result["provisional"]:
            lines.append(
                "警告 / warning: 暂定结果，该年度节假日安排未载入，仅按周末计算（R-T5）/ "
                "provisional: that year's holiday notice is not loaded; weekends only (R-T5)"
            )
    elif op == "premium":
        lines.append(f"保费 / premium: {result['premium']} 元")
        lines.append(f"保障基金计提 / fund contribution: {result['fund_contribution']} 元")
        lines.append(
            f"最低风险管理费 / minimum risk-management fee: {result['min_risk_management_fee']} 元"
        )
        lines.append(f"最低费率 / rate floor: {result['rate_floor']}")
    elif op == "coinsurance":
        lines.append(f"有效 / valid: {_yes(result['valid'])}")
        for v in result["violations"]:
            lines.append(f"  [{v['rule']} {v['severity']}] {v['message']}")
    elif op == "calendar":
        for y in result["years"]:
            lines.append(f"{y['year']}  {y['source']}")
    return "\n".join(lines)


def _language(argv: list[str]) -> str:
    """The `--lang` asked for, read before parsing so that a usage error speaks it too."""
    for i, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value is not None:
            return "en" if is_english(value) else LANGUAGES[0]
    return LANGUAGES[0]


def _print_error(
    out: TextIO, err: TextIO, as_json: bool, refusal: RuleViolation, language: str
) -> None:
    if as_json:
        out.write(json.dumps({"error": refusal.to_dict(language)}, ensure_ascii=False) + "\n")
        return
    label = "error" if is_english(language) else "错误"
    for problem in refusal.problems:
        rule = f"[{problem.rule}] " if problem.rule else ""
        field = f"{problem.field}: " if problem.field else ""
        err.write(f"{label}: {rule}{field}{problem.message_for(language)}\n")


def _run_eval(
    book: Rulebook, lines: Iterable[str], out: TextIO, line_buffered: bool, language: str
) -> None:
    # Written in blocks: one TextIOWrapper.write per line cost a third of the run (profiled).
    # A co-process that waits for each answer asks for --line-buffered instead.
    size = 1 if line_buffered else 1024
    block: list[str] = []
    for answer in eval_lines(book, lines, language=language):
        block.append(answer)
        if len(block) >= size:
            out.write("\n".join(block) + "\n")
            block.clear()
            if line_buffered:
                out.flush()
    if block:
        out.write("\n".join(block) + "\n")
    out.flush()


def _open_input(path: str) -> TextIO:
    """The eval input; undecodable bytes become a bad line (answered with an error), not a crash."""
    if path != "-":
        return open(path, encoding="utf-8", errors="replace")  # closed by main()
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper):
        stdin.reconfigure(encoding="utf-8", errors="replace")
    return stdin


def main(argv: list[str]) -> int:
    """Run `idi rules <argv>`; returns the exit code (0 ok, 2 bad input)."""
    out, err = sys.stdout, sys.stderr
    as_json = "--json" in argv
    language = _language(argv)
    try:
        args = _build_parser().parse_args(argv)
    except _UsageError as exc:
        refusal = RuleViolation(
            rule=None,
            field=_usage_field(exc.message),
            code=Code.INVALID_ARGUMENTS,
            message=f"命令行参数有误：{exc.message}",
            message_en=f"invalid arguments: {exc.message}",
        )
        _print_error(out, err, as_json, refusal, language)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0

    try:
        book = _book()
    except PackError as exc:
        refusal = RuleViolation(
            rule=None,
            field=exc.key,
            code=Code.INVALID_PACK,
            message=f"规则包无法使用：{exc}",
            message_en=f"unusable rule pack: {exc}",
        )
        _print_error(out, err, as_json, refusal, language)
        return 2

    if args.command == "eval":
        try:
            source = _open_input(args.file)
        except OSError as exc:
            refusal = RuleViolation(
                rule=None,
                field="file",
                code=Code.UNREADABLE_FILE,
                message=f"无法打开：{exc}",
                message_en=f"cannot open: {exc}",
            )
            _print_error(out, err, as_json, refusal, language)
            return 2
        try:
            _run_eval(book, source, out, args.line_buffered, language)
        finally:
            if source is not sys.stdin:
                source.close()
        return 0

    try:
        op, params = _params(args)
        result = run_query(book, op, params, language=language)
    except RuleViolation as exc:
        _print_error(out, err, as_json, exc, language)
        return 2
    render: Callable[[], str] = (
        (lambda: json.dumps(result, ensure_ascii=False))
        if as_json
        else (lambda: _text(book, op, result))
    )
    out.write(render() + "\n")
    return 0
