"""The hub's e-mail sender: a background thread that posts queued notices (db ``notices``)
whenever the nursery's SMTP server answers, and waits longer after each failed try.

Never twice: a notice is claimed (``sending``) and committed before it goes to the server,
and marked ``sent`` the moment the server has taken it. Should the hub stop between those two
commits, the notice may or may not have arrived; at the next start it is shown to the manager
as failed with that reason rather than sent again, so no parent gets the same notice twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from admin.background import BackgroundThread
from admin.mail import Refused, SmtpSettings, TryLater, deliver
from admin.ops.logs import log_event
from db.models import Notice

BATCH = 20
LONGEST_WAIT = timedelta(hours=1)
INTERRUPTED = (
    "The hub stopped while sending this notice, so it may have arrived; "
    "it is not sent again, so that no one is told twice."
)


def backoff(smtp: SmtpSettings, attempts: int) -> timedelta:
    """retry_seconds after the first failure, doubling each time, never more than an hour."""
    return min(timedelta(seconds=smtp.retry_seconds * 2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def message_for(notice: Notice, smtp: SmtpSettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = notice.to_address
    message["Subject"] = notice.subject
    message["Message-ID"] = notice.message_id
    message["Date"] = format_datetime(notice.queued_at)
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to the nursery
    message.set_content(notice.text_body)
    message.add_alternative(notice.html_body, subtype="html")
    return message


def test_message(smtp: SmtpSettings, *, to: str, nursery: str) -> EmailMessage:
    """What the Notices page's button sends: no child's data, only that mail works."""
    message = EmailMessage()
    message["From"], message["To"] = smtp.sender, to
    message["Subject"] = f"A test message from {nursery or 'Handover'}"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        "This is a test of the e-mails Handover sends parents when who may collect their child "
        "changes. If it arrived, the nursery's mail settings work.\n"
    )
    return message


class NoticeSender(BackgroundThread):
    def __init__(
        self,
        sessions: sessionmaker[Session],
        smtp: SmtpSettings | Callable[[Session], SmtpSettings | None],
        clock: Callable[[], datetime],
        *,
        poll_seconds: float = 2.0,
        before_sending: Callable[[Session, datetime], object] | None = None,
    ) -> None:
        """``smtp`` is fixed, or asked for at each round (the panel's Settings may change it
        while the hub runs). ``before_sending`` queues what the doors' new events call for
        (admin/office/event_notices.py), here rather than in the sync, which never waits."""
        super().__init__("notice-sender")
        self.sessions, self.clock = sessions, clock
        self._smtp_now = smtp if callable(smtp) else (lambda _db: smtp)
        self.smtp: SmtpSettings | None = smtp if isinstance(smtp, SmtpSettings) else None
        self.before_sending = before_sending
        self.poll_seconds = poll_seconds
        self._quiet_until: datetime | None = None  # the server was down: let it be a while

    def start(self) -> None:
        self.settle_interrupted()
        # A send stuck on a silent server at stop is left to die with the process: its
        # notice then shows "may have arrived" at the next start, never sent twice.
        self.run_beside(self._loop)

    def _loop(self) -> None:
        while not self.stopping(self.poll_seconds):
            try:
                self.queue_from_events()
                self.send_due()
            except Exception as exc:  # the database away for a moment: try at the next poll
                log_event("notice_sender_error", error=type(exc).__name__)

    def settle_interrupted(self) -> int:
        with self.sessions() as db:
            result = db.execute(
                update(Notice)
                .where(Notice.status == "sending")
                .values(status="failed", last_error=INTERRUPTED)
            )
            db.commit()
            return int(getattr(result, "rowcount", 0) or 0)

    def queue_from_events(self) -> None:
        if self.before_sending is None:
            return
        with self.sessions() as db:
            self.before_sending(db, self.clock())
            db.commit()

    def send_due(self) -> int:
        """Send what is due now; returns how many the server took."""
        now = self.clock()
        with self.sessions() as db:
            smtp = self._smtp_now(db)
            if smtp != self.smtp:  # new settings: the old server's silence says nothing of them
                self.smtp, self._quiet_until = smtp, None
            if self.smtp is None:
                return 0  # no mail server yet: the notices wait, visible on the Notices page
            if self._quiet_until is not None and now < self._quiet_until:
                return 0
            due = db.scalars(
                select(Notice.id)
                .where(Notice.status == "waiting", Notice.next_try_at <= now)
                .order_by(Notice.id)
                .limit(BATCH)
            ).all()
        sent = 0
        for notice_id in due:
            outcome = self._send_one(notice_id)
            if outcome == "waiting":
                break  # the server is away: the others wait with it
            sent += outcome == "sent"
        return sent

    def _claim(self, db: Session, notice_id: int) -> Notice | None:
        claimed = db.execute(
            update(Notice)
            .where(Notice.id == notice_id, Notice.status == "waiting")
            .values(status="sending", attempts=Notice.attempts + 1)
        )
        db.commit()
        if not getattr(claimed, "rowcount", 0):
            return None  # another sender took it, or the manager stopped it
        return db.get(Notice, notice_id)

    def _send_one(self, notice_id: int) -> str:
        with self.sessions() as db:
            notice = self._claim(db, notice_id)
            if notice is None:
                return "skipped"
            outcome = self._post(notice)
            db.commit()
            log_event(f"notice_{outcome}", notice=notice.id, attempts=notice.attempts)
            return outcome

    def _post(self, notice: Notice) -> str:
        """Hand the claimed notice to the server and record how it went (uncommitted)."""
        smtp = self.smtp
        assert smtp is not None  # send_due returns before any claim without one
        try:
            deliver(smtp, message_for(notice, smtp))
        except TryLater as exc:
            wait = backoff(smtp, notice.attempts)
            notice.status, notice.last_error = "waiting", str(exc)[:500]
            notice.next_try_at = self._quiet_until = self.clock() + wait
            return "waiting"
        except Refused as exc:
            notice.status, notice.last_error = "failed", str(exc)[:500]
            return "failed"
        except (ValueError, TypeError) as exc:  # an address no message can carry
            notice.status, notice.last_error = "failed", f"Not a usable address: {exc}"[:500]
            return "failed"
        notice.status, notice.sent_at, notice.last_error = "sent", self.clock(), ""
        self._quiet_until = None
        return "sent"
