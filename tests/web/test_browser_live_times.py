"""The live page counts transcript times from Start, as the verslag does, for lines it loads and lines
the stream brings."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")

from browser_kit import wait  # noqa: E402,F401
from facilitator.clock_text import clock as clock_text  # noqa: E402
from verslag_scenario import METHOD, PEOPLE, set_day_clock  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]


def _times(driver) -> list[str]:
    # Read in one script: the page may rebuild the list between finding an element and reading it.
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#transcript li:not(#partial) .time'),"
        " e => e.textContent.trim());")


def _until_times(driver, expected: list[str]) -> None:
    seen: list = []

    def shown(d) -> bool:
        seen[:] = [_times(d)]
        return seen[0] == expected

    try:
        wait(driver, 30).until(shown)
    except Exception as exc:
        raise AssertionError(f"the transcript shows {seen[0] if seen else None}, not {expected}") from exc


def _verslag_times(service, mid) -> list[str]:
    return [clock_text(line["since_start"]) for line in service.transcript(mid)]


def test_live_transcript_times_count_from_start_not_from_setting_up(browser, live_server):
    # The test's clock ticks for real as well, so the page is held to the verslag's own times, not
    # to 0:20 and 0:50 exactly: a busy machine adds real seconds between the steps below.
    service, clock = live_server.service, live_server.clock
    set_day_clock(service, clock)
    mid = service.create(METHOD, PEOPLE, "Anna")
    clock.advance(600)                                   # ten minutes of setting up: not meeting time
    service.command(mid, "start")
    clock.advance(20)
    service.command(mid, "note", text="Bram moet om vier uur weg")
    browser.get(f"{live_server.url}/bijeenkomsten/{mid}")
    first = _verslag_times(service, mid)
    assert len(first) == 1 and first[0].startswith("0:")  # counted from Start, not from creation (10:20)
    _until_times(browser, first)
    clock.advance(30)
    service.command(mid, "note", text="Carla neemt het over")  # reaches the page through the stream
    both = _verslag_times(service, mid)
    assert both[0] == first[0] and both[1] != both[0]
    _until_times(browser, both)
