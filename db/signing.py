"""Signed events in hash chains: the one encoding that doors sign, the hub checks and
``handover verify`` walks again, defined once here so the two sides cannot drift apart.

Every signer (a paired door, or the hub for what the office records) has an Ed25519 key. Its
events form a chain of their own: ``device_seq`` counts 1, 2, 3 ... and ``prev_hash`` is the
hash of the event before (``GENESIS`` for the first). What is signed, and hashed into the chain,
is the sorted-key compact JSON of the event's fields (:func:`signed_bytes`), with the payload
replaced by a salted digest of it. Erasing a person's values (UK GDPR) removes the payload's
personal values and the salt and keeps the digest: the chain still verifies, and nobody can
test a guess at the erased values against the digest, because the salt has gone with them.

A key made again (a door paired anew) starts a chain of its own at 1: the chain is the key's.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from db.clock import as_utc
from db.timeline import EventRecord, Seal

GENESIS = "0" * 64  # the prev_hash of a chain's first event
# The hub keeps a door's own clock here when it moved the event to hub time (admin/api/events.py);
# it is not part of what the door signed, so a check reads the event back as the door sent it.
DEVICE_TIME = "device_time"


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def new_salt() -> str:
    return secrets.token_hex(16)


def payload_digest(payload: Mapping[str, Any], salt: str) -> str:
    return hashlib.sha256(salt.encode("ascii") + b"\n" + canonical_json(dict(payload))).hexdigest()


def _time(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="microseconds")


def as_signed(record: EventRecord) -> EventRecord:
    """The event as its signer made it: the hub's move to its own clock undone."""
    sent = record.payload.get(DEVICE_TIME)
    if not isinstance(sent, str):
        return record
    payload = {k: v for k, v in record.payload.items() if k != DEVICE_TIME}
    return replace(record, occurred_at=datetime.fromisoformat(sent), payload=payload)


# Signed as they are; the type, the time and the payload (through its digest) are written out.
PLAIN_FIELDS = (
    "uuid", "device", "child_id", "adult_id", "staff_id", "visitor_id", "room_id", "ref"
)  # fmt: skip


def signed_bytes(record: EventRecord, seal: Seal) -> bytes:
    """What is signed and chained: every field of the event, in one fixed encoding."""
    fields = {name: getattr(record, name) for name in PLAIN_FIELDS}
    fields |= {name: getattr(seal, name) for name in ("signer", "device_seq", "prev_hash")}
    fields |= {"type": str(record.type), "occurred_at": _time(record.occurred_at)}
    return canonical_json(fields | {"payload_digest": seal.payload_digest})


def chain_hash(record: EventRecord, seal: Seal) -> str:
    """The link the next event in the chain carries as its ``prev_hash``."""
    return hashlib.sha256(signed_bytes(record, seal)).hexdigest()


def public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key(text: str) -> Ed25519PublicKey | None:
    """A public key from its base64 text; None for anything that is not one."""
    try:
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        return None


class Signer:
    """A private key and the chain it extends; ``head`` is ``(last device_seq, its hash)``."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self.key = key
        self.public = public_text(key.public_key())

    def seal(self, record: EventRecord, *, after: tuple[int, str]) -> EventRecord:
        """The record signed as the next link after ``after`` (as :func:`as_signed` reads it:
        the hub's own alert for a door keeps the door's clock in ``device_time`` too)."""
        seq, prev = after
        salt, signed = new_salt(), as_signed(record)
        unsigned = Seal(self.public, seq + 1, prev, payload_digest(signed.payload, salt), salt, "")
        signature = self.key.sign(signed_bytes(signed, unsigned))
        seal = replace(unsigned, signature=base64.b64encode(signature).decode("ascii"))
        return replace(record, seal=seal)

    def seal_all(self, records: list[EventRecord], *, after: tuple[int, str]) -> list[EventRecord]:
        sealed = []
        for record in records:
            done = self.seal(record, after=after)
            assert done.seal is not None
            after = (done.seal.device_seq, chain_hash(as_signed(done), done.seal))
            sealed.append(done)
        return sealed


def load_private(data: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def seal_problem(record: EventRecord, key: Ed25519PublicKey | None) -> str | None:
    """What is wrong with a sealed event, in words, or None when it is sound: the payload
    against its digest (unless erased), then the signature over every field."""
    seal = record.seal
    if seal is None:
        return "it is not signed"
    if key is None:
        return "its signer's key is not known here"
    signed = as_signed(record)
    salt = seal.payload_salt
    if salt is not None and payload_digest(signed.payload, salt) != seal.payload_digest:
        return "its payload does not match the digest it was signed with"
    try:
        key.verify(base64.b64decode(seal.signature), signed_bytes(signed, seal))
    except (InvalidSignature, ValueError):
        return "its signature does not match its fields"
    return None


def new_private() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()
