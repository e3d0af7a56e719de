"""This door's signing key: made at pairing, kept beside the database and the device token,
readable by its owner only, and never sent anywhere (the hub gets the public half).

Like the token, it is not in the database: a copy of the database made for support then
carries no way to sign as this door.
"""

from __future__ import annotations

import os
from pathlib import Path

from db.signing import Signer, load_private, new_private, private_pem


def key_path(db_path: str | Path) -> Path:
    return Path(db_path).expanduser().resolve().with_suffix(".key")


def new_door_key() -> Signer:
    return Signer(new_private())


def save_door_key(path: Path, signer: Signer) -> None:
    # Created with 0600 from the start: no moment where another user could read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private_pem(signer.key))
    os.chmod(path, 0o600)


def load_door_key(path: Path) -> Signer | None:
    """The key, or None where this door was never paired since doors began to sign."""
    try:
        return Signer(load_private(path.read_bytes()))
    except FileNotFoundError:
        return None
