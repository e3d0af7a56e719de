"""The QR decoding benchmark keeps working (its figures are read by people, not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_the_decode_benchmark_runs_and_prints_its_tables() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.decode", "--quick"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for heading in (
        "## QR decoding",
        "| size | frames | zxing-cpp | zxing-cpp ms p50 (p95) | pyzbar |",
        "| 1280x720 | 60 px code |",
        "| 640x480 | phone, glare |",
        "| 1280x720 | phone, all three |",
        "| zxing-cpp one look | zxing-cpp one look ms p50 (p95) |",
        "wrong payloads read:",
        "## Scan to decision",
        "| decoder | p50 ms | p95 ms |",
        "| zxing-cpp |",
    ):
        assert heading in result.stdout, heading
