"""The host's one-time login link, the way Jupyter does it: whoever can read the data folder is the host.

Other user accounts on the same machine reach 127.0.0.1 too; without the link they get nothing. The
link works once; a fresh one is then written to `login-link` in the (owner-only) data folder.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
from pathlib import Path

LINK_FILE = "login-link"


class HostLogin:
    def __init__(self, data_dir: Path, host: str, port: int):
        self.path = Path(data_dir) / LINK_FILE
        self._base = _base_url(host, port)
        self._lock = threading.Lock()
        self._token = ""
        self._renew()

    @property
    def link(self) -> str:
        """The link to open in the host's browser (also in the file `login-link`)."""
        return f"{self._base}/inloggen?token={self._token}"

    def use(self, token: str) -> bool:
        """True once for the current token; then a fresh link replaces it."""
        with self._lock:
            ok = bool(token) and hmac.compare_digest(token.encode(), self._token.encode())
            if ok:
                self._renew()
            return ok

    def _renew(self) -> None:
        self._token = secrets.token_urlsafe(24)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(self.link + "\n")
            os.chmod(self.path, 0o600)
        except OSError:
            pass  # the link printed by serve still works


def _base_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::", "", None):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"
