"""How the hub can fail a sync request, as the door tells them apart: away (try again later),
not trusted (a certificate this door did not pin), or refused (a 4xx with a stable code)."""

from __future__ import annotations

import ssl

import httpx


class HubUnavailable(Exception):
    """The hub did not answer, or answered 5xx: try again later."""


NOT_TRUSTED = "certificate_not_trusted"  # in the sync error: staff mode's clear message


class HubNotTrusted(HubUnavailable):
    """The address answered with a certificate this door did not pin at pairing: maybe a device
    in between, maybe a new office certificate. Nothing is sent; the loop keeps trying, so a
    passing interception ends by itself, and a new certificate needs a new pairing."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"{NOT_TRUSTED}: {detail}")


def not_trusted(exc: httpx.HTTPError) -> bool:
    """An httpx error that is a certificate check failing (not an absent hub)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


class HubRefused(Exception):
    """The hub said no (4xx) with a stable code, e.g. ``kiosk_revoked``."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code


def error_code(answer: httpx.Response) -> str:
    try:
        return str(answer.json().get("code", f"http_{answer.status_code}"))
    except ValueError:
        return f"http_{answer.status_code}"
