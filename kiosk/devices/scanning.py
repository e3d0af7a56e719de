"""The camera worker: read a frame, keep it for the preview, decode it, report each card once.

Everything here runs on one daemon thread so the screen never waits for the camera or the
decoder. ``on_payload`` and ``on_unavailable`` are called *from that thread*; the app hops back
to Kivy's thread itself (``Clock.schedule_once``), which keeps this module free of Kivy.

A card held up in front of the camera is in every frame for as long as it is held. It is reported
when first seen and then not again until it has been out of sight for ``repeat_after`` seconds,
so one card held for ten seconds starts one collection, and a card left lying in view (or a
revoked card, which alerts staff) does not raise a new alert every few seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.devices.camera import Frame, FrameSource
from kiosk.devices.decoder import Decoder

log = logging.getLogger(__name__)

JOIN_TIMEOUT = 2.0


@dataclass(frozen=True)
class ScannerStats:
    """What the staff screen shows about the camera."""

    running: bool
    frames_read: int  # frames the camera gave
    frames_missed: int  # reads that gave no frame (a camera unplugged shows up here)
    frames_decoded: int  # frames the decoder finished without an error
    decode_errors: int
    payloads_reported: int
    last_decode_ms: float | None


class CameraScanner:
    def __init__(
        self,
        source: FrameSource,
        decoder: Decoder,
        *,
        on_payload: Callable[[str], None],
        on_unavailable: Callable[[], None],
        repeat_after: float = 4.0,
        clock: Callable[[], float] = time.monotonic,
        fps_limit: float = 15,
    ) -> None:
        self.source = source
        self._decoder = decoder
        self._on_payload = on_payload
        self._on_unavailable = on_unavailable
        self._repeat_after = repeat_after
        self._clock = clock
        # Decoding every frame a camera can give would keep a Pi's CPU busy for nothing: a
        # person holds a card up for a second or more. Zero or less means "as fast as it comes".
        self._frame_interval = 1.0 / fps_limit if fps_limit > 0 else 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: Frame | None = None
        self._last_seen: dict[str, float] = {}
        self._error_logged = False
        self._frames_read = 0
        self._frames_missed = 0
        self._frames_decoded = 0
        self._decode_errors = 0
        self._payloads_reported = 0
        self._last_decode_ms: float | None = None

    # -- the app's side ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker. Calling it while the worker runs changes nothing."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop,), name=f"camera {self.source.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker and release the camera. The worker closes the camera itself, because
        releasing a V4L2 capture while another thread is inside ``read()`` can crash OpenCV."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(JOIN_TIMEOUT)
            if thread.is_alive():
                log.warning("camera %s did not stop within %.0f s", self.source.name, JOIN_TIMEOUT)
                return  # it closes the camera itself when its read returns
        self.source.close()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def latest_frame(self) -> Frame | None:
        """The most recent frame, for the preview (may be the same frame twice)."""
        with self._lock:
            return self._latest

    def stats(self) -> ScannerStats:
        with self._lock:
            return ScannerStats(
                running=self.running,
                frames_read=self._frames_read,
                frames_missed=self._frames_missed,
                frames_decoded=self._frames_decoded,
                decode_errors=self._decode_errors,
                payloads_reported=self._payloads_reported,
                last_decode_ms=self._last_decode_ms,
            )

    # -- the worker's side -------------------------------------------------------------------

    def _run(self, stop: threading.Event) -> None:
        try:
            opened = self.source.open()
        except Exception:
            log.exception("camera %s failed to open", self.source.name)
            opened = False
        if not opened:
            self._call(self._on_unavailable)
            return
        try:
            while not stop.is_set():
                started = time.perf_counter()
                self._step()
                # Real time, not the injected clock: the clock decides what counts as "the same
                # card again"; pacing is about sparing the CPU.
                stop.wait(max(0.0, self._frame_interval - (time.perf_counter() - started)))
        finally:
            self.source.close()

    def _step(self) -> None:
        try:
            frame = self.source.read()
        except Exception:
            log.exception("camera %s failed to read", self.source.name)
            frame = None
        with self._lock:
            if frame is None:
                self._frames_missed += 1
                return
            self._frames_read += 1
            self._latest = frame
        started = time.perf_counter()
        try:
            texts = self._decoder(frame)
        except Exception:
            # One odd frame (or a decoder bug) must not leave the door without a camera; logging
            # every failure at 15 frames a second would fill the SD card, so only the first.
            with self._lock:
                self._decode_errors += 1
            if not self._error_logged:
                self._error_logged = True
                log.exception("the QR decoder failed; later failures are counted, not logged")
            return
        elapsed_ms = (time.perf_counter() - started) * 1000
        with self._lock:
            self._frames_decoded += 1
            self._last_decode_ms = elapsed_ms
        for text in self._new_payloads(texts):
            with self._lock:
                self._payloads_reported += 1
            self._call(self._on_payload, text)

    def _new_payloads(self, texts: list[str]) -> list[str]:
        now = self._clock()
        fresh = []
        for text in texts:
            seen = self._last_seen.get(text)
            if seen is None or now - seen >= self._repeat_after:
                fresh.append(text)
            self._last_seen[text] = now
        # Forget cards long gone, so a busy day's cards do not pile up in memory.
        for text, seen in list(self._last_seen.items()):
            if now - seen >= self._repeat_after:
                del self._last_seen[text]
        return fresh

    def _call(self, callback: Callable[..., None], *args: str) -> None:
        try:
            callback(*args)
        except Exception:  # the app's bug, not the camera's: keep scanning
            log.exception("a camera callback failed")
