"""A short, gentle two-tone chime for alerts, made at start-up: no binary file in the repo."""

from __future__ import annotations

import io
import math
import struct
import wave
from functools import cache

RATE = 22050


@cache
def chime_wav() -> bytes:
    frames = bytearray()
    for freq, seconds in ((880.0, 0.18), (660.0, 0.28)):
        count = int(RATE * seconds)
        for i in range(count):
            fade = min(1.0, i / 400, (count - i) / 800)
            sample = int(12000 * fade * math.sin(2 * math.pi * freq * i / RATE))
            frames += struct.pack("<h", sample)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(bytes(frames))
    return out.getvalue()
