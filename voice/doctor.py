"""`facilitator doctor`: check everything voice needs, and say what to do about each failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from voice.errors import VoiceError


@dataclass(frozen=True)
class Check:
    name: str        # Dutch label
    ok: bool
    detail: str      # what was found, or one sentence saying what to do
    required: bool = False  # True: no meeting without it; the rest only takes away voice features


def check_portaudio() -> Check:
    try:
        from voice.mic import import_sounddevice

        sd = import_sounddevice()
        return Check("PortAudio", True, f"geladen ({sd.get_portaudio_version()[1]})")
    except VoiceError as err:
        return Check("PortAudio", False, err.message)


def check_input_devices() -> Check:
    try:
        from voice.mic import list_devices

        inputs = [d for d in list_devices() if d.inputs > 0]
    except VoiceError as err:
        return Check("Microfoon", False, err.message)
    if not inputs:
        return Check("Microfoon", False, "Geen microfoon gevonden: sluit er een aan; zonder microfoon werkt de "
                     "vergadering met knoppen en toetsen.")
    names = ", ".join(f"{d.index}: {d.name}" + (" (standaard)" if d.default_input else "") for d in inputs)
    return Check("Microfoon", True, names)


def check_espeak() -> Check:
    exe = shutil.which("espeak-ng")
    if exe is None:
        return Check("espeak-ng", False, "espeak-ng ontbreekt: installeer het met sudo apt install espeak-ng; "
                     "zonder klinkt alleen de gong en staat de tekst op het scherm.")
    out = subprocess.run([exe, "--voices=nl"], capture_output=True, text=True, timeout=10).stdout
    # Columns: Pty Language Age/Gender VoiceName File ...; MBROLA voices need the mbrola program.
    rows = [line.split() for line in out.splitlines()[1:]]
    dutch = [f"{r[3]} ({r[4]})" for r in rows if len(r) > 4 and r[1] == "nl" and not r[4].startswith("mb/")]
    if not dutch:
        return Check("espeak-ng", False, "espeak-ng heeft geen Nederlandse stem: installeer het pakket "
                     "espeak-ng-data (sudo apt install espeak-ng-data).")
    return Check("espeak-ng", True, f"Nederlandse stem: {dutch[0]}")


def check_tts_render(cache_dir: Optional[Path] = None) -> Check:
    """Which voice speaks, and one real Dutch sentence rendered through it (catches a broken setup)."""
    from voice.piper_voices import resolve_voice
    from voice.tts import Renderer

    choice = resolve_voice(os.environ.get("FACILITATOR_VOICE_ENGINE", "auto"), os.environ.get("FACILITATOR_VOICE"))
    with tempfile.TemporaryDirectory() as tmp:
        with Renderer(cache_dir or tmp, engine=choice.engine, voice=choice.voice, model=choice.model) as renderer:
            result = renderer.render("Welkom bij de intervisie.")
            if not result.ok:
                return Check("Stem", False, result.error.message)
            if choice.fallback or renderer.notice:
                return Check("Stem", False, renderer.notice or choice.sentence)
            return Check("Stem", True, f"{choice.sentence[len('Stem: '):]} ({renderer.voice_id}, "
                         f"{result.seconds:.2f} s voor een proefzin)")


def check_ffmpeg() -> Check:
    from voice.decode import ffmpeg_missing_error, ffmpeg_path

    path = ffmpeg_path()
    if path is None:
        return Check("ffmpeg", False, ffmpeg_missing_error().message)
    return Check("ffmpeg", True, path)


def check_model(model_path: Optional[os.PathLike | str] = None) -> Check:
    from voice.models import require_model_dir, resolve_model_path

    path = resolve_model_path(model_path)
    try:
        check = require_model_dir(path)
    except VoiceError as err:
        return Check("Spraakmodel", False, err.message)
    mode = "commando's in grammaticamodus" if check.grammar else "commando's via de transcriptie"
    return Check("Spraakmodel", True, f"{path} ({mode})")


def check_whisper(whisper_path: Optional[os.PathLike | str] = None) -> Check:
    from voice.whisper_models import DEFAULT_WHISPER, pypi_base_installed, resolve_whisper_path, whisper_problems

    path = resolve_whisper_path(whisper_path, allow_pypi=False)
    if path is None:
        if pypi_base_installed():
            return Check("Whisper-model", True, "het testmodel uit de Python-pakketten (auto gebruikt het zonder "
                         "Vosk-model of naast een Nederlands Vosk-model), of haal het op met "
                         f"`facilitator models download {DEFAULT_WHISPER}`")
        return Check("Whisper-model", False, "Geen Whisper-model: Vosk alleen geeft de tekst; haal het op met "
                     f"`facilitator models download {DEFAULT_WHISPER}` voor betere Nederlandse regels.")
    problems = whisper_problems(path)
    if problems:
        return Check("Whisper-model", False, " ".join(problems))
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return Check("Whisper-model", False, f"{path} is er, maar faster-whisper ontbreekt: voer scripts/setup uit.")
    return Check("Whisper-model", True, f"{path} (regels krijgen hun tekst van Whisper)")


def check_data_dir(data_dir: Optional[os.PathLike | str]) -> Check:
    if data_dir is None:
        return Check("Gegevensmap", False, "Geen gegevensmap opgegeven: gebruik --data-dir of $FACILITATOR_DATA_DIR.",
                     required=True)
    path = Path(data_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check("Gegevensmap", False, f"In {path} kan niet worden geschreven ({exc.strerror}): kies een "
                     "andere map met --data-dir of maak deze schrijfbaar.", required=True)
    free = shutil.disk_usage(path).free / 1e9
    if free < 0.2:
        return Check("Gegevensmap", False, f"{path} heeft nog maar {free:.2f} GB vrij: maak ruimte vrij.",
                     required=True)
    return Check("Gegevensmap", True, f"{path} ({free:.1f} GB vrij)", required=True)


def run_checks(data_dir: Optional[os.PathLike | str] = None, model_path: Optional[os.PathLike | str] = None,
               render: bool = True) -> list[Check]:
    checks: list[Callable[[], Check]] = [
        check_portaudio, check_input_devices, check_espeak,
        *( [check_tts_render] if render else [] ),
        check_ffmpeg, lambda: check_model(model_path), check_whisper, lambda: check_data_dir(data_dir),
    ]
    results = []
    for run in checks:
        try:
            results.append(run())
        except Exception as exc:  # a check that crashes is itself a finding, not a crash of doctor
            results.append(Check(getattr(run, "__name__", "controle"), False, f"Controle mislukte: {exc}"))
    return results
