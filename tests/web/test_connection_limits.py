"""Connections an unpaired client cannot exhaust: idle sockets against the real `serve`, streams per client."""

from __future__ import annotations

import signal
import socket
import subprocess
import urllib.request

from support import free_port, wait_until
from web import create_app
from web_scenario import csrf_token


def test_a_hundred_idle_sockets_leave_the_dashboard_reachable(facilitator_bin, cli_env, tmp_path):
    port = free_port()
    process = subprocess.Popen([facilitator_bin, "serve", "--port", str(port), "--no-browser", "--no-voice"],
                               env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               stdin=subprocess.DEVNULL)
    idle: list[socket.socket] = []
    try:
        assert process.stdout.readline().startswith("Het dashboard draait op")
        token = wait_until(lambda: (tmp_path / "data" / "api-token").exists()
                           and (tmp_path / "data" / "api-token").read_text().strip(), 10)
        for _ in range(150):  # connect and say nothing, as the attack did
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/meetings",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=1.0) as answer:  # a page load within a second
            assert answer.status == 200
    finally:
        for sock in idle:
            sock.close()
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_streams_are_counted_per_client_and_the_host_always_gets_one(service, data_dir, meeting):
    app = create_app(service, {"DATA_DIR": data_dir, "HOST": "0.0.0.0", "EXTRA_HOSTS": ("laptop.local",),
                               "MAX_STREAMS": 12})
    pairing = app.extensions["facilitator_pairing"]
    path = f"/api/meetings/{meeting}/events"
    open_ = []

    def paired(address):
        client = app.test_client()
        env = {"environ_base": {"REMOTE_ADDR": address}, "base_url": "http://laptop.local"}
        token = csrf_token(client, "/koppelen", **env)
        client.post("/koppelen", data={"csrf_token": token, "code": pairing.code, "volgende": "/"}, **env)
        return client, env

    try:
        phone, env = paired("10.0.0.2")
        answers = [phone.get(path, buffered=False, **env) for _ in range(8)]
        open_ += answers
        assert [a.status_code for a in answers] == [200] * 6 + [503] * 2   # one device: six screens at most
        tablet, env2 = paired("10.0.0.3")
        more = [tablet.get(path, buffered=False, **env2) for _ in range(4)]
        open_ += more
        assert [a.status_code for a in more] == [200, 200, 503, 503]       # the rest is kept for the host
        host = app.test_client()
        mine = [host.get(path, buffered=False, base_url="http://laptop.local") for _ in range(4)]
        open_ += mine
        assert [a.status_code for a in mine] == [200] * 4
        for answer in answers[:6]:
            answer.close()
        assert phone.get(path, buffered=False, **env).status_code == 200  # closed screens free their slots
    finally:
        for answer in open_:
            answer.close()
