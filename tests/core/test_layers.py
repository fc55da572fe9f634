"""The layer contract (pyproject.toml, `make lint`): apps import only the layers below them, and
a lower app reaches a higher one only through idi.core.registry."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def _lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=cwd,
        env={"PYTHONPATH": str(pythonpath), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_code_keeps_the_layer_contract():
    result = _lint_imports(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout


def test_an_import_from_a_lower_app_into_a_higher_one_breaks_the_contract(tmp_path):
    """The contract is really checked: projects importing underwriting fails the lint."""
    shutil.copytree(ROOT / "src" / "idi", tmp_path / "src" / "idi")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    selectors = tmp_path / "src" / "idi" / "projects" / "selectors.py"
    selectors.write_text(selectors.read_text() + "\nimport idi.underwriting.selectors\n")
    result = _lint_imports(tmp_path, tmp_path / "src")
    assert result.returncode == 1
    assert "idi.projects is not allowed to import idi.underwriting" in result.stdout
