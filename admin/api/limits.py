"""What a request body must be before anything parses it: not too big, and text a database
can hold.

The biggest honest request is a full batch: 500 events of at most 4,000 characters of payload
each, about 2.5 MB as JSON. Anything over :data:`MAX_BODY` is refused with 413 ``body_too_large``
whether it declares its length or streams it in chunks; the body is read (up to the cap) here
and handed on whole, so no view ever sees part of one.

JSON may spell characters no database stores: a NUL (PostgreSQL refuses it in text) or half of
a UTF-16 pair (no UTF-8 encoding exists). Found by fuzzing /pair, where it was a 500. Such a
body is refused with 422 ``invalid_text`` before any view sees it.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 4 * 1024 * 1024


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and not storable(body):
            await self._refuse(
                send, 422, "invalid_text", "The request holds characters that cannot be stored."
            )
            return
        given = False

        async def replay() -> Message:
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        megabytes = self.limit // (1024 * 1024)
        await self._refuse(send, 413, "body_too_large", f"The request is over {megabytes} MB.")

    async def _refuse(self, send: Send, status: int, code: str, message: str) -> None:
        body = json.dumps({"code": code, "message": message}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def storable(body: bytes) -> bool:
    """False for JSON holding a NUL or a lone surrogate in any key or string; anything else
    (including JSON that is not valid at all, which the views answer themselves) is passed on.
    Text that merely spells ``\\u0000`` (a backslash and five letters) is fine."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return True
    pending = [parsed]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            pending += value
        elif isinstance(value, str) and _UNSTORABLE.search(value):
            return False
    return True


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
