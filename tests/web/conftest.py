"""Fixtures for the dashboard: a real service on a real SQLite file, the Flask app, a live waitress server."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from waitress import create_server, wasyncore

from facilitator.service import MeetingService
from methods import load_library
from web import create_app, stop_streams

from support import BROWSER_GONE, free_port, live_chromium, wait_until  # noqa: F401  (re-exported for the web tests)
from web_scenario import LAN, PEOPLE, OffsetClock, api_headers, csrf_token  # noqa: F401


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=BROWSER_GONE))


@pytest.fixture(scope="module")
def chromium_session():
    """One headless Chromium per test module (see `browser`)."""
    held: dict = {}
    yield held
    if held.get("driver") is not None:
        held["driver"].quit()


@pytest.fixture
def browser(chromium_session):
    """The module's Chromium; a fresh one when it has died, so one crash costs one test, not a module."""
    return live_chromium(chromium_session, browser_log=True)


@pytest.fixture
def clean_page(browser):
    """A blank page and an empty console: a closed server's errors stay with the test that closed it."""
    browser.get("about:blank")
    browser.get_log("browser")
    return browser


@pytest.fixture(scope="session")
def library():
    return load_library(None)


@pytest.fixture
def clock():
    return OffsetClock()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "data"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def service(data_dir, library, clock):
    return MeetingService(data_dir, library, clock=clock)


@pytest.fixture
def app(service, data_dir):
    return create_app(service, {"DATA_DIR": data_dir})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def lan_app(service, data_dir):
    """Served on the LAN: pairing is on; 'laptop.local' is the name devices use."""
    return create_app(service, {"DATA_DIR": data_dir, "HOST": "0.0.0.0", "EXTRA_HOSTS": ("laptop.local",)})


@pytest.fixture
def lan_client(lan_app):
    return lan_app.test_client()


@pytest.fixture
def meeting(service):
    return service.create("progressiegerichte-intervisie", PEOPLE, "Anna")


@pytest.fixture
def token(client):
    return csrf_token(client)


@dataclass
class LiveServer:
    url: str
    app: object
    service: MeetingService
    clock: OffsetClock
    stop: object = None  # stop() takes the server down mid-test, as a crash or a pulled cable would


@pytest.fixture
def live_server(data_dir, library, clock):
    """A real waitress server on a free loopback port, with the ticker the serve command runs."""
    service = MeetingService(data_dir, library, clock=clock)
    port = free_port()
    app = create_app(service, {"DATA_DIR": data_dir, "PORT": port, "SSE_KEEPALIVE_SECONDS": 0.5,
                               "MAX_STREAMS": 30})
    server = create_server(app, host="127.0.0.1", port=port, threads=40)
    stop = threading.Event()

    def tick():
        while not stop.wait(0.25):
            service.tick()

    loop = threading.Thread(target=server.run, daemon=True)
    ticker = threading.Thread(target=tick, daemon=True)
    loop.start()
    ticker.start()
    stopped = []

    def shutdown():
        if stopped:
            return
        stopped.append(True)
        stop_streams(app)
        server.task_dispatcher.shutdown(timeout=3)
        # Close the sockets from inside waitress's own loop, so its select() never sees a dead descriptor.
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        except OSError:
            # The loop has already ended and closed its trigger (a test stopped the server, or waitress
            # shut down on its own): there is nothing left to close.
            pass
        loop.join(timeout=3)

    yield LiveServer(f"http://127.0.0.1:{port}", app, service, clock, shutdown)
    stop.set()
    shutdown()
    ticker.join(timeout=1)
