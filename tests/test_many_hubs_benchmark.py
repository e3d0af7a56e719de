"""The many-hubs benchmark keeps working (its figures are read by people, not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_ADMIN_URL

ROOT = Path(__file__).parents[1]


@pytest.mark.postgres
def test_the_many_hubs_benchmark_runs_hubs_side_by_side_and_prints_its_figures(
    postgres_url: str,  # skips with its reason when PostgreSQL does not answer
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.many_hubs", "--quick", "--server", PG_ADMIN_URL],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for figure in (
        "SQLAlchemy default (before), 2 hub(s)",
        "Handover default (after), 1 hub(s)",
        "memory per hub (RSS)",
        "connections held",
        "sign-in page",
        "sync pull",
    ):
        assert figure in result.stdout, result.stdout
    assert result.stdout.count("errors                  0") == 4, result.stdout
