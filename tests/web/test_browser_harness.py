"""The browser tests' own harness: a Chromium that died is replaced, and what it says then is what
the one rerun of a browser test listens for (and nothing else is)."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest

pytest.importorskip("selenium")

from selenium.common.exceptions import WebDriverException  # noqa: E402

from support import BROWSER_GONE, live_chromium  # noqa: E402

pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def test_a_chromium_that_died_is_replaced_and_says_what_the_rerun_listens_for():
    held: dict = {}
    first = live_chromium(held)
    try:
        first.get("about:blank")
        assert live_chromium(held) is first  # alive: kept
        for pid in _children(first.service.process.pid):  # the browser, under chromedriver
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(WebDriverException) as gone:
            first.get("data:text/html,<p>hallo</p>")
        assert any(re.search(p, str(gone.value)) for p in BROWSER_GONE), str(gone.value)
        second = live_chromium(held)
        assert second is not first
        second.get("data:text/html,<p>hallo</p>")
        assert "hallo" in second.page_source
    finally:
        if held.get("driver") is not None:
            held["driver"].quit()


def test_a_failing_page_is_never_what_the_rerun_listens_for():
    # An assertion or a wait that ran out (the page's fault) must fail the test the first time.
    for message in ("AssertionError: the transcript shows ['0:20'], not ['0:20', '0:50']",
                    "selenium.common.exceptions.TimeoutException: Message: ",
                    "NoSuchElementException: no such element: Unable to locate element"):
        assert not any(re.search(p, message) for p in BROWSER_GONE), message
