"""The voice commands of the `facilitator` command line, run as the installed console script."""

from __future__ import annotations

import json
import socket
import wave

import pytest

from voice.audio import write_wav
from test_voice_mic import ALSA_BASE, vmic_env
from voice_helpers import KO_SENTENCE, build_meeting


@pytest.fixture(scope="module")
def recording(pcm_of, tmp_path_factory):
    pcm, marks = build_meeting(pcm_of, [KO_SENTENCE, "감사 합니다"])
    return write_wav(tmp_path_factory.mktemp("rec") / "vergadering.wav", pcm), marks


@pytest.mark.slow
def test_transcribe_json(run_cli, recording, ko_model_path):
    path, marks = recording
    proc = run_cli("transcribe", str(path), "--engine", "vosk", "--json", "--model", str(ko_model_path))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    with wave.open(str(path)) as w:
        assert data["duration"] == pytest.approx(w.getnframes() / 16000)
    assert data["engine"] == "vosk" and data["model"] == str(ko_model_path) and data["language"] == "nl"
    assert data["commands"] == []  # the Dutch table: nothing Korean is a command
    assert len(data["segments"]) == 2
    for u, (_, start, end) in zip(data["segments"], marks):
        # Free-form Korean on espeak speech is poor; the times still place each utterance on its line.
        assert u["words"] and u["start"] < end and start < u["end"] <= end + 0.3
        assert [w["start"] for w in u["words"]] == sorted(w["start"] for w in u["words"])
    assert "100%" in proc.stderr  # the progress bar


@pytest.mark.slow
def test_transcribe_srt_and_text(run_cli, recording, ko_model_path):
    path, _ = recording
    srt = run_cli("transcribe", str(path), "--engine", "vosk", "--srt", "--no-progress", "--model", str(ko_model_path))
    assert srt.returncode == 0 and srt.stderr == ""
    blocks = srt.stdout.strip().split("\n\n")
    assert len(blocks) == 2 and blocks[0].startswith("1\n00:00:0") and " --> " in blocks[0]
    text = run_cli("transcribe", str(path), "--engine", "vosk", "--no-progress", "--model", str(ko_model_path),
                   env={"FACILITATOR_MODEL": "/nonexistent"})  # the flag wins over the environment
    assert text.returncode == 0 and text.stdout.startswith("[00:0")


def test_transcribe_without_a_model(run_cli, recording, tmp_path):
    path, _ = recording
    proc = run_cli("transcribe", str(path), "--engine", "vosk", env={"FACILITATOR_MODELS_DIR": str(tmp_path)})
    assert proc.returncode == 2
    assert "facilitator models download vosk-model-small-nl-0.22" in proc.stderr
    assert str(tmp_path / "vosk-model-small-nl-0.22") in proc.stderr and "Traceback" not in proc.stderr


def test_models_list(run_cli, tmp_path):
    proc = run_cli("models", "list", "--dir", str(tmp_path))
    assert proc.returncode == 0
    assert "vosk-model-small-nl-0.22 [standaard]" in proc.stdout and "Apache-2.0" in proc.stdout
    assert "niet-commercieel" in proc.stdout and "Geïnstalleerd: geen." in proc.stdout
    # Whisper: the models, their files with size and sha256, and the PyPI test copy when installed.
    assert "faster-whisper-base [standaard]" in proc.stdout and "faster-whisper-small" in proc.stdout
    assert "model.bin: 145217532 bytes, sha256 d01c3014" in proc.stdout
    assert "Testmodel faster-whisper-base uit de Python-pakketten gevonden" in proc.stdout


def test_models_verify(run_cli, ko_model_path, tmp_path):
    ok = run_cli("models", "verify", str(ko_model_path))
    assert ok.returncode == 0 and "In orde" in ok.stdout and "grammaticamodus" in ok.stdout
    bad = run_cli("models", "verify", str(tmp_path / "leeg"))
    assert bad.returncode == 2 and "facilitator models download" in bad.stderr


def test_models_download_offline(run_cli, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run_cli("models", "download", "vosk-model-small-nl-0.22", "--dir", str(tmp_path),
                   "--base-url", f"http://127.0.0.1:{port}")
    assert proc.returncode == 1
    assert "offline" in proc.stderr and str(tmp_path) in proc.stderr and "Traceback" not in proc.stderr


def test_devices_without_a_sound_card(run_cli, tmp_path):
    # ALSA's own configuration only (no card here, no ~/.asoundrc): nothing to list.
    proc = run_cli("devices", env={"ALSA_CONFIG_PATH": ALSA_BASE, "HOME": str(tmp_path)})
    assert proc.returncode == 0
    assert proc.stdout.strip() == ("Geen geluidsapparaten gevonden: sluit een microfoon of luidspreker aan "
                                   "(zonder werkt de vergadering met knoppen en toetsen).")


def test_devices_with_an_alsa_setup_that_aborts_portaudio(run_cli, tmp_path):
    # An empty ALSA configuration makes PortAudio's device scan abort the process (SIGABRT, exit
    # 134) during `import sounddevice`; the command ends in one Dutch sentence instead.
    empty = tmp_path / "empty.conf"
    empty.write_text("")
    proc = run_cli("devices", env={"ALSA_CONFIG_PATH": str(empty), "HOME": str(tmp_path)})
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert proc.stdout == ""
    assert proc.stderr.strip() == ("Error: De geluidsinstellingen van deze computer laten PortAudio vastlopen: "
                                   "controleer ALSA_CONFIG_PATH en ~/.asoundrc (of zet ze terug); zonder geluid "
                                   "werkt de vergadering met knoppen en toetsen.")


def test_devices_lists_a_microphone(run_cli, tmp_path):
    proc = run_cli("devices", env={**vmic_env(tmp_path, b"\0\0" * 160), "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Ingangen:" and "Uitgangen:" in lines
    assert any(line.strip().startswith("0: vmic [ALSA,") for line in lines[1:lines.index("Uitgangen:")])


def test_doctor_reports_each_check(run_cli, ko_model_path, tmp_path):
    proc = run_cli("--data-dir", str(tmp_path / "data"), "doctor", "--model", str(ko_model_path),
                   env={"FACILITATOR_VOICES_DIR": str(tmp_path / "no-voices")})
    lines = proc.stdout.splitlines()
    names = ["PortAudio", "Microfoon", "espeak-ng", "Stem", "ffmpeg", "Spraakmodel", "Gegevensmap"]
    for name in names:
        assert any(name in line for line in lines), name
    for line in lines[: len(names)]:
        assert line.startswith(("ok ", "FOUT "))
    assert any(line.startswith("ok") and "Spraakmodel" in line for line in lines)
    assert any(line.startswith("ok") and "Stem" in line and "espeak-ng (nl)" in line for line in lines)  # which voice
    assert any(line.startswith("ok") and "Gegevensmap" in line and str(tmp_path) in line for line in lines)
    # The exit status says whether any check failed (here: no microphone), so a script can use it.
    failed = [line for line in lines[: len(names)] if line.startswith("FOUT ")]
    assert proc.returncode == (1 if failed else 0), proc.stdout
