"""Safe endings and ways back, in a real headless Chromium: ask before the end, reopen, go back without
losing time, a turn key pressed once too often, skipping shown as skipped."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from browser_kit import click, key, open_live, shows, text_of, wait  # noqa: E402,F401

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]

PEOPLE = ["Anna", "Bram", "Carla", "Dirk", "Eva"]


def started(service, method="case-clinic") -> str:
    meeting_id = service.create(method, PEOPLE, "Anna")
    service.command(meeting_id, "start")
    return meeting_id


def test_the_last_next_step_asks_first_and_a_finished_meeting_can_be_reopened(browser, live_server):
    service = live_server.service
    meeting_id = started(service)
    for _ in range(6):
        service.command(meeting_id, "next_step")              # the last step
    open_live(browser, live_server.url, meeting_id)
    key(browser, Keys.ARROW_RIGHT)
    alert = wait(browser).until(EC.alert_is_present())
    assert "laatste stap" in alert.text
    alert.dismiss()                                          # no: nothing happens
    assert service.view(meeting_id)["status"] == "running"
    click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-command="next_step"]'))
    wait(browser).until(EC.alert_is_present()).accept()
    wait(browser).until(EC.visibility_of_element_located((By.ID, "finished-row")))
    assert service.view(meeting_id)["status"] == "finished"
    click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-command="reopen"]'))
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "status-badge"), "gepauzeerd"))
    assert browser.find_element(By.ID, "countdown").is_displayed()
    assert browser.find_element(By.ID, "controls").is_displayed()
    assert service.view(meeting_id)["step"]["index"] == 6


def test_going_back_keeps_the_time_spent_and_the_extra_minute(browser, live_server):
    service, clock = live_server.service, live_server.clock
    meeting_id = started(service)                            # "Verdeel de rollen": 2 minutes
    open_live(browser, live_server.url, meeting_id)
    key(browser, "+")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "timer-planned"), "van 3:00"))
    clock.advance(50)
    key(browser, Keys.ARROW_RIGHT)
    wait(browser).until(shows("step-label", "Stap 2"))
    key(browser, Keys.ARROW_LEFT)
    wait(browser).until(shows("step-label", "Stap 1"))
    assert text_of(browser, "timer-planned") == "van 3:00"
    minutes, seconds = text_of(browser, "countdown").split(":")
    assert 125 <= int(minutes) * 60 + int(seconds) <= 131        # 3:00 − 0:50, not a fresh 2:00


def test_one_turn_key_too_many_after_the_reply_stays_in_the_step(browser, live_server):
    service = live_server.service
    meeting_id = started(service)
    for _ in range(3):
        service.command(meeting_id, "next_step")              # Spiegelen: four coaches, then Anna replies
    open_live(browser, live_server.url, meeting_id)
    for _ in range(4):
        key(browser, "n")
    wait(browser).until(shows("turn-label", "De inbrenger reageert"))
    key(browser, "n")                                        # the reply is over
    wait(browser).until(shows("turn-label", "Ronde klaar"))
    key(browser, "n")                                        # once too often: refused, said, still here
    toast = browser.find_element(By.ID, "toast")
    wait(browser).until(lambda d: toast.is_displayed() and "volgende stap" in toast.text.lower())
    assert text_of(browser, "step-title") == "Spiegelen"
    assert service.view(meeting_id)["step"]["title"] == "Spiegelen"


def test_a_skipped_step_is_shown_as_skipped(browser, live_server):
    service = live_server.service
    meeting_id = started(service)
    open_live(browser, live_server.url, meeting_id)
    click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-command="skip"]'))
    wait(browser).until(shows("step-label", "Stap 2"))
    first = browser.find_element(By.CSS_SELECTOR, "#steps li")
    assert "skipped" in first.get_attribute("class") and "overgeslagen" in first.text
