"""The kiosk's chimes: three real, distinct sounds, made on first start, never overwritten."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import pytest

from kiosk.devices.sound import CHIME_KINDS, SAMPLE_RATE, SilentChime, make_tones


def _read(path: Path) -> tuple[float, int]:
    """Duration in seconds and the loudest sample."""
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE)
        count = wav.getnframes()
        samples = struct.unpack(f"<{count}h", wav.readframes(count))
    return count / SAMPLE_RATE, max(abs(s) for s in samples)


def test_a_new_kiosk_makes_its_three_chimes_as_playable_wav_files(tmp_path: Path) -> None:
    tones = make_tones(tmp_path / "sounds")
    assert sorted(tones) == ["alert", "critical", "ok"]
    read = {kind: _read(path) for kind, path in tones.items()}
    for kind, (duration, loudest) in read.items():
        assert 0.2 < duration < 2.0, kind
        assert loudest > 0.2 * 32_767, f"{kind} is silent"
    contents = {path.read_bytes() for path in tones.values()}
    assert len(contents) == 3


def test_a_critical_alert_is_louder_and_longer_than_the_all_done_chime(tmp_path: Path) -> None:
    read = {kind: _read(path) for kind, path in make_tones(tmp_path).items()}
    assert read["critical"][0] > read["alert"][0] > read["ok"][0]
    assert read["critical"][1] > read["alert"][1] > read["ok"][1]


def test_a_nursery_that_chose_its_own_chime_keeps_it(tmp_path: Path) -> None:
    own = tmp_path / "ok.wav"
    own.write_bytes(b"the setting's own recording")
    tones = make_tones(tmp_path)
    assert own.read_bytes() == b"the setting's own recording"
    assert tones["ok"] == own
    assert _read(tones["alert"])[0] > 0
    assert not list(tmp_path.glob("*.partial"))


def test_a_quiet_kiosk_remembers_what_it_would_have_played() -> None:
    chime = SilentChime()
    for kind in ("ok", "alert", "critical", "ok"):
        chime.play(kind)
    assert chime.played == ["ok", "alert", "critical", "ok"]
    assert set(CHIME_KINDS) == {"ok", "alert", "critical"}


def test_a_misspelt_chime_is_an_error_not_silence() -> None:
    with pytest.raises(ValueError, match="alert, critical, ok"):
        SilentChime().play("alarm")
