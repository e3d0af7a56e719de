"""The last nightly verification of the record (``handover verify --record``), as it left it in
the hub's data folder: /healthz and the Kiosks page read it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from db.verify import VERIFICATION_FILE


@dataclass(frozen=True)
class NightlyCheck:
    """The last nightly ``handover verify --record`` of the event chains (issue 13), as it
    left it in the data folder. A failed verification makes the hub unhealthy: a register that
    may have been altered is a reason to look today."""

    status: str = "not run"  # "not run", "passed" or "failed"
    finished_at: str | None = None
    problem: str | None = None


def last_verification(folder: Path) -> NightlyCheck:
    try:
        found = json.loads((folder / VERIFICATION_FILE).read_text(encoding="utf-8"))
        return NightlyCheck(str(found["status"]), found.get("finished_at"), found.get("problem"))
    except (OSError, ValueError, KeyError, TypeError):
        return NightlyCheck()
