"""Importing the packages needs no sound card, PortAudio, speech model or TTS engine.

A fresh interpreter marks the hardware libraries as unimportable (None in sys.modules), so any
import of them at module level fails; the packages must still import.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BLOCKED = ("sounddevice", "vosk", "pyttsx3", "pydub")

PRELUDE = f"""
import sys
for name in {BLOCKED!r}:
    sys.modules[name] = None
"""


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env_code = PRELUDE + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", env_code],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FACILITATOR_DATA_DIR": str(tmp_path / "data"),
             "PYTHONIOENCODING": "utf-8"},
    )


def test_the_blocking_works(tmp_path: Path):
    result = run_python("import sounddevice", tmp_path)
    assert result.returncode != 0 and "sounddevice" in result.stderr


def test_top_level_packages_import_without_hardware_libraries(tmp_path: Path):
    result = run_python(
        """
        import methods, facilitator, facilitator.cli, voice, web
        from facilitator.cli import cli
        cli(["methods", "show", "case-clinic", "--json"], standalone_mode=False)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "case-clinic"


def test_no_module_imports_a_hardware_library_at_import_time(tmp_path: Path):
    # Every module of the four packages; only a failure caused by a blocked library counts here
    # (a module that is half written for another reason is another test's business).
    result = run_python(
        f"""
        import importlib, json, pkgutil
        blocked = {BLOCKED!r}
        offenders, other = [], []
        for package in ("methods", "facilitator", "voice", "web"):
            module = importlib.import_module(package)
            for info in pkgutil.walk_packages(module.__path__, package + "."):
                try:
                    importlib.import_module(info.name)
                except ImportError as exc:
                    if (exc.name or "").split(".")[0] in blocked:
                        offenders.append(f"{{info.name}} imports {{exc.name}}")
                    else:
                        other.append(f"{{info.name}}: {{exc!r}}")
                except Exception as exc:
                    other.append(f"{{info.name}}: {{exc!r}}")
        print(json.dumps({{"offenders": offenders, "other": other}}))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["offenders"] == [], "modules that need a hardware library to import: " + ", ".join(report["offenders"])
    # And every module imports at all with those libraries away (else the check above saw nothing of it).
    assert report["other"] == [], "modules that fail to import: " + "; ".join(report["other"])
