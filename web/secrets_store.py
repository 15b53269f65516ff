"""Per-install secrets in the data folder: the session key and the API token, mode 0600."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_KEY_FILE = "secret-key"
API_TOKEN_FILE = "api-token"


def read_or_create(path: Path, make) -> str:
    """The secret in `path`, created owner-only on first use.

    O_EXCL makes two servers starting at once agree on one value; a file that
    became readable to others is tightened again rather than trusted as is.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _tighten(path)
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
        # An empty file (a crash between create and write): start over.
        path.unlink()
        return read_or_create(path, make)
    value = make()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    _tighten(path)
    return value


def _tighten(path: Path) -> None:
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
    except OSError:
        pass


def secret_key(data_dir: Path) -> str:
    return read_or_create(Path(data_dir) / SECRET_KEY_FILE, lambda: secrets.token_hex(32))


def api_token(data_dir: Path) -> str:
    return read_or_create(Path(data_dir) / API_TOKEN_FILE, lambda: secrets.token_urlsafe(32))
