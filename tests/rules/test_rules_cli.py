"""`idi rules ...` command line: every subcommand in-process, errors, and `eval` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from idi.rules.cli import main

TEST_PACKS = Path(__file__).resolve().parent / "packs"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IDI_RULE_PACK_DIRS", raising=False)
    monkeypatch.delenv("IDI_CALENDAR_DIR", raising=False)


def _json(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> Any:
    assert main([*argv, "--json"]) == code
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON object
    return json.loads(out)


def _text(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> str:
    assert main(argv) == code
    captured = capsys.readouterr()
    return captured.out if code == 0 else captured.err


def test_R_U1_cli_packs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-U1: `idi rules packs`, and a successor pack added through IDI_RULE_PACK_DIRS."""
    assert _json(capsys, ["packs"]) == {
        "packs": [
            {
                "id": "hangzhou-2024",
                "jurisdiction": "hangzhou",
                "permits_from": "2024-03-01",
                "permits_to": "2026-02-28",
            }
        ]
    }
    assert "hangzhou-2024" in _text(capsys, ["packs"])
    monkeypatch.setenv("IDI_RULE_PACK_DIRS", os.pathsep.join([str(TEST_PACKS), ""]))
    assert [p["id"] for p in _json(capsys, ["packs"])["packs"]] == [
        "hangzhou-2024",
        "hangzhou-2026",
    ]
    out = _json(capsys, ["pack-for", "--jurisdiction", "hangzhou", "--permit-date", "2026-03-01"])
    assert out["id"] == "hangzhou-2026"
    # the successor's 7-day determination, selected with --pack
    out = _json(
        capsys,
        [
            "deadline",
            "--kind",
            "claim_determination",
            "--from",
            "2025-09-15",
            "--pack",
            "hangzhou-2026",
        ],
    )
    assert out["due"] == "2025-09-22"


def test_R_U1_cli_pack_for_refusal(capsys: pytest.CaptureFixture[str]) -> None:
    """R-U1: a permit outside every pack exits 2 with the error object."""
    out = _json(
        capsys, ["pack-for", "--jurisdiction", "hangzhou", "--permit-date", "2026-03-01"], 2
    )
    assert out["error"]["rule"] == "R-U1"
    assert out["error"]["field"] == "permit_date"
    assert "hangzhou-2024 (hangzhou 2024-03-01..2026-02-28)" in out["error"]["message"]


def test_R_C3_cli_window(capsys: pytest.CaptureFixture[str]) -> None:
    """R-C3: `idi rules window`."""
    argv = ["window", "--category", "foundation_structure", "--completion", "2026-06-30"]
    assert _json(capsys, argv) == {
        "category": "foundation_structure",
        "start": "2028-06-30",
        "end": "2038-06-29",
    }
    assert "2028-06-30 .. 2038-06-29" in _text(capsys, argv)
    out = _json(
        capsys,
        [
            "window",
            "--category",
            "additional",
            "--completion",
            "2024-06-30",
            "--additional-years",
            "2",
        ],
    )
    assert out["end"] == "2028-06-29"


def test_R_C5_cli_assess(capsys: pytest.CaptureFixture[str]) -> None:
    """R-C5: `idi rules assess` with the decoration switches and events."""
    base = ["assess", "--category", "concealed_works", "--completion", "2024-06-30"]
    out = _json(capsys, [*base, "--on", "2027-01-01", "--not-fully-decorated"])
    assert out == {
        "status": "not_covered",
        "window": None,
        "fund_fallback": False,
        "insurer_channel": False,
    }
    out = _json(capsys, [*base, "--on", "2027-01-01", "--fully-decorated"])
    assert out["status"] == "insured"
    out = _json(capsys, [*base, "--on", "2025-01-01", "--delivery", "2024-09-15"])
    assert (out["status"], out["fund_fallback"], out["insurer_channel"]) == (
        "developer_warranty",
        True,
        True,
    )
    fs = [
        "assess",
        "--category",
        "foundation_structure",
        "--completion",
        "2024-06-30",
        "--on",
        "2049-06-30",
        "--event",
        "casualty",
    ]
    assert _json(capsys, fs)["status"] == "fund_structural"
    text = _text(capsys, fs)
    assert "fund_structural" in text and "保障基金" in text


def test_R_T3_cli_deadline(capsys: pytest.CaptureFixture[str]) -> None:
    """R-T3: the worked example, as JSON and as text."""
    argv = ["deadline", "--kind", "claim_determination", "--from", "2025-09-26"]
    assert _json(capsys, argv) == {
        "kind": "claim_determination",
        "from": "2025-09-26",
        "due": "2025-10-09",
        "moved_from": "2025-10-06",
        "provisional": False,
    }
    text = _text(capsys, argv)
    assert "2025-10-09" in text and "2025-10-06" in text


def test_R_T5_cli_provisional_and_operator_calendar(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """R-T5: provisional without the 2027 notice, final with it (IDI_CALENDAR_DIR)."""
    argv = ["deadline", "--kind", "denial_notice", "--from", "2026-12-30"]
    out = _json(capsys, argv)
    assert (out["due"], out["provisional"]) == ("2027-01-04", True)
    assert "R-T5" in _text(capsys, argv)  # the text answer carries the warning
    (tmp_path / "2027.toml").write_text(
        'year = 2027\nsource = "测试通知"\nholidays = [2027-01-01, 2027-01-04]\n', encoding="utf-8"
    )
    monkeypatch.setenv("IDI_CALENDAR_DIR", str(tmp_path))
    out = _json(capsys, argv)
    assert (out["due"], out["moved_from"], out["provisional"]) == (
        "2027-01-05",
        "2027-01-02",
        False,
    )
    years = _json(capsys, ["calendar"])["years"]
    assert years[-1] == {"year": 2027, "source": "测试通知 [2027.toml]"}
    assert years[0]["year"] == 2004


def test_R_T5_cli_malformed_calendar_file_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """R-T5: a broken operator file stops the CLI with an error naming file and key."""
    (tmp_path / "2027.toml").write_text(
        'year = 2027\nsource = "x"\nholidays = [2028-01-01]\n', encoding="utf-8"
    )
    monkeypatch.setenv("IDI_CALENDAR_DIR", str(tmp_path))
    out = _json(capsys, ["packs"], 2)
    assert out["error"]["field"] == "holidays[0]"
    assert "2027.toml" in out["error"]["message"]


def test_R_U5_cli_premium(capsys: pytest.CaptureFixture[str]) -> None:
    """R-U5, R-F1, R-U7: `idi rules premium`, and a refusal below the floor."""
    argv = [
        "premium",
        "--contract-price",
        "100000000",
        "--housing",
        "commercial",
        "--rate",
        "0.015",
    ]
    assert _json(capsys, argv) == {
        "premium": "1500000.00",
        "fund_contribution": "50000.00",
        "min_risk_management_fee": "225000.00",
        "rate_floor": "0.015",
    }
    assert "1500000.00" in _text(capsys, argv)
    bad = [
        "premium",
        "--contract-price",
        "100000000",
        "--housing",
        "commercial",
        "--rate",
        "0.0143",
    ]
    out = _json(capsys, bad, 2)
    assert (out["error"]["rule"], out["error"]["field"]) == ("R-U5", "rate")
    err = _text(capsys, bad, 2)
    assert "R-U5" in err and "rate" in err


def test_R_U4_cli_coinsurance(capsys: pytest.CaptureFixture[str]) -> None:
    """R-U4: `idi rules coinsurance --share ROLE:INSURER:FRACTION ...`."""
    ok = [
        "coinsurance",
        "--share",
        "lead:人保:0.5",
        "--share",
        "follower:平安:0.3",
        "--share",
        "follower:太保:0.2",
    ]
    assert _json(capsys, ok) == {"valid": True, "violations": []}
    out = _json(capsys, ["coinsurance", "--share", "lead:A:0.6", "--share", "follower:B:0.4"])
    assert out["valid"] is False
    assert [v["rule"] for v in out["violations"]] == ["R-U4"]
    assert out["violations"][0]["code"] == "wrong_count"
    assert out["violations"][0]["message"] == "共保体应有不少于 2 家从保公司（当前 1 家）"
    english = _json(
        capsys,
        ["coinsurance", "--share", "lead:A:0.6", "--share", "follower:B:0.4", "--lang", "en"],
    )
    assert english["violations"][0]["message"] == "co-insurance needs at least 2 followers (got 1)"
    out = _json(capsys, ["coinsurance", "--share", "lead-A-1"], 2)
    assert out["error"]["field"] == "shares[0]"


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["deadline", "--from", "2025-01-01"], "kind"),
        (["deadline", "--kind", "denial_notice"], "from"),
        (["deadline", "--kind", "denial_notice", "--from", "2025-13-01"], "from"),
        (["window", "--category", "insulation", "--completion"], "completion"),
        (
            [
                "assess",
                "--category",
                "insulation",
                "--completion",
                "2024-06-30",
                "--on",
                "2025-01-01",
                "--fully-decorated",
                "--not-fully-decorated",
            ],
            "fully_decorated",
        ),
        (
            [
                "assess",
                "--category",
                "insulation",
                "--completion",
                "2024-06-30",
                "--on",
                "2025-01-01",
                "--event",
                "flood",
            ],
            "event",
        ),
        (
            [
                "window",
                "--category",
                "additional",
                "--completion",
                "2024-06-30",
                "--additional-years",
                "x",
            ],
            "additional_years",
        ),
        (["coinsurance"], "shares"),
        (["packs", "--pack", "nope"], "pack"),
        (["packs", "--colour"], "colour"),
        (["teleport"], "command"),
        ([], "command"),
    ],
)
def test_R_U1_cli_errors_exit_2_with_json_error(
    capsys: pytest.CaptureFixture[str], argv: list[str], field: str
) -> None:
    """Bad input (argparse or rule) exits 2 with the API's error shape: {"error": {code, rule,
    field, message, problems}}; an unknown pack is refused under R-U1, an unknown event under
    R-C5."""
    out = _json(capsys, argv, 2)
    error = out["error"]
    assert set(error) == {"code", "rule", "field", "message", "problems"}
    assert error["field"] == field
    assert error["rule"] == {"pack": "R-U1", "event": "R-C5"}.get(field)
    assert error["problems"] == [{k: error[k] for k in ("code", "rule", "field", "message")}]


def test_R_U1_cli_error_codes_and_language(capsys: pytest.CaptureFixture[str]) -> None:
    """R-U1: a refusal carries a stable code; its message is Chinese, or English with --lang en,
    never both in one string."""
    argv = ["packs", "--pack", "nope", "--json"]
    zh = _json(capsys, argv, 2)["error"]
    en = _json(capsys, [*argv, "--lang", "en"], 2)["error"]
    assert zh["code"] == en["code"] == "unknown"
    assert zh["message"].startswith("未知的规则包“nope”") and " / " not in zh["message"]
    assert en["message"].startswith("unknown rule pack 'nope'")
    usage = _json(capsys, ["teleport", "--json", "--lang=en"], 2)["error"]
    assert usage["code"] == "invalid_arguments"
    assert usage["message"].startswith("invalid arguments:")


def test_R_T3_cli_eval_in_process(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """R-T3: `idi rules eval FILE`, one output line per input line; a missing file exits 2."""
    f = tmp_path / "q.jsonl"
    f.write_text(
        '{"op":"deadline","kind":"claim_determination","from":"2025-09-26"}\n'
        '{"op":"window","category":"insulation","completion":"2024-06-30","pack":"hangzhou-2024"}\n',
        encoding="utf-8",
    )
    assert main(["eval", str(f)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines[0]["due"] == "2025-10-09"
    assert lines[1]["end"] == "2031-06-29"
    assert main(["eval", str(f), "--line-buffered"]) == 0
    assert [json.loads(x) for x in capsys.readouterr().out.splitlines()] == lines
    out = _json(capsys, ["eval", str(tmp_path / "missing.jsonl")], 2)
    assert out["error"]["field"] == "file"


def test_R_T3_cli_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """R-T3: --help prints usage and exits 0."""
    assert main(["deadline", "--help"]) == 0
    assert "--kind" in capsys.readouterr().out


def test_R_T3_R_U5_eval_subprocess_mixed_lines() -> None:
    """R-T3, R-U5, R-C5: `python -m idi.rules eval -`: good and bad lines, in order, exit 0."""
    lines = [
        '{"op":"deadline","kind":"claim_determination","from":"2025-09-26"}',
        "this is not json",
        '{"op":"premium","contract_price":"100000000","housing":"affordable","rate":"0.0143"}',
        '{"op":"fly"}',
        '{"op":"assess","category":"foundation_structure","completion":"2024-06-30",'
        '"on":"2036-06-30","event":"collapse"}',
        '{"op":"premium","contract_price":"100000000","housing":"affordable","rate":"0.01"}',
        "",
        '{"op":"coinsurance","shares":[{"role":"lead","insurer":"A","fraction":1}]}',
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDI_")}
    proc = subprocess.run(
        [sys.executable, "-m", "idi.rules", "eval", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["due"] == "2025-10-09"
    assert out[1]["error"]["field"] is None
    assert out[2]["premium"] == "1430000.00"
    assert out[3]["error"]["field"] == "op"
    assert out[4]["status"] == "fund_structural"
    assert (out[5]["error"]["rule"], out[5]["error"]["field"]) == ("R-U5", "rate")
    assert "error" in out[6]
    assert out[7] == {"valid": True, "violations": []}


def test_R_U1_rulebook_and_cli_never_import_django() -> None:
    """R-U1: the rulebook is pure Python; `idi rules` starts without Django."""
    code = (
        "import sys, idi.rules, idi.rules.cli\n"
        "from idi.rules.cli import main\n"
        "assert main(['packs', '--json']) == 0\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
