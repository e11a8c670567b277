"""Shared test helpers: run the real CLI, copy the fixture project."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"


def run_cli(*args: str, root: Path = ROOT) -> subprocess.CompletedProcess:
    """Run `makebook --root ROOT ARGS…` as a user would, capturing its output."""
    cmd = [sys.executable, "-c", "from makebook.cli import main; main()", "--root", str(root), *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=root)


def copy_mini(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(MINI, project)
    return project
