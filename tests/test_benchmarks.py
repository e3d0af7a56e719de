"""The benchmarks keep working (their figures are read by people, not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_the_door_and_register_benchmark_runs_and_prints_its_figures() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.door_and_register",
            "--children",
            "6",
            "--days",
            "8",
            "--decisions",
            "20",
            "--register-days",
            "2",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for figure in ("collection decision by card", "daily register for one day", "p95"):
        assert figure in result.stdout


def test_the_kiosk_app_benchmark_runs_and_prints_its_figures() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.kiosk_app", "--starts", "1", "--rounds", "10"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "cold start to the home screen" in result.stdout and "RSS after warm-up" in result.stdout


def test_the_sync_benchmark_runs_a_hub_and_kiosks_and_prints_its_figures() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.sync", "--quick"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for figure in (
        "sync round",
        "GET /people",
        "events/s at saturation",
        "catch-up after a day offline",
        "catch-up of a new kiosk",
    ):
        assert figure in result.stdout, result.stdout
    assert "errors: 0" in result.stdout, result.stdout
