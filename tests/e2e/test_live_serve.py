"""A short section in real time: speech through a virtual microphone (PulseAudio, paced by paplay)
into `facilitator serve` with the Korean test model, while headless Chromium watches the dashboard
move the turn on a spoken "next" and a spoken "pass"."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import e2e_script as E
import virtual_mic
from support import chromium, free_port, wait_until

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# Seconds of room quiet before speaking: the turn's cue is spoken first, and the microphone is
# muted while the facilitator speaks (half-duplex). Real-time pacing comes from paplay.
LEAD_QUIET = 12.0


@pytest.fixture(scope="module")
def mic(tmp_path_factory):
    reason = virtual_mic.missing()
    if reason:
        pytest.skip(reason)
    vm = virtual_mic.VirtualMic(tmp_path_factory.mktemp("pulse")).start()
    yield vm
    vm.stop()


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def spoken(tmp: Path, name: str, lines: list[tuple[str, float]], lead: float = LEAD_QUIET) -> Path:
    s = E.Script()
    s.quiet(lead)
    for text, gap in lines:
        s.say("x", text, tmp / "speech", gap=gap)
    return s.write(tmp / f"{name}.wav")


def test_spoken_next_and_pass_move_the_turn_on_the_dashboard(mic, browser, ko_model_path, commands_file,
                                                            tmp_path):
    from selenium.webdriver.common.by import By

    data = tmp_path / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env = mic.full_env({**env, "FACILITATOR_DATA_DIR": str(data), "PYTHONIOENCODING": "utf-8"})
    exe = Path(sys.executable).with_name("facilitator")
    server = subprocess.Popen([str(exe), "serve", "--port", str(port), "--no-browser", "--model", str(ko_model_path),
                               "--commands", str(commands_file)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=str(REPO))
    try:
        assert server.stdout.readline().strip() == f"Het dashboard draait op http://127.0.0.1:{port}/"
        base = f"http://127.0.0.1:{port}"
        token = wait_until(lambda: (data / "api-token").exists() and (data / "api-token").read_text().strip(), 10)
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def post(path, body):
            request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=auth)
            return json.load(urllib.request.urlopen(request, timeout=5))

        def view():
            with urllib.request.urlopen(urllib.request.Request(f"{base}/api/meetings/{meeting}", headers=auth),
                                        timeout=5) as answer:
                return json.load(answer)

        meeting = post("/api/meetings", {"method": "case-clinic", "participants": E.PEOPLE, "inbrenger": "Anna"})["id"]
        post(f"/api/meetings/{meeting}/commands", {"command": "start"})
        for _ in range(3):  # rollen, intentie, stilte: on to the mirroring round by the buttons' API
            post(f"/api/meetings/{meeting}/commands", {"command": "next_step"})
        browser.get(f"{base}/bijeenkomsten/{meeting}")
        who = lambda: browser.find_element(By.ID, "turn-who").text  # noqa: E731
        wait_until(lambda: who() == "Ben", 10, what="Ben's turn on the page")
        # The model loads in the background; the microphone opens for the meeting that speaks.
        wait_until(lambda: view()["mode"] == "voice", 60, what=lambda: f"the service listening (view: {view()})")

        first = mic.play(spoken(tmp_path, "ben", [(E.SENTENCES[5], 1.2), (E.NEXT_TURN, 3.0)]))
        wait_until(lambda: who() == "Carla", LEAD_QUIET + 20, what="Carla's turn after Ben's spoken 'next'")
        assert first.wait(timeout=20) == 0
        second = mic.play(spoken(tmp_path, "carla", [(E.PASS, 3.0)], lead=6.0))
        wait_until(lambda: who() == "Dirk", 6.0 + 15, what="Dirk's turn after Carla's spoken pass")
        assert second.wait(timeout=20) == 0
        assert browser.find_element(By.ID, "turn-passed").text == "Carla"
        state = view()
        assert state["passes"] == {"Carla": 1}
    finally:
        server.send_signal(signal.SIGINT)
        try:
            out, err = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            out, err = server.communicate()
    assert "Traceback" not in err, err
