"""scripts/setup-system.sh installs only what is missing, and sees fonts that are present."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "setup-system.sh"


def _fake(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/usr/bin/env bash\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A PATH on which every package is present, fc-list lists the CJK font first and then
    many more (as on a real desktop), and apt-get only writes down that it was called."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "apt-calls"
    for present in ("chromium", "msgfmt", "npm"):
        _fake(bin_dir, present, "exit 0")
    # Far more than a pipe buffer after the match, so an early-exiting reader breaks the pipe.
    _fake(bin_dir, "fc-list", 'echo "Noto Sans CJK SC"\nyes "DejaVu Sans" | head -n 200000')
    _fake(bin_dir, "apt-get", f'echo "$*" >> "{calls}"')
    _fake(bin_dir, "sudo", '"$@"')
    return bin_dir, calls


def test_present_fonts_are_not_installed_again(machine):
    bin_dir, calls = machine
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert not calls.exists(), calls.read_text()
    assert "Installing" not in result.stdout


def test_missing_fonts_are_installed(machine):
    bin_dir, calls = machine
    _fake(bin_dir, "fc-list", 'yes "DejaVu Sans" | head -n 200000')
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "fonts-noto-cjk" in calls.read_text()
