"""Paired devices and the pairing code: kept in the data folder, limited per address, never lockable for all.

- A pairing survives a restart (the file `pairings.json`, owner-only); the host revokes it on Apparaten.
- Wrong codes count per address: five in five minutes lock that address only.
- A burst of wrong codes from many addresses does not lock anyone out: it makes a fresh code, which
  the host's screen shows (and voice can say), so the guesses made so far are worth nothing.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

PAIRINGS_FILE = "pairings.json"


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


@dataclass
class Device:
    id: str
    label: str
    address: str
    paired_at: float
    control: bool = False
    # The meetings a viewer was paired for; it sees those and nothing else of the archive.
    meetings: tuple[str, ...] = ()


@dataclass
class Pairing:
    """This server's pairing code and the devices that used a code (of this run or an earlier one)."""

    code: str = field(default_factory=new_code)
    epoch: str = field(default_factory=lambda: secrets.token_hex(8))
    max_failures: int = 5
    # Wrong codes from all addresses together before the code is replaced by a fresh one.
    rotate_after: int = 20
    window_seconds: float = 300.0
    path: Optional[Path] = None
    devices: dict[str, Device] = field(default_factory=dict)
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _total: int = 0
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @classmethod
    def in_folder(cls, data_dir: Path) -> "Pairing":
        """The pairings kept in the data folder (a fresh code every run; devices and epoch kept)."""
        path = Path(data_dir) / PAIRINGS_FILE
        pairing = cls(path=path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            pairing.epoch = str(data["epoch"])
            for item in data.get("devices", []):
                device = Device(**{**item, "meetings": tuple(item.get("meetings", ()))})
                pairing.devices[device.id] = device
        except FileNotFoundError:
            pairing._save()
        except (OSError, ValueError, KeyError, TypeError):
            pairing._save()  # unreadable: start over; every device pairs again
        return pairing

    @property
    def spoken(self) -> str:
        """The code as voice should say it: digit by digit, in two groups."""
        return " ".join(self.code[:3]) + ", " + " ".join(self.code[3:])

    @property
    def display(self) -> str:
        return f"{self.code[:3]} {self.code[3:]}"

    def locked(self, address: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._prune(now)
            return len(self._failures.get(address, ())) >= self.max_failures

    def try_pair(self, code: str, address: str, label: str, now: Optional[float] = None,
                 meetings: tuple[str, ...] = ()) -> Optional[Device]:
        now = time.monotonic() if now is None else now
        with self._lock:
            if self.locked(address, now):
                return None
            given = "".join(ch for ch in code if ch.isdigit())
            if not hmac.compare_digest(given.encode(), self.code.encode()):
                self._failures.setdefault(address, []).append(now)
                self._total += 1
                if self._total >= self.rotate_after:
                    self._rotate()
                return None
            device = Device(id=secrets.token_hex(8), label=label, address=address, paired_at=time.time(),
                            meetings=tuple(meetings))
            self.devices[device.id] = device
            self._save()
            return device

    def _rotate(self) -> None:
        """Many wrong guesses: a fresh code for the host's screen; what was guessed so far is worthless."""
        self.code = new_code()
        self._total = 0

    def device(self, device_id: Optional[str]) -> Optional[Device]:
        if not device_id:
            return None
        with self._lock:
            return self.devices.get(device_id)

    def set_control(self, device_id: str, control: bool) -> bool:
        with self._lock:
            device = self.devices.get(device_id)
            if device is None:
                return False
            device.control = control
            self._save()
            return True

    def forget(self, device_id: str) -> bool:
        with self._lock:
            found = self.devices.pop(device_id, None) is not None
            self._save()
            return found

    def list(self) -> list[Device]:
        with self._lock:
            return sorted(self.devices.values(), key=lambda d: d.paired_at)

    def _prune(self, now: float) -> None:
        for address in list(self._failures):
            kept = [t for t in self._failures[address] if now - t < self.window_seconds]
            if kept:
                self._failures[address] = kept
            else:
                del self._failures[address]

    def _save(self) -> None:
        if self.path is None:
            return
        data = {"epoch": self.epoch, "devices": [asdict(d) for d in self.devices.values()]}
        temp = self.path.with_name(self.path.name + ".tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(temp, self.path)
        except OSError:
            pass  # a full disk: the pairing holds for this run
