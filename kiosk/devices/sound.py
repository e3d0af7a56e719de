"""The kiosk's three sounds, and the WAV files they play.

The tones are written on first start from pure sine waves, so the project ships no binary sound
files and a setting that wants its own sounds simply puts its WAVs in their place (existing files
are never overwritten). The kiosk is in a hallway full of small children: ``ok`` is soft,
``alert`` calls a member of staff without alarming anyone, and only ``critical`` (a restricted
person, a lockout) is meant to be heard across the room.
"""

from __future__ import annotations

import math
import os
import struct
import wave
from pathlib import Path
from typing import Literal, Protocol, get_args

ChimeKind = Literal["alert", "critical", "ok"]
CHIME_KINDS: tuple[str, ...] = get_args(ChimeKind)

SAMPLE_RATE = 22_050
FADE_SECONDS = 0.01  # a tone that starts or stops at full volume clicks in the speaker

# Each tone is a list of (frequency in Hz, seconds, volume 0-1); frequency 0 is silence.
Note = tuple[float, float, float]
TONES: dict[str, list[Note]] = {
    # Two rising notes (G5, C6), quiet: "done, thank you".
    "ok": [(784.0, 0.14, 0.25), (1046.5, 0.22, 0.25)],
    # Three short, gentle beeps on A5: "a member of staff is coming".
    "alert": [(880.0, 0.12, 0.4), (0.0, 0.1, 0.0)] * 2 + [(880.0, 0.12, 0.4)],
    # A high-low pattern (B5, F#5) four times, loud: hard to ignore, still not a fire alarm.
    "critical": [(987.8, 0.13, 0.7), (740.0, 0.13, 0.7)] * 4 + [(0.0, 0.08, 0.0)],
}


class Chime(Protocol):
    def play(self, kind: str) -> None:
        """Play ``ok``, ``alert`` or ``critical``; never blocks the screen."""
        ...


class SilentChime:
    """For tests and for a kiosk with the sound turned off: remembers what it would have
    played, and refuses a kind it does not know, so a typo cannot pass as silence."""

    def __init__(self) -> None:
        self.played: list[str] = []

    def play(self, kind: str) -> None:
        check_kind(kind)
        self.played.append(kind)


def check_kind(kind: str) -> str:
    if kind not in CHIME_KINDS:
        raise ValueError(f"Unknown chime '{kind}': use one of {', '.join(CHIME_KINDS)}.")
    return kind


def tone_samples(notes: list[Note], *, rate: int = SAMPLE_RATE) -> bytes:
    """16-bit little-endian mono samples for a sequence of notes, each faded in and out."""
    samples: list[int] = []
    fade = max(1, int(rate * FADE_SECONDS))
    for frequency, seconds, volume in notes:
        count = int(rate * seconds)
        for i in range(count):
            envelope = min(1.0, i / fade, (count - 1 - i) / fade)
            value = volume * envelope * math.sin(2 * math.pi * frequency * i / rate)
            samples.append(round(value * 32_767))
    return struct.pack(f"<{len(samples)}h", *samples)


def make_tones(directory: Path) -> dict[str, Path]:
    """``{"ok": .../ok.wav, "alert": ..., "critical": ...}``, writing any that are missing."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind in CHIME_KINDS:
        path = directory / f"{kind}.wav"
        if not path.exists():
            _write_wav(path, tone_samples(TONES[kind]))
        paths[kind] = path
    return paths


def _write_wav(path: Path, frames: bytes) -> None:
    # Written beside and renamed, so a power cut mid-write never leaves a broken WAV that
    # would then never be rewritten.
    partial = path.with_suffix(".wav.partial")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(frames)
    os.replace(partial, path)
