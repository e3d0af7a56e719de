"""The office benchmarks keep working (their figures are read by people, not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    ("benchmark", "figures"),
    [
        (
            "admin_pages",
            ("today", "daily register", "auditing off", "auditing on", "first look", "p95"),
        ),
        ("hub_health", ("today, before", "today, after", "/healthz", "/metrics", "p95")),
    ],
)
def test_the_office_benchmarks_run_and_print_their_figures(
    benchmark: str, figures: tuple[str, ...]
) -> None:
    small = ["--children", "6", "--days", "8", "--requests", "3"]
    result = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{benchmark}", *small],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for figure in figures:
        assert figure in result.stdout
