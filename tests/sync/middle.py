"""A man in the middle, as a device on the nursery's network would be one: it answers the
kiosk with a certificate of its own (from another office CA, made here) and relays everything,
re-encrypted, to the real hub. Whatever it relayed is kept, to show what it could read."""

from __future__ import annotations

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
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(raw,), daemon=True).start()

    def _relay(self, raw: socket.socket) -> None:
        try:
            kiosk = self.server_side.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()  # the kiosk refused our certificate: nothing to read
            return
        hub = self.client_side.wrap_socket(socket.create_connection(("127.0.0.1", self.hub_port)))
        threading.Thread(target=self._pipe, args=(hub, kiosk, False), daemon=True).start()
        self._pipe(kiosk, hub, True)

    def _pipe(self, source: ssl.SSLSocket, target: ssl.SSLSocket, keep: bool) -> None:
        try:
            while data := source.recv(65536):
                if keep:
                    self.read.append(data)
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with suppress(OSError):
                    end.close()

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
