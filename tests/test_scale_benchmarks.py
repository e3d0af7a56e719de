"""The nursery-size and staff-PIN benchmarks keep working (their figures are read by people)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _run(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_nursery_size_benchmark_measures_each_size_and_each_import() -> None:
    out = _run(
        "benchmarks.nursery_scale", "--children", "6", "9", "--repeat", "1", "--people", "20", "40"
    )
    for measure in ("daily register", "on-site list", "kiosk start-up"):
        assert out.count(measure) == 2, out
    assert "creating adults in one transaction" in out
    assert any(line.split()[:1] == ["40"] for line in out.splitlines()), out


def test_the_staff_pin_benchmark_prints_the_first_and_the_later_confirmations() -> None:
    out = _run("benchmarks.staff_pin", "--rounds", "1")
    for figure in ("first confirmation", "later confirmations", "a wrong PIN after them"):
        assert figure in out, out
