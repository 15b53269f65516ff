"""The live page in a real headless Chromium: what a facilitator sees and presses during a meeting."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from browser_kit import click, console_errors, open_live, shot, text_of, wait  # noqa: E402,F401
from facilitator.notices import notice as notice_text  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]

LONG = ["Carla", "Maximiliaan", "Bram", "Jan-Willem", "Eva"]


def clinic(service, *steps: int) -> str:
    """A Case Clinic with long names, started, moved on `steps` steps."""
    meeting_id = service.create("case-clinic", LONG, "Carla")
    service.command(meeting_id, "start")
    for _ in range(sum(steps)):
        service.command(meeting_id, "next_step")
    return meeting_id


def to_step(service, meeting_id: str, title: str) -> None:
    for _ in range(20):
        if service.view(meeting_id)["step"]["title"] == title:
            return
        service.command(meeting_id, "next_step")
    raise AssertionError(title)


def lines_of(driver, element_id: str) -> float:
    """How many lines of text an element takes (its height over its line height)."""
    return driver.execute_script(
        "var e = document.getElementById(arguments[0]); var s = getComputedStyle(e);"
        "return e.getBoundingClientRect().height / parseFloat(s.lineHeight);", element_id)


def fits(driver, element_id: str) -> bool:
    return driver.execute_script(
        "var e = document.getElementById(arguments[0]);"
        "return [e].concat(Array.from(e.querySelectorAll('*'))).every(function (n) {"
        "  return n.scrollWidth <= n.clientWidth + 1 || getComputedStyle(n).display === 'inline'; })", element_id)


@pytest.mark.parametrize("size", [(1366, 800), (390, 844)])
def test_names_in_the_turn_card_are_never_broken_and_iedereen_stays_inside(browser, live_server, size):
    service, clock = live_server.service, live_server.clock
    meeting_id = clinic(service)
    to_step(service, meeting_id, "Afsluitende opmerkingen")      # a round: Maximiliaan first
    browser.set_window_size(*size)
    try:
        open_live(browser, live_server.url, meeting_id)
        clock.advance(service.view(meeting_id)["step"]["remaining_seconds"] + 75)   # time is up: "+1:15"
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "timer-status"), "Tijd is om"))
        for name in ("Maximiliaan", "Bram", "Jan-Willem", "Eva", "Carla"):
            wait(browser).until(EC.text_to_be_present_in_element((By.ID, "turn-who"), name))
            assert lines_of(browser, "turn-who") < 1.5, name    # one line: no "Carl / a"
            assert fits(browser, "turn"), name
            service.command(meeting_id, "next_turn")
        shot(browser, f"turn-card-{size[0]}.png")
        meeting_id2 = clinic(service)
        to_step(service, meeting_id2, "Generatieve dialoog")      # "aan het woord: iedereen"
        open_live(browser, live_server.url, meeting_id2)
        clock.advance(service.view(meeting_id2)["step"]["remaining_seconds"] + 75)
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "timer-status"), "Tijd is om"))
        assert "iedereen" in text_of(browser, "speakers")
        assert fits(browser, "speakers")
        box = browser.find_element(By.ID, "speakers").rect
        stage = browser.find_element(By.ID, "stage").rect
        assert box["x"] + box["width"] <= stage["x"] + stage["width"]
    finally:
        browser.set_window_size(1366, 900)


def test_a_toast_stays_above_the_control_bar_and_lets_clicks_through(browser, live_server):
    service = live_server.service
    meeting_id = clinic(service)                                   # step 1 has no round: "Ik pas" is refused
    open_live(browser, live_server.url, meeting_id)
    click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-command="pass"]'))
    toast = browser.find_element(By.ID, "toast")
    wait(browser).until(lambda d: toast.is_displayed())
    bar = browser.find_element(By.ID, "controls").rect
    assert toast.rect["y"] + toast.rect["height"] <= bar["y"]
    hit = browser.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === arguments[0];", toast)
    assert hit is False                                            # a click there reaches the page below


def test_the_main_button_follows_the_step(browser, live_server):
    service = live_server.service
    meeting_id = clinic(service)
    open_live(browser, live_server.url, meeting_id)
    primary = lambda d: d.find_element(By.CSS_SELECTOR, "#controls button.primary").get_attribute("data-command")
    assert primary(browser) == "next_step"                         # no round here: "Volgende beurt" is not the way on
    to_step(service, meeting_id, "Spiegelen")
    wait(browser).until(lambda d: primary(d) == "next_turn")


def test_herhaal_shows_the_instruction_again_without_a_loudspeaker(browser, live_server):
    service = live_server.service
    meeting_id = clinic(service)
    open_live(browser, live_server.url, meeting_id)
    browser.find_element(By.TAG_NAME, "body").send_keys("h")
    wait(browser).until(lambda d: "repeated" in d.find_element(By.ID, "cue").get_attribute("class"))
    cue = service.view(meeting_id)["step"]["cue"]
    wait(browser).until(lambda d: cue[:30] in d.find_element(By.ID, "announcer").get_attribute("textContent"))


def test_a_silence_step_looks_calm_and_different(browser, live_server):
    service = live_server.service
    meeting_id = clinic(service)
    open_live(browser, live_server.url, meeting_id)
    colour = lambda d: d.execute_script("return getComputedStyle(document.getElementById('stage')).backgroundColor")
    talking = colour(browser)
    to_step(service, meeting_id, "Stilte")
    wait(browser).until(lambda d: "is-silence" in d.find_element(By.ID, "stage").get_attribute("class"))
    assert colour(browser) != talking
    assert browser.find_element(By.ID, "silence").is_displayed()
    assert not browser.find_element(By.ID, "turn").is_displayed()
    assert not browser.find_element(By.ID, "speakers").is_displayed()
    shot(browser, "live-silence.png")


def test_a_two_minute_step_turns_orange_near_its_end(browser, live_server):
    service, clock = live_server.service, live_server.clock
    meeting_id = clinic(service)                                   # "Verdeel de rollen": 2 minutes
    assert service.view(meeting_id)["step"]["planned_seconds"] == 120
    open_live(browser, live_server.url, meeting_id)
    clock.advance(88)
    open_live(browser, live_server.url, meeting_id)   # 0:32 left; from here the page counts down by itself
    assert "near-end" not in browser.find_element(By.ID, "countdown").get_attribute("class")
    wait(browser).until(lambda d: "near-end" in d.find_element(By.ID, "countdown").get_attribute("class"))
    assert text_of(browser, "timer-status") == "Bijna tijd"
    wait(browser).until(lambda d: "Bijna tijd" in d.find_element(By.ID, "announcer").get_attribute("textContent"))


def test_a_notice_is_one_short_sentence_with_what_to_do_behind_a_link_and_closes(browser, live_server):
    service = live_server.service
    meeting_id = clinic(service)
    service.set_notice("voice-speech", notice_text("speech_off", "espeak-ng niet gevonden in `/usr/lib/x86_64-linux-gnu`; "
                                       "installeer het pakket `espeak-ng` en start `facilitator serve` opnieuw."))
    service.command(meeting_id, "extend", seconds=60)              # any change sends the state with the notice
    browser.set_window_size(390, 844)
    try:
        open_live(browser, live_server.url, meeting_id)
        notice = wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "#notices li"))
        head = notice.find_element(By.CLASS_NAME, "notice-head").text
        assert head == "De spraak werkt niet: lees de aanwijzingen op het scherm voor."  # the table's sentence
        assert "`" not in notice.text and "/usr/lib" not in notice.text   # the detail is folded away
        assert notice.rect["height"] < 0.12 * 844
        click(browser, notice.find_element(By.TAG_NAME, "summary"))
        assert "installeer het pakket espeak-ng" in notice.text
        click(browser, notice.find_element(By.CSS_SELECTOR, "button.notice-close"))
        assert not browser.find_element(By.ID, "notices").is_displayed()
    finally:
        browser.set_window_size(1366, 900)


def test_the_clock_stands_still_when_the_connection_drops(browser, live_server):
    service = live_server.service
    meeting_id = clinic(service)
    open_live(browser, live_server.url, meeting_id)
    live_server.stop()
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "timer-status"), "Verbinding weg"))
    frozen = text_of(browser, "countdown")
    assert "stale" in browser.find_element(By.ID, "countdown").get_attribute("class")
    with pytest.raises(TimeoutException):                          # 2.5 s without a tick: it stands still
        wait(browser, 2.5).until(lambda d: text_of(d, "countdown") != frozen)


def test_the_finished_page_shows_no_frozen_clock(browser, live_server):
    service = live_server.service
    meeting_id = clinic(service)
    open_live(browser, live_server.url, meeting_id)
    service.command(meeting_id, "finish")
    wait(browser).until(EC.visibility_of_element_located((By.ID, "finished-row")))
    assert not browser.find_element(By.ID, "countdown").is_displayed()
    browser.refresh()
    assert not browser.find_element(By.ID, "countdown").is_displayed()
    assert console_errors(browser) == []
