"""Pairing a kiosk with its hub, and where the device token is kept.

The token sits in a file beside the kiosk's database, readable by its owner only, not in the
database itself: a copy of the database made for support then carries no way into the hub.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from kiosk.sync.client import HubRefused, error_code


def token_path(db_path: str) -> Path:
    return Path(db_path).expanduser().resolve().with_suffix(".token")


def save_token(path: Path, token: str) -> None:
    # Created with 0600 from the start: no moment where another user could read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
    os.chmod(path, 0o600)


def load_token(path: Path) -> str | None:
    return path.read_text(encoding="ascii").strip() if path.exists() else None


def pair_with_hub(
    http: httpx.Client, hub_url: str, *, code: str, device: str, public_key: str
) -> str:
    """Trade the code from the office panel for a device token, telling the hub the public half
    of the key this door will sign its events with; raises :class:`HubRefused`."""
    body = {"code": code, "device": device, "public_key": public_key}
    answer = http.post(f"{hub_url.rstrip('/')}/api/v1/pair", json=body)
    if answer.status_code != 200:
        raise HubRefused(answer.status_code, error_code(answer))
    token: str = answer.json()["token"]
    return token
