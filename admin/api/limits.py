"""What a request body must be before anything parses it: not too big, and text a database
can hold.

The biggest honest request is a full batch: 500 events of at most 4,000 characters of payload
each, about 2.5 MB as JSON, whether it comes as ``POST /events`` or inside a ``POST /round``
(whose cursors add a few dozen bytes; a door sends 100 events a round). Anything over
:data:`MAX_BODY` is refused with 413 ``body_too_large`` whether it declares its length or
streams it in chunks; the body is read (up to the cap) here and handed on whole, so no view
ever sees part of one.

JSON may spell characters no database stores: a NUL (PostgreSQL refuses it in text) or half of
a UTF-16 pair (no UTF-8 encoding exists). Found by fuzzing /pair, where it was a 500. Such a
body is refused with 422 ``invalid_text`` before any view sees it. JSON nested deeper than any
honest request (:data:`MAX_DEPTH`) is refused with 422 ``too_deep``: a thousand brackets made
Python's parser raise ``RecursionError``, which was a 500.

The office's pages get the same guard with a smaller cap (:data:`PANEL_BODY`: a login or a
form is a few kilobytes), so an anonymous 200 MB upload to ``/login`` is refused on its
declared length, or after its first 256 kB, before anything parses it or writes it to a
temporary file. Only a signed-in member of staff may send more (a photo,
:data:`STAFF_BODY`): the ``wider`` callback is asked only once a body outgrows the small cap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.errors import plain_page

MAX_BODY = 4 * 1024 * 1024
PANEL_BODY = 256 * 1024
STAFF_BODY = 10 * 1024 * 1024  # a form with up to a few photos of at most 8 MB in all
MAX_DEPTH = 32  # an event's payload is two levels deep; the deepest request is about five

Wider = Callable[[Scope], Awaitable[int]]


class BodyLimit:
    """Reads the whole body up to a cap before the application sees it; ``skip`` is a path
    prefix another limit already guards (the sync API mounted inside the office)."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int = MAX_BODY,
        *,
        wider: Wider | None = None,
        skip: str = "",
        pages: bool = False,
    ) -> None:
        self.app = app
        self.limit = limit
        self.wider = wider
        self.skip = skip
        self.pages = pages  # refuse with a page a person can read, not JSON

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self.skip and scope["path"].startswith(self.skip)):
            await self.app(scope, receive, send)
            return
        allowed = self.limit
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit():
            await self._too_large(scope, send, allowed)
            return
        if int(declared) > allowed:
            allowed = await self._widen(scope)
            if int(declared) > allowed:
                await self._too_large(scope, send, allowed)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > allowed and allowed == self.limit:
                allowed = await self._widen(scope)
            if size > allowed:
                await self._too_large(scope, send, allowed)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = unstorable(body) if body else None
        if problem is not None:
            await self._refuse(scope, send, 422, *problem)
            return
        given = False

        async def replay() -> Message:
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _widen(self, scope: Scope) -> int:
        return max(self.limit, await self.wider(scope)) if self.wider else self.limit

    async def _too_large(self, scope: Scope, send: Send, allowed: int) -> None:
        mb = allowed >= 1024 * 1024
        size = f"{allowed // 1024 // 1024} MB" if mb else f"{allowed // 1024} kB"
        await self._refuse(scope, send, 413, "body_too_large", f"The request is over {size}.")

    async def _refuse(self, scope: Scope, send: Send, status: int, code: str, message: str) -> None:
        if self.pages:
            kind, body = b"text/html; charset=utf-8", plain_page("That could not be sent", message)
        else:
            kind, body = b"application/json", json.dumps({"code": code, "message": message})
        data = body.encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(data)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})


def unstorable(body: bytes) -> tuple[str, str] | None:
    """Why a JSON body must be refused: nested deeper than :data:`MAX_DEPTH`, or holding a NUL
    or a lone surrogate in any key or string. Anything else (including JSON that is not valid
    at all, which the views answer themselves, and form posts) is passed on. Text that merely
    spells ``\\u0000`` (a backslash and five letters) is fine."""
    too_deep = "too_deep", f"The request is nested more than {MAX_DEPTH} levels deep."
    try:
        parsed = json.loads(body)
    except RecursionError:  # about a thousand levels: the parser gives up before we can count
        return too_deep
    except ValueError:
        return None
    pending: list[tuple[object, int]] = [(parsed, 0)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            return too_deep
        if isinstance(value, dict):
            pending += [(v, depth + 1) for v in (*value.keys(), *value.values())]
        elif isinstance(value, list):
            pending += [(v, depth + 1) for v in value]
        elif isinstance(value, str) and _UNSTORABLE.search(value):
            return "invalid_text", "The request holds characters that cannot be stored."
    return None


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
