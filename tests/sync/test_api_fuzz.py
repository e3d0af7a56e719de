"""The sync API fuzzed against its own OpenAPI document with schemathesis, over HTTPS, against a
real hub on SQLite and PostgreSQL: no request may get a 500, every answer must be the status,
headers and body the document promises, and every error a ``{"code", "message"}``.

Two checks are left out, on purpose: ``positive_data_acceptance`` (the generator does not keep
to a header's format, so ``X-Device-Time: null`` counts as "valid" and its 400 as a failure) and
``negative_data_rejection`` (a request with an extra header is accepted, as HTTP intends).
Seeded, so a failure reproduces; a failure prints schemathesis's own report with a curl line.

The suite's run is short: every operation is fuzzed, as a paired kiosk and as a stranger, with
fewer examples each. ``HANDOVER_LONG_FUZZ=1`` runs the long fuzz (150 examples an operation as
the kiosk, 50 as the stranger), e.g. before a release or after changing the sync API::

    HANDOVER_LONG_FUZZ=1 .venv/bin/python -m pytest tests/sync/test_api_fuzz.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sync.nursery import Hub

SCHEMATHESIS = Path(sys.executable).with_name("st")
LEFT_OUT = "negative_data_rejection,positive_data_acceptance"
# Examples an operation (as the paired kiosk, as a stranger): the long fuzz, or the suite's.
LONG = os.environ.get("HANDOVER_LONG_FUZZ", "") not in ("", "0")
EXAMPLES = (150, 50) if LONG else (30, 10)


def fuzz(hub: Hub, *headers: str, examples: int, seed: int, tmp: Path) -> None:
    command = [str(SCHEMATHESIS), "run", f"{hub.base}/api/v1/openapi.json"]
    command += ["--checks", "all", "--exclude-checks", LEFT_OUT, "--workers", "1"]
    command += ["--max-examples", str(examples), "--seed", str(seed)]
    command += ["--report-dir", str(tmp / "schemathesis"), "--no-color"]
    command += ["--tls-verify", str(hub.ca_file)]  # over HTTPS, trusting the office's CA
    for header in headers:
        command += ["--header", header]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Traceback" not in hub.log.read_text(), hub.log.read_text()[-4000:]


@pytest.mark.skipif(not SCHEMATHESIS.exists(), reason="schemathesis is not installed")
def test_the_sync_api_survives_fuzzing_as_a_paired_kiosk_and_as_a_stranger(
    hub: Hub, token: str, tmp_path: Path
) -> None:
    as_kiosk, as_stranger = EXAMPLES
    fuzz(hub, f"Authorization: Bearer {token}", examples=as_kiosk, seed=1, tmp=tmp_path)
    fuzz(hub, examples=as_stranger, seed=2, tmp=tmp_path)
