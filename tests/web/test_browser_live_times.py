"""The live page counts transcript times from Start, as the verslag does, for lines it loads and lines
the stream brings."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")

from browser_kit import browser, clean_page, wait  # noqa: E402,F401
from verslag_scenario import METHOD, PEOPLE, set_day_clock  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]


def _times(driver) -> list[str]:
    # Read in one script: the page may rebuild the list between finding an element and reading it.
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#transcript li:not(#partial) .time'),"
        " e => e.textContent.trim());")


def test_live_transcript_times_count_from_start_not_from_setting_up(browser, live_server):
    service, clock = live_server.service, live_server.clock
    set_day_clock(service, clock)
    mid = service.create(METHOD, PEOPLE, "Anna")
    clock.advance(600)                                   # ten minutes of setting up: not meeting time
    service.command(mid, "start")
    clock.advance(20)
    service.command(mid, "note", text="Bram moet om vier uur weg")
    browser.get(f"{live_server.url}/bijeenkomsten/{mid}")
    wait(browser).until(lambda d: _times(d) == ["0:20"])
    clock.advance(30)
    service.command(mid, "note", text="Carla neemt het over")  # reaches the page through the stream
    wait(browser).until(lambda d: _times(d) == ["0:20", "0:50"])
