"""`facilitator serve`: starts waitress, prints its address, ticks the clock, refuses a busy port in one sentence."""

from __future__ import annotations

import errno
import json
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

import pytest

from support import free_port, wait_until
from facilitator.cli.serve_command import bind_error, is_loopback_host, lan_names, url


def test_a_port_in_use_is_one_clear_sentence_and_exit_1(run_cli):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--no-browser", timeout=30)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"Poort {port} is al in gebruik (draait het dashboard al?). "
                     f"Kies een andere poort met --port, of stop het andere programma."]


def test_an_address_that_is_not_ours_is_one_sentence(run_cli):
    result = run_cli("serve", "--host", "203.0.113.7", "--port", str(free_port()), "--no-browser", timeout=30)
    assert result.returncode == 1
    assert "hoort niet bij deze computer" in result.stderr and "Traceback" not in result.stderr


def test_serve_runs_a_real_server_with_a_ticking_clock_and_stops_on_ctrl_c(facilitator_bin, cli_env, tmp_path):
    port = free_port()
    process = subprocess.Popen([facilitator_bin, "serve", "--port", str(port), "--no-browser"], env=cli_env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        assert first.strip() == f"Het dashboard draait op http://127.0.0.1:{port}/"
        base = f"http://127.0.0.1:{port}"
        link = process.stdout.readline().split(": ", 1)[1].strip()
        assert link.startswith(f"{base}/inloggen?token=")
        # Another user account on this machine, without the link or the token: nothing.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/api/meetings", timeout=5)
        assert refused.value.code == 401
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = browser.open(link, timeout=5)  # the host's browser: the link, then a session cookie
        assert page.status == 200 and page.headers["Server"] == "facilitator"
        assert browser.open(base + "/api/meetings", timeout=5).status == 200
        token = (tmp_path / "data" / "api-token").read_text().strip()
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def post(path, body):
            request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=auth)
            return json.load(urllib.request.urlopen(request, timeout=5))

        meeting = post("/api/meetings", {"method": "case-clinic", "participants": ["A", "B", "C", "D"],
                                         "inbrenger": "A"})["id"]
        post(f"/api/meetings/{meeting}/commands", {"command": "start"})

        def elapsed():
            with browser.open(f"{base}/api/meetings/{meeting}", timeout=5) as answer:
                return json.load(answer)["step"]["elapsed_seconds"]

        wait_until(lambda: elapsed() >= 1.0, timeout=10)  # the ticker and the clock run
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    # The stop says what became of the meetings: here all of it is in the database.
    assert "Alles is bewaard.\nDashboard gestopt." in out and "Traceback" not in err


def test_serve_on_the_lan_prints_the_pairing_code(facilitator_bin, cli_env):
    port = free_port()
    process = subprocess.Popen([facilitator_bin, "serve", "--host", "0.0.0.0", "--port", str(port), "--no-browser"],
                               env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not any(line.startswith("Koppelcode") for line in lines):
            lines.append(process.stdout.readline())
            assert lines[-1], "serve stopped before printing the pairing code"
        code = next(line for line in lines if line.startswith("Koppelcode")).split(":")[1].strip()
        assert len(code.replace(" ", "")) == 6 and code.replace(" ", "").isdigit()
        # The host's own browser needs no code: the login link makes it the host.
        while not any(line.startswith("Inloggen") for line in lines):
            lines.append(process.stdout.readline())
        link = next(line for line in lines if line.startswith("Inloggen")).split(": ", 1)[1].strip()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        assert browser.open(link, timeout=5).status == 200
        assert browser.open(f"http://127.0.0.1:{port}/apparaten", timeout=5).status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=15)
    assert process.returncode == 0


def test_helpers():
    assert is_loopback_host("127.0.0.1") and is_loopback_host("localhost") and is_loopback_host("::1")
    assert not is_loopback_host("0.0.0.0")
    assert url("::1", 8765) == "http://[::1]:8765/"
    assert lan_names("192.168.1.5") == ["192.168.1.5"]
    assert all(not n.startswith("127.") for n in lan_names("0.0.0.0"))
    assert "al in gebruik" in bind_error(OSError(errno.EADDRINUSE, "busy"), "127.0.0.1", 8765)
    assert "beheerrechten" in bind_error(OSError(errno.EACCES, "denied"), "127.0.0.1", 80)


def test_serve_help_mentions_the_options(run_cli):
    result = run_cli("serve", "--help")
    assert result.returncode == 0 and "--no-browser" in result.stdout and "--host" in result.stdout
