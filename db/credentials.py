"""Card payloads, secret hashing and slow password hashes, shared by the hub and the kiosk.

* A QR card reads ``HOV1.<card id>.<secret>``. Both parts use the RFC 4648 base32 alphabet in
  upper case, so the whole payload fits QR's compact alphanumeric mode. The secret has 160
  random bits; only its SHA-256 is stored or replicated, so a stolen kiosk cannot print cards.
* Agreed passwords and staff PINs are low-entropy: bcrypt (cost 12) plus lockouts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from base64 import b32encode
from dataclasses import dataclass

import bcrypt

CARD_PREFIX = "HOV1"
CARD_ID_LENGTH = 10  # 50 bits: unique, and short enough to read aloud to the office
SECRET_BYTES = 20  # 160 bits
BCRYPT_COST = 12
BCRYPT_MAX_BYTES = 72
MAX_PAYLOAD_CHARS = 128  # anything longer is not one of ours; say so before doing any work

_CARD_PATTERN = re.compile(r"HOV1\.([A-Z2-7]{10})\.([A-Z2-7]{32})", re.ASCII)


class CredentialError(ValueError):
    """Input that can never be a valid credential; ``str()`` is fit to show a person."""


class MalformedCard(CredentialError):
    pass


class PasswordTooLong(CredentialError):
    pass


@dataclass(frozen=True)
class CardPayload:
    card_id: str
    secret: str

    def text(self) -> str:
        return f"{CARD_PREFIX}.{self.card_id}.{self.secret}"


def _base32(length_bytes: int) -> str:
    return b32encode(secrets.token_bytes(length_bytes)).decode("ascii").rstrip("=")


def new_card() -> CardPayload:
    """A fresh card id and secret. Show the payload once (print it); store only the hash."""
    card_id = _base32(8)[:CARD_ID_LENGTH]
    return CardPayload(card_id=card_id, secret=_base32(SECRET_BYTES))


def parse_card(raw: str) -> CardPayload:
    """Read what a camera decoded or a USB scanner typed.

    Scanners add a carriage return and some send lower case when Caps Lock is on, so surrounding
    white space and case are forgiven; nothing else is.
    """
    if len(raw) > MAX_PAYLOAD_CHARS:
        raise MalformedCard("This is not a Handover card (too long).")
    text = raw.strip().upper()
    match = _CARD_PATTERN.fullmatch(text)
    if match is None:
        if not text.startswith(CARD_PREFIX + "."):
            raise MalformedCard("This is not a Handover card.")
        raise MalformedCard("This Handover card could not be read. Please try again.")
    return CardPayload(card_id=match.group(1), secret=match.group(2))


def hash_secret(secret: str) -> str:
    """SHA-256 of a high-entropy secret (card secret, device token, pairing code)."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def pairing_code_hash(code: str) -> str:
    """What a kiosk's pairing code is compared by: upper case, without dashes or spaces."""
    return hash_secret("".join(ch for ch in code.upper() if ch.isalnum()))


def pairing_proof(code_hash: str, *values: str) -> str:
    """An HMAC keyed with the pairing code (through its hash, which the hub keeps): at pairing
    the kiosk proves which certificate it sees, and the hub which certificate to pin, to the
    only other party that knows the code. A man in the middle can relay these, not make them."""
    message = "|".join(("handover-pairing-1", *values)).encode("ascii")
    return hmac.new(code_hash.encode("ascii"), message, hashlib.sha256).hexdigest()


def pem_fingerprint(pem: str | None) -> str:
    """What the pinned certificate is named by in pairing proofs; empty for none."""
    return hashlib.sha256(pem.encode("ascii")).hexdigest() if pem else ""


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def new_token(length_bytes: int = 32) -> str:
    """A device token: high-entropy, shown once, stored as :func:`hash_secret`."""
    return secrets.token_urlsafe(length_bytes)


def normalise_agreed_password(password: str) -> str:
    """An agreed password is spoken, then typed at a kiosk under stress: "Blue  Elephant" and
    "blue elephant" are the same password. Case and runs of spaces are forgiven; every other
    character counts. The lockout, not the case, is what stops guessing."""
    text = unicodedata.normalize("NFC", password)
    return " ".join(text.casefold().split())


def _password_bytes(password: str) -> bytes:
    data = password.encode("utf-8")
    if len(data) > BCRYPT_MAX_BYTES:
        raise PasswordTooLong(
            f"That is too long: at most {BCRYPT_MAX_BYTES} bytes "
            f"(about {BCRYPT_MAX_BYTES} letters without accents)."
        )
    return data


def hash_password(password: str, *, agreed: bool = False) -> str:
    """bcrypt, cost 12. ``agreed=True`` for agreed passwords (normalised first)."""
    text = normalise_agreed_password(password) if agreed else password
    if not text:
        raise CredentialError("A password cannot be empty.")
    return bcrypt.hashpw(_password_bytes(text), bcrypt.gensalt(BCRYPT_COST)).decode("ascii")


def check_password(password: str, stored_hash: str, *, agreed: bool = False) -> bool:
    """Slow on purpose (about a quarter of a second): never call it on a UI thread."""
    text = normalise_agreed_password(password) if agreed else password
    data = _password_bytes(text)
    return bcrypt.checkpw(data, stored_hash.encode("ascii"))


def bcrypt_cost(stored_hash: str) -> int:
    return int(stored_hash.split("$")[2])


PIN_MAX_DIGITS = 8


def check_pin_format(pin: str, *, min_digits: int = 4) -> str:
    """A staff PIN is 4 to 8 digits, or at least ``min_digits`` if the nursery asks for more
    (Settings: 6 makes a stolen kiosk's PIN hashes a hundred times slower to guess)."""
    if not re.fullmatch(rf"[0-9]{{{min_digits},{PIN_MAX_DIGITS}}}", pin, re.ASCII):
        raise CredentialError(f"A PIN is {min_digits} to {PIN_MAX_DIGITS} digits.")
    return pin
