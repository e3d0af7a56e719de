"""The release, built and installed once per test run for the tests that use it."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest

from tests.deploy.release import ROOT, Release, build_release


@pytest.fixture(scope="session")
def release() -> Release:
    # Not pytest's tmp folder: on a machine where several people run tests, each run prunes
    # the older pytest-N folders, venvs included, even while another run is using them. One
    # folder per checkout instead, made anew by each run (xdist's workers share one run id).
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid-{os.getpid()}"
    return build_release(Path(tempfile.gettempdir()) / f"handover-release-{checkout}", run_id)
