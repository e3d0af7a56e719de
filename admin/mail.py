"""The nursery's own SMTP server: where it is (``HANDOVER_SMTP_URL``), and handing it one
message. Errors are sorted into "try again later" and "the server refused this message for
good", each with the server's own words, which the manager sees on the Notices page."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_TIMEOUT = 20  # seconds: a slow server delays the next notice, never the register


class MailConfigError(ValueError):
    """The SMTP settings cannot work; the message says which part is wrong."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str  # the From address
    tls: str = "none"  # "none", "starttls" or "tls" (SMTPS)
    user: str = ""
    password: str = ""
    retry_seconds: int = 60  # the first wait after a failed try; it doubles, up to an hour

    def __repr__(self) -> str:  # never the password, not even in a traceback
        return f"SmtpSettings({self.host}:{self.port}, tls={self.tls}, user={self.user!r})"


def parse_smtp_url(
    url: str, *, sender: str, password: str = "", retry_seconds: int = 60
) -> SmtpSettings:
    """``smtp://user@host:587?starttls=1`` or ``smtps://user@host:465``; the password comes
    from a file (admin/config.py), never from the URL, so it stays out of process listings."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise MailConfigError("HANDOVER_SMTP_URL must start smtp:// or smtps://")
    if not parts.hostname:
        raise MailConfigError("HANDOVER_SMTP_URL has no server name")
    if parts.password:
        raise MailConfigError(
            "HANDOVER_SMTP_URL must not hold the password: put it in HANDOVER_SMTP_PASSWORD_FILE"
        )
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError as exc:
        raise MailConfigError("HANDOVER_SMTP_URL has a port that is not a number") from exc
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes")
    tls = "tls" if parts.scheme == "smtps" else "starttls" if starttls else "none"
    if "@" not in sender or any(c in sender for c in "\r\n<> "):
        raise MailConfigError("HANDOVER_SMTP_FROM must be one e-mail address (the sender)")
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        sender=sender,
        tls=tls,
        user=unquote(parts.username or ""),
        password=password,
        retry_seconds=retry_seconds,
    )


class TryLater(Exception):
    """The server did not take the message this time (down, busy, 4xx): try again later."""


class Refused(Exception):
    """The server refused the message for good (5xx): trying again would not help."""


def _reason(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}"[:500]


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if smtp.tls == "tls":
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=SMTP_TIMEOUT, context=context)
    server = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT)
    if smtp.tls == "starttls":
        server.starttls(context=context)
    return server


def deliver(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Hand one message to the server; returns only once the server has taken it."""
    try:
        with _connect(smtp) as server:
            if smtp.user:
                server.login(smtp.user, smtp.password)
            server.send_message(message)
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused) as exc:
        # The nursery's settings, not this message: every notice waits until they are fixed.
        raise TryLater(_reason(exc.smtp_code, exc.smtp_error)) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        _raise_for(code, text)
    except smtplib.SMTPResponseException as exc:
        _raise_for(exc.smtp_code, exc.smtp_error)
    except (OSError, smtplib.SMTPException) as exc:
        raise TryLater(str(exc) or type(exc).__name__) from exc


def _raise_for(code: int, text: bytes | str) -> None:
    if 500 <= code < 600:
        raise Refused(_reason(code, text))
    raise TryLater(_reason(code, text))


class NotTaken(Exception):
    """A test message the server did not take; the message says why in words."""


def try_test_message(smtp: SmtpSettings, message: EmailMessage) -> str:
    """Hand the Settings page's test message over step by step, so the manager reads what the
    server answered at each step: its final words when it took it, else what went wrong."""
    where = f"{smtp.host}:{smtp.port}"
    try:
        with _connect(smtp) as server:
            if smtp.user:
                server.login(smtp.user, smtp.password)
            reply = _hand_over(server, smtp.sender, str(message["To"]), message.as_bytes())
    except smtplib.SMTPAuthenticationError as exc:
        raise NotTaken(
            "The server refused the user name or password: "
            + _reason(exc.smtp_code, exc.smtp_error)
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise NotTaken(f"The server at {where} does not offer that: {exc}") from exc
    except smtplib.SMTPResponseException as exc:
        raise NotTaken("The server said no: " + _reason(exc.smtp_code, exc.smtp_error)) from exc
    except ssl.SSLError as exc:
        raise NotTaken(
            f"No secure connection could be made with {where} ({exc.reason or exc}): check "
            "the encryption setting and the port."
        ) from exc
    except ConnectionRefusedError as exc:
        raise NotTaken(
            f"Nothing answers at {where} (connection refused): check the server and the port."
        ) from exc
    except TimeoutError as exc:
        raise NotTaken(f"The server at {where} did not answer in {SMTP_TIMEOUT} s.") from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise NotTaken(f"The server at {where} could not be reached: {exc}") from exc
    return f"The server at {where} took the test message and answered: {reply}"


def _hand_over(server: smtplib.SMTP, sender: str, to: str, data: bytes) -> str:
    server.ehlo_or_helo_if_needed()
    code, text = server.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, text, sender)
    code, text = server.rcpt(to)
    if code not in (250, 251):
        raise smtplib.SMTPResponseException(code, text)
    code, text = server.data(data)
    if code != 250:
        raise smtplib.SMTPDataError(code, text)
    return _reason(code, text)
