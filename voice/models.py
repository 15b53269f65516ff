"""Speech models: the ones we know, where they live, checking a folder, downloading one."""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from voice.errors import VoiceError

ENV_MODEL = "FACILITATOR_MODEL"            # one model folder
ENV_MODELS_DIR = "FACILITATOR_MODELS_DIR"  # the folder that holds model folders
DEFAULT_MODEL = "vosk-model-small-nl-0.22"
BASE_URL = "https://alphacephei.com/vosk/models"
DOWNLOAD_HINT = f"facilitator models download {DEFAULT_MODEL}"


@dataclass(frozen=True)
class KnownModel:
    name: str
    size_mb: int            # the zip, as listed by the publisher
    licence: str
    commercial_use: bool
    grammar: bool           # has graph/HCLr.fst, so spoken commands use grammar mode
    description: str        # Dutch: shown to users
    unpacked_mb: int = 0    # what the zip unpacks to, about; more than twice that is refused (a zip bomb)
    sha256: Optional[str] = None  # the publisher lists none; the size, zip CRCs and unpacked size are checked

    @property
    def url(self) -> str:
        return f"{BASE_URL}/{self.name}.zip"


KNOWN_MODELS: dict[str, KnownModel] = {m.name: m for m in (
    KnownModel(DEFAULT_MODEL, 39, "Apache-2.0", True, True,
               "Klein Nederlands model (standaard): snel, weinig geheugen, herkent commando's in grammaticamodus.",
               unpacked_mb=80),
    KnownModel("vosk-model-nl-spraakherkenning-0.6-lgraph", 100, "CC BY-NC-SA 4.0", False, True,
               "Groter Nederlands model (Kaldi_NL) met kleine grafiek; alleen niet-commercieel gebruik.",
               unpacked_mb=300),
    KnownModel("vosk-model-nl-spraakherkenning-0.6", 860, "CC BY-NC-SA 4.0", False, False,
               "Groot Nederlands model (Kaldi_NL), nauwkeuriger maar traag en zwaar; alleen niet-commercieel "
               "gebruik; commando's dan via de transcriptie.", unpacked_mb=2600),
)}


def default_models_dir() -> Path:
    env = os.environ.get(ENV_MODELS_DIR)
    if env:
        return Path(env)
    # In a source checkout the repository's models/ folder is the documented place.
    repo_models = Path(__file__).resolve().parents[1] / "models"
    if repo_models.is_dir():
        return repo_models
    import platformdirs

    return Path(platformdirs.user_data_dir("facilitator", appauthor=False)) / "models"


def resolve_model_path(explicit: Optional[os.PathLike | str] = None) -> Path:
    """The model folder to use: the --model flag, else $FACILITATOR_MODEL, else models/<default>."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_MODEL)
    if env:
        return Path(env).expanduser()
    return default_models_dir() / DEFAULT_MODEL


# -- checking a folder -----------------------------------------------------------

@dataclass(frozen=True)
class ModelCheck:
    path: Path
    problems: tuple[str, ...]   # Dutch sentences; empty means usable
    grammar: bool               # grammar mode available (HCLr.fst + Gr.fst)
    exists: bool

    @property
    def ok(self) -> bool:
        return self.exists and not self.problems


def check_model_dir(path: os.PathLike | str) -> ModelCheck:
    """Does this folder look like a Vosk model? Cheap: looks at files, does not load."""
    path = Path(path)
    if not path.is_dir():
        return ModelCheck(path, (f"De map {path} bestaat niet.",), False, False)
    problems: list[str] = []
    # Vosk knows two layouts: am/ conf/ graph/ folders, or everything at the top.
    layered = (path / "am").is_dir()
    am = path / "am" / "final.mdl" if layered else path / "final.mdl"
    conf = path / "conf" / "model.conf" if layered else path / "model.conf"
    graph = path / "graph" if layered else path
    if not am.is_file():
        nested = [p for p in path.iterdir() if p.is_dir() and ((p / "am" / "final.mdl").is_file())]
        if nested:
            problems.append(f"Het model staat een map dieper: gebruik {nested[0]} (of verplaats die map).")
        else:
            problems.append(f"{am} ontbreekt: dit is geen (compleet) Vosk-model.")
    if am.is_file() and not conf.is_file():
        problems.append(f"{conf} ontbreekt: het model is niet volledig uitgepakt.")
    has_hclg = (graph / "HCLG.fst").is_file()
    grammar = (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()
    if am.is_file() and not (has_hclg or grammar):
        problems.append(f"In {graph} staat geen HCLG.fst of HCLr.fst met Gr.fst: de zoekgrafiek ontbreekt.")
    for f in (am, conf, graph / "HCLr.fst", graph / "Gr.fst", graph / "HCLG.fst"):
        if f.is_file() and f.stat().st_size == 0:
            problems.append(f"{f} is leeg: download het model opnieuw.")
    return ModelCheck(path, tuple(problems), grammar, True)


def require_model_dir(path: os.PathLike | str) -> ModelCheck:
    """check_model_dir, raising the stable model_missing / model_invalid errors."""
    check = check_model_dir(path)
    if not check.exists:
        raise VoiceError(
            "model_missing",
            f"Geen spraakmodel gevonden in {check.path}: haal het op met `{DOWNLOAD_HINT}` "
            f"of zet een uitgepakt model in die map; de vergadering kan verder zonder spraakherkenning.",
        )
    if check.problems:
        raise VoiceError(
            "model_invalid",
            f"Het spraakmodel in {check.path} is onbruikbaar ({' '.join(check.problems)}); "
            f"haal het opnieuw op met `{DOWNLOAD_HINT}`.",
        )
    return check


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    check: ModelCheck
    known: Optional[KnownModel]


def list_installed(models_dir: Optional[Path] = None) -> list[InstalledModel]:
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    if not models_dir.is_dir():
        return []
    out = []
    for sub in sorted(models_dir.iterdir()):
        if sub.is_dir() and not sub.name.startswith("."):
            out.append(InstalledModel(sub.name, sub, check_model_dir(sub), KNOWN_MODELS.get(sub.name)))
    return out


# -- downloading ------------------------------------------------------------------

def download_model(
    name: str,
    models_dir: Optional[Path] = None,
    *,
    base_url: str = BASE_URL,
    timeout: float = 10.0,
    progress: bool = True,
) -> Path:
    """Fetch NAME.zip, check its size and CRCs, unpack it into models_dir/NAME; returns that folder."""
    known = KNOWN_MODELS.get(name)
    if known is None:
        names = ", ".join(KNOWN_MODELS)
        raise VoiceError("unknown_model", f"Onbekend model {name!r}; bekende modellen: {names}.")
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    target = models_dir / name
    if check_model_dir(target).ok:
        return target
    url = f"{base_url.rstrip('/')}/{name}.zip"
    by_hand = (f"download {url} op een computer met internet en pak het uit in {models_dir}, "
               f"zodat {target / 'am' / 'final.mdl'} bestaat")
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=f".{name}.") as tmp:
        zip_path = Path(tmp) / f"{name}.zip"
        from voice.whisper_download import fetch_checked

        limit = int(known.size_mb * 1.25 * 1024 * 1024)  # the listed size, with room for a republished zip
        digest = fetch_checked(url, zip_path, size=None, limit=limit, timeout=timeout, progress=progress,
                               by_hand=by_hand)
        if known.sha256 and digest != known.sha256:
            raise VoiceError("download_failed", f"De controlesom van {name}.zip klopt niet; {by_hand}.")
        unpacked = _unpack(zip_path, Path(tmp) / "unpacked", by_hand, max_bytes=2 * known.unpacked_mb * 1024 * 1024)
        check = check_model_dir(unpacked)
        if not check.ok:
            raise VoiceError("download_failed", f"Het gedownloade {name} is geen bruikbaar model "
                             f"({' '.join(check.problems)}); {by_hand}.")
        if target.exists():
            shutil.rmtree(target)
        os.replace(unpacked, target)
    return target


def _fetch(url: str, dest: Path, *, timeout: float, progress: bool, by_hand: str, desc: Optional[str] = None) -> str:
    """Download url to dest with a progress bar; returns the sha256. Also used for Piper voices."""
    from tqdm import tqdm

    sha = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            total = int(resp.headers.get("Content-Length") or 0) or None
            got = 0
            with open(dest, "wb") as out, tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                                               desc=desc or dest.name, disable=not progress) as bar:
                while True:
                    block = resp.read(1 << 16)
                    if not block:
                        break
                    out.write(block)
                    sha.update(block)
                    got += len(block)
                    bar.update(len(block))
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError,
            http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise VoiceError(
            "download_failed",
            f"Downloaden lukt niet ({reason}); deze computer is waarschijnlijk offline: {by_hand}.",
        ) from exc
    if total is not None and got != total:
        raise VoiceError("download_failed", f"Download onvolledig ({got} van {total} bytes); {by_hand}.")
    return sha.hexdigest()


def _unpack(zip_path: Path, dest: Path, by_hand: str, max_bytes: int) -> Path:
    """Unpack safely and return the model folder (zips hold one top folder)."""
    try:
        with zipfile.ZipFile(zip_path) as zf:
            # Sizes first: a small zip can unpack to hundreds of megabytes. zipfile stops at the
            # declared size of each member, so the sum of those is what can reach the disk.
            total = sum(info.file_size for info in zf.infolist())
            if total > max_bytes:
                raise VoiceError("download_failed", f"{zip_path.name} zou uitpakken tot {total // 2**20} MB, meer "
                                 f"dan de {max_bytes // 2**20} MB die dit model hoort te zijn; niet uitgepakt. "
                                 f"{by_hand[0].upper()}{by_hand[1:]}.")
            bad = zf.testzip()  # CRC-32 of every member: the publisher gives no checksum
            if bad is not None:
                raise VoiceError("download_failed", f"{zip_path.name} is beschadigd ({bad}); {by_hand}.")
            root = dest.resolve()
            for member in zf.namelist():
                # Never write outside the folder, whatever the zip says.
                if not (root / member).resolve().is_relative_to(root):
                    raise VoiceError("download_failed", f"{zip_path.name} bevat een onveilig pad ({member}).")
            zf.extractall(dest)
    except zipfile.BadZipFile as exc:
        raise VoiceError("download_failed", f"{zip_path.name} is geen geldig zip-bestand; {by_hand}.") from exc
    entries = [p for p in dest.iterdir() if not p.name.startswith("__MACOSX")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return dest
