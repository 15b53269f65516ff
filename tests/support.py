"""Helpers more than one test folder needs: polling without sleep, free ports, headless Chromium."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Debian's Chromium, never a browser a tool downloads; quiet on a machine without internet.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1366,900"]


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05, what=""):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {what() if callable(what) else what or predicate}")
        pause.wait(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def chromium(browser_log: bool = False):
    """A headless Chromium driven by Selenium through Debian's chromedriver (skips if absent)."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Debian chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='facilitator-chromium-')}")
    if browser_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    return driver


# What chromedriver says when Chromium itself went away (its renderer crashed or was killed): the
# browser's fault, not the page's. On a busy 2-core machine about one browser start in a hundred
# met it. A browser test that meets it runs once more on a fresh Chromium (pytest-rerunfailures,
# "R" in the summary; tests/web/conftest.py); any other failure is never rerun.
BROWSER_GONE = [r"browser has closed the connection", r"Unable to receive message from renderer",
                r"not connected to DevTools", r"chrome not reachable", r"session deleted"]


def live_chromium(held: dict, browser_log: bool = False):
    """`held["driver"]`, or a fresh Chromium in its place when that one has died."""
    driver = held.get("driver")
    if driver is not None:
        try:
            driver.current_window_handle  # noqa: B018  (one round trip: is Chromium still there?)
            return driver
        except Exception:  # a dead chromedriver raises urllib3's errors, not selenium's
            try:
                driver.quit()
            except Exception:
                pass
    held["driver"] = chromium(browser_log=browser_log)
    return held["driver"]
