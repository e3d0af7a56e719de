"""One error type for the hub: a status, a stable code and a sentence fit to show a person.

How each is answered (JSON, a page, a redirect) is admin/error_pages.py's part: this module
depends on nothing of the hub's, so the dependencies, the templates and the views can all
raise these errors without importing one another.
"""

from __future__ import annotations

import html

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# A database that is locked by another writer (SQLite waits busy_timeout, PostgreSQL the
# hub's lock_timeout), restarting, or out of pooled connections: the request may work in a few
# seconds, so the answer is 503 with Retry-After, never a 500 that reads like a bug.
DATABASE_BUSY = (OperationalError, PoolTimeout)
RETRY_AFTER_SECONDS = 5


class HubError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class LoginRequired(HubError):
    def __init__(self, message: str = "Please sign in.") -> None:
        super().__init__(401, "login_required", message)


class SetupRequired(HubError):
    def __init__(self) -> None:
        super().__init__(409, "setup_required", "The manager account has not been created yet.")


def forbidden(message: str = "Only the manager can do that.") -> HubError:
    return HubError(403, "manager_only", message)


def not_found(what: str = "That page") -> HubError:
    return HubError(404, "not_found", f"{what} could not be found.")


def database_busy() -> HubError:
    return HubError(
        503,
        "database_busy",
        "The office's records are busy for a moment. Please try again in a few seconds.",
    )


def plain_page(heading: str, sentence: str) -> str:
    """A whole page that needs nothing (no template, no database, no session): what the hub
    shows when it cannot or will not go further, e.g. a body too big or a database busy."""
    return (
        "<!doctype html><meta charset=utf-8><title>Handover</title>"
        f"<body style='font-family:sans-serif;margin:2rem'><h1>{html.escape(heading)}</h1>"
        f"<p>{html.escape(sentence)}</p><p><a href='/'>Back to Handover</a></p>"
    )
