"""`methods validate` refuses cues whose {...} are not the known names: '{' or '{0}' made a step
unreachable, '{inbrenger:>5000000}' made every view ten megabytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HEAD = """\
id = "mijn-methode"
name = "Mijn methode"
source = "000_f838c9d122d0677e.txt"
purpose = "Even kort."

[[steps]]
id = "a"
title = "Alles"
minutes = 5
"""


def write(tmp_path: Path, field: str, text: str, extra: str = "") -> Path:
    fields = {"cue": "We beginnen.", field: text}
    body = HEAD + "".join(f"{k} = {json.dumps(v)}\n" for k, v in fields.items()) + extra
    path = tmp_path / "mijn-methode.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("field, text", [
    ("cue", "Welkom {"),
    ("cue", "Welkom {0}"),
    ("cue", "Welkom {inbrenger:>5000000}"),
    ("cue", "Welkom {inbrenger!r}"),
    ("warning", "Nog even, {iemand}."),
    ("end", "Klaar, {inbrenger.__class__}."),
])
def test_unknown_placeholders_are_refused(run_cli, tmp_path, field, text):
    result = run_cli("methods", "validate", str(write(tmp_path, field, text)))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert field in result.stderr and ("plaatsaanduiding" in result.stderr or "accolade" in result.stderr)
    assert "Traceback" not in result.stderr


def test_a_turn_cue_may_use_naam_and_a_cue_the_known_names(run_cli, tmp_path):
    path = write(tmp_path, "cue", "Welkom {inbrenger} en {procesbegeleider}, {{haakjes}} mogen.",
                 extra='[steps.round]\nitem = "vraag"\nturn_cue = "{naam}, jouw vraag."\n')
    result = run_cli("methods", "validate", str(path))
    assert result.returncode == 0, result.stderr
