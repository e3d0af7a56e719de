"""The office benchmark keeps working (its figures are read by people, not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_the_office_pages_benchmark_runs_and_prints_its_figures() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.admin_pages",
            "--children",
            "6",
            "--days",
            "8",
            "--requests",
            "3",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for figure in ("today", "daily register", "p95"):
        assert figure in result.stdout


def test_the_hub_health_benchmark_runs_and_prints_before_and_after() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.hub_health",
            "--children",
            "6",
            "--days",
            "8",
            "--requests",
            "3",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for figure in ("today, before", "today, after", "/healthz", "/metrics", "p95"):
        assert figure in result.stdout
