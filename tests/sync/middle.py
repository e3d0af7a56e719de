"""A man in the middle, as a device on the nursery's network would be one: it answers the
kiosk with a certificate of its own (from another office CA, made here) and relays everything,
re-encrypted, to the real hub. Whatever it relayed is kept, to show what it could read."""

from __future__ import annotations

import select
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
        self._relay_both(kiosk, hub)

    def _relay_both(self, kiosk: ssl.SSLSocket, hub: ssl.SSLSocket) -> None:
        """Both directions in one thread: an SSL socket read in one thread while another writes
        to it can hang (OpenSSL's state is shared), which made pairing through the middle time
        out now and then."""
        other = {kiosk: hub, hub: kiosk}
        try:
            while True:
                ready, _, _ = select.select([kiosk, hub], [], [], 30)
                if not ready:
                    return
                for source in ready:
                    data = source.recv(65536)
                    while data and source.pending():  # decrypted already: select cannot see it
                        data += source.recv(source.pending())
                    if not data:
                        return
                    if source is kiosk:
                        self.read.append(data)
                    other[source].sendall(data)
        except OSError:
            pass
        finally:
            for end in (kiosk, hub):
                with suppress(OSError):
                    end.close()

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
