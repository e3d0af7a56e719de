"""Alert sounds through Kivy's audio, from tones made on first use (no binary assets)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.core.audio import SoundLoader

from kiosk.devices.sound import check_kind, make_tones


class KivyChime:
    def __init__(self, directory: Path) -> None:
        self.sounds: dict[str, Any] = {}
        for kind, path in make_tones(directory).items():
            sound = SoundLoader.load(str(path))
            if sound is not None:  # no audio device: alerts stay visible, just silent
                self.sounds[kind] = sound

    def play(self, kind: str) -> None:
        sound = self.sounds.get(check_kind(kind))
        if sound is not None:
            sound.stop()
            sound.play()
