"""The start-up check benchmark keeps working (its figures are read by people, not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_the_start_up_check_benchmark_runs_and_prints_before_and_after() -> None:
    small = ["--children", "6", "--days", "8", "--rounds", "1"]
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.kiosk_start_check", *small],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for figure in ("before: start-up", "after:  quick_check", "integrity_check alone"):
        assert figure in result.stdout
