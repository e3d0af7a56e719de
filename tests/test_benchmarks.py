"""The benchmarks keep working (their figures are read by people, not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_ADMIN_URL

ROOT = Path(__file__).parents[1]


def run_benchmark(module: str, *args: str, timeout: int = 300) -> str:
    """Run ``python -m benchmarks.<module> ARGS`` from the checkout; its output, once it passed."""
    result = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_door_and_register_benchmark_runs_and_prints_its_figures() -> None:
    out = run_benchmark(
        "door_and_register",
        *("--children", "6", "--days", "8", "--decisions", "20", "--register-days", "2"),
    )
    for figure in ("collection decision by card", "daily register for one day", "p95"):
        assert figure in out


def test_the_kiosk_app_benchmark_runs_and_prints_its_figures() -> None:
    out = run_benchmark("kiosk_app", "--starts", "1", "--rounds", "3")
    assert "cold start to the home screen" in out and "RSS after warm-up" in out


def test_the_sync_benchmark_runs_a_hub_and_kiosks_and_prints_its_figures() -> None:
    # Every phase, as short as it can be: two doors in one client process, a short morning.
    smallest = ("--kiosks", "2", "--workers", "1", "--morning", "2", "--saturation", "0.5")
    out = run_benchmark("sync", "--quick", *smallest, "--rounds", "three", "one")
    for figure in (
        "sync round (push + people + events)",
        "sync round (one request)",
        "POST /round",
        "side by side",
        "GET /people",
        "events/s at saturation",
        "catch-up after a day offline",
        "catch-up of a new kiosk",
    ):
        assert figure in out, out
    assert out.count("HTTP errors: 0 ; errors: 0") == 2, out  # three calls a round, then one
    assert "hub over HTTPS" in out, out  # as installed: the doors pin the hub's certificate
    assert out.count("0 missing at 0 of") == 2, out


def test_the_signing_benchmark_prints_what_a_round_pays_for_signatures() -> None:
    out = run_benchmark("signing", "--repeat", "3")
    assert "door seals" in out and "hub checks" in out and "µs" in out, out


def test_the_first_sync_benchmark_times_new_doors_against_a_hub_with_history() -> None:
    out = run_benchmark("first_sync", "--years", "0", "--children", "6", "--everything")
    assert "first sync from the starting point: median" in out, out
    assert "first sync pulling every event" in out and "load average" in out, out


def test_the_start_up_check_benchmark_runs_and_prints_before_and_after() -> None:
    out = run_benchmark("kiosk_start_check", "--children", "6", "--days", "8", "--rounds", "1")
    for figure in ("before: start-up", "after:  quick_check", "integrity_check alone"):
        assert figure in out


def test_the_nursery_size_benchmark_measures_each_size_and_each_import() -> None:
    out = run_benchmark(
        "nursery_scale", "--children", "6", "9", "--repeat", "1", "--people", "20", "40"
    )
    for measure in ("daily register", "on-site list", "kiosk start-up", "book refresh"):
        assert out.count(measure) == 2, out
    assert "creating adults in one transaction" in out
    assert any(line.split()[:1] == ["40"] for line in out.splitlines()), out


def test_the_staff_pin_benchmark_prints_the_first_and_the_later_confirmations() -> None:
    out = run_benchmark("staff_pin", "--rounds", "1")
    for figure in ("first confirmation", "later confirmations", "a wrong PIN after them"):
        assert figure in out, out


@pytest.mark.postgres
def test_the_many_hubs_benchmark_runs_hubs_side_by_side_and_prints_its_figures(
    postgres_url: str,  # skips with its reason when PostgreSQL does not answer
) -> None:
    # Two hubs (one, then both) under each pool setting, with a second of load and short
    # settling: every figure is printed, in a fraction of --quick's time.
    smallest = ("--seconds", "1", "--pause", "0.2", "--settle", "0.3")
    out = run_benchmark("many_hubs", "--quick", *smallest, "--server", PG_ADMIN_URL, timeout=600)
    for figure in (
        "SQLAlchemy default (before), 2 hub(s)",
        "Handover default (after), 1 hub(s)",
        "memory per hub (RSS)",
        "connections held",
        "sign-in page",
        "sync pull",
    ):
        assert figure in out, out
    assert out.count("errors                  0") == 4, out
