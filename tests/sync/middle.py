"""A man in the middle, as a device on the nursery's network would be one: it answers the
kiosk with a certificate of its own (from another office CA, made here) and relays everything,
re-encrypted, to the real hub. Whatever it relayed is kept, to show what it could read.

The relay runs on one asyncio loop in its own thread: asyncio's TLS works on memory buffers,
so reading one side while writing the other never touches one SSL object from two threads
(two threads on one blocking SSL socket could stall under load, leaving the hub waiting for a
request body that sat in the relay)."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from contextlib import suppress
from pathlib import Path

from admin.tls import own_certificate


class ManInTheMiddle:
    def __init__(self, hub_port: int, folder: Path) -> None:
        self.hub_port = hub_port
        certificate = own_certificate(folder / "attacker-tls", listen_host="127.0.0.1")
        self.server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.server_side.load_cert_chain(certificate.cert_file, certificate.key_file)
        self.client_side = ssl.create_default_context()
        self.client_side.check_hostname = False
        self.client_side.verify_mode = ssl.CERT_NONE  # an attacker checks nothing
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"https://127.0.0.1:{self.listener.getsockname()[1]}"
        self.read: list[bytes] = []  # what the kiosk sent, as the attacker saw it
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._relay, sock=self.listener, ssl=self.server_side)
        )
        self._ready.set()
        self._loop.run_forever()

    async def _relay(self, kiosk_in: asyncio.StreamReader, kiosk_out: asyncio.StreamWriter) -> None:
        try:
            hub_in, hub_out = await asyncio.open_connection(
                "127.0.0.1", self.hub_port, ssl=self.client_side
            )
        except OSError:
            kiosk_out.close()
            return
        await asyncio.gather(
            self._pipe(kiosk_in, hub_out, keep=True), self._pipe(hub_in, kiosk_out, keep=False)
        )

    async def _pipe(
        self, source: asyncio.StreamReader, target: asyncio.StreamWriter, *, keep: bool
    ) -> None:
        try:
            while data := await source.read(65536):
                if keep:
                    self.read.append(data)
                target.write(data)
                await target.drain()
        except (OSError, ssl.SSLError):
            pass
        finally:
            target.close()  # one side hung up: so does the other
            with suppress(OSError, ssl.SSLError):
                await target.wait_closed()

    def close(self) -> None:
        def stop() -> None:
            self._server.close()
            self._loop.stop()

        with suppress(RuntimeError):
            self._loop.call_soon_threadsafe(stop)
