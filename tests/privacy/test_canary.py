"""A canary phrase said and typed in a meeting: through the service, the web API (in process and in
`facilitator serve`) and the CLI. It must be in no log file and no output, and after
`facilitator meetings delete ID --yes` its bytes must be gone from facilitator.db, -wal and -shm.
The in-process part runs with non-loopback sockets refused; the serve process with the guard.
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import subprocess
import urllib.request
import uuid

import pytest

from faults_helpers import facilitator_bin, wait_for
from privacy_helpers import bad_modes, db_files, files_containing, guard_report, guarded_env


@pytest.fixture
def no_network(monkeypatch):
    """In-process: like pytest-socket --allow-hosts=127.0.0.1,localhost."""
    import ipaddress

    blocked: list = []
    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family != socket.AF_UNIX:
            host = str(address[0])
            if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
                blocked.append(address)
                raise OSError("network blocked by the privacy test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return blocked


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_canary_in_no_log_and_gone_after_delete(tmp_path, no_network):
    from facilitator.cli.common import log_to_file
    from facilitator.events import Utterance
    from facilitator.service import MeetingService
    from methods import load_library
    from web import create_app

    said = f"kanarie {uuid.uuid4().hex[:10]} vogelzang"       # spoken in the room
    typed = f"notitie {uuid.uuid4().hex[:10]} geheim"         # typed on the dashboard
    served = f"serve {uuid.uuid4().hex[:10]} zonder sporen"   # typed through `facilitator serve`
    data = tmp_path / "data"

    # 1. In process: service + web app, logging to the data folder's facilitator.log as `run` does.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        log_path = log_to_file(data)
        service = MeetingService(data, load_library(None))
        app = create_app(service, {"DATA_DIR": data})
        client = app.test_client()
        auth = {"Authorization": f"Bearer {app.config['API_TOKEN']}"}
        keep = service.create("case-clinic", ["Anna", "Ben", "Carla"], "Anna")
        mid = client.post("/api/meetings", json={"method": "case-clinic", "participants": ["Anna", "Ben", "Carla"],
                                                 "inbrenger": "Anna"}, headers=auth).get_json()["id"]
        assert client.post(f"/api/meetings/{mid}/commands", json={"command": "start"}, headers=auth).status_code == 200
        service.feed(mid, Utterance(said, 1.0, 3.0, id="u-canary"))
        assert client.post(f"/api/meetings/{mid}/commands", json={"command": "note", "text": typed},
                           headers=auth).status_code == 200
        # Errors on the way must not echo what was said either.
        client.post(f"/api/meetings/{mid}/commands", json={"command": said}, headers=auth)
        client.post(f"/api/meetings/nope-{said}/commands", json={"command": "note", "text": typed}, headers=auth)
        text = client.get(f"/api/meetings/{mid}/transcript", headers=auth).get_data(as_text=True)
        assert said in text and typed in text
        logging.getLogger("facilitator").warning("a warning, so the log is not empty")
        service.store.close()
    finally:
        for h in root.handlers:
            h.close()
        root.handlers[:], root.level = handlers, level
    assert no_network == []

    # 2. `facilitator serve` (guarded): reads the meeting, takes another note, shows the verslag.
    guard_log = tmp_path / "netguard.log"
    env = guarded_env(data, guard_log)
    port = _free_port()
    proc = subprocess.Popen([facilitator_bin(), "serve", "--port", str(port), "--no-browser", "--no-voice"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        assert proc.stdout.readline().startswith(b"Het dashboard draait op")
        base = f"http://127.0.0.1:{port}"
        token = (data / "api-token").read_text().strip()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def call(path, body=None):
            request = urllib.request.Request(base + path, headers=headers,
                                             data=json.dumps(body).encode() if body is not None else None)
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    return answer.read()
            except urllib.error.HTTPError as err:
                return err.read()

        assert said.encode() in call(f"/api/meetings/{mid}/transcript")
        call(f"/api/meetings/{mid}/commands", {"command": "note", "text": served})
        call(f"/api/meetings/{mid}/commands", {"command": served})  # an error answer
        assert served.encode() in call(f"/api/meetings/{mid}/export?format=md")
        wait_for(lambda: served.encode() in call(f"/api/meetings/{mid}/transcript"), 10, what="the note")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    on, blocked = guard_report(guard_log)
    assert on >= 1 and blocked == [], blocked

    # 3. `facilitator meetings delete` (guarded). Before it, the words are in the database files.
    for canary in (said, typed, served):
        assert files_containing(db_files(data), canary), f"{canary!r} was never stored"
    delete = subprocess.run([facilitator_bin(), "meetings", "delete", mid, "--yes"], capture_output=True, env=env,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert delete.returncode == 0, delete.stderr

    logs = list(data.rglob("*.log"))
    assert log_path in logs and log_path.read_text().strip(), "the log file was not written"
    outputs = out + err + delete.stdout + delete.stderr
    for canary in (said, typed, served):
        assert files_containing(logs, canary) == [], canary
        assert files_containing([outputs], canary) == [], canary
        assert files_containing(db_files(data), canary) == [], f"{canary!r} still in the database after delete"
    listed = subprocess.run([facilitator_bin(), "meetings", "list", "--json"], capture_output=True, env=env,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert [m["id"] for m in json.loads(listed.stdout)] == [keep]

    # 4. Every file private, every folder private.
    for name in ("facilitator.db", "api-token", "secret-key", "facilitator.log"):
        assert (data / name).exists(), name
    assert bad_modes(data) == []
