"""The dashboard in a real headless Chromium against a real waitress server: set up, run and review a meeting."""

from __future__ import annotations

import pytest

from facilitator.events import Utterance
from web_scenario import say

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from browser_kit import click, console_errors, shot, text_of, wait  # noqa: E402,F401

pytestmark = pytest.mark.slow


def test_run_a_meeting_from_the_browser(browser, live_server):
    driver, service = browser, live_server.service
    driver.get(live_server.url + "/")

    # Start: find the method, seat five people, choose the inbrenger.
    driver.find_element(By.ID, "method-search").send_keys("progressiegericht")
    option = driver.find_element(By.CSS_SELECTOR, 'input[name="method"][value="progressiegerichte-intervisie"]')
    driver.find_element(By.XPATH, "//input[@value='progressiegerichte-intervisie']/..").click()
    assert option.is_selected()
    detail = driver.find_element(By.CSS_SELECTOR, '.method-detail[data-method="progressiegerichte-intervisie"]')
    assert detail.is_displayed() and "Verhelderen" in detail.text
    name = driver.find_element(By.ID, "new-person")
    for person in ["Anna", "Bram", "Carla", "Dirk", "Eva"]:
        name.send_keys(person, Keys.ENTER)
    rows = driver.find_elements(By.CSS_SELECTOR, "#people-list li")
    assert [r.find_element(By.CLASS_NAME, "person").text for r in rows] == ["Anna", "Bram", "Carla", "Dirk", "Eva"]
    rows[4].find_element(By.CSS_SELECTOR, 'button[aria-label="Eva een plaats naar voren"]').click()  # reorder
    rows = driver.find_elements(By.CSS_SELECTOR, "#people-list li")
    assert [r.find_element(By.CLASS_NAME, "person").text for r in rows][3:] == ["Eva", "Dirk"]
    rows[0].find_element(By.CLASS_NAME, "role-toggle").click()
    driver.find_element(By.ID, "hulpvraag").send_keys("Hoe krijg ik mijn team mee?")
    driver.find_element(By.ID, "create").click()

    wait(driver).until(EC.url_contains("/bijeenkomsten/"))
    meeting_id = driver.current_url.rstrip("/").rsplit("/", 1)[1]
    assert service.view(meeting_id)["participants"] == ["Anna", "Bram", "Carla", "Eva", "Dirk"]
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "connection"), "live"))

    # Live: start with the keyboard, and see the countdown move by itself.
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ENTER)
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "status-badge"), "bezig"))
    first = text_of(driver, "countdown")
    wait(driver, 5).until(lambda d: text_of(d, "countdown") != first)
    assert text_of(driver, "countdown") < first  # "2:58" < "2:59": it counts down

    # The next step by keyboard; its round of questions begins with Bram.
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "step-title"), "Verhelderen"))
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "turn-who"), "Bram"))
    assert text_of(driver, "turn-next") == "Carla" and text_of(driver, "round-number") == "Ronde 1"

    # "Ik pas" by button: the turn moves on and Bram is listed as passed.
    driver.find_element(By.CSS_SELECTOR, 'button[data-command="pass"]').click()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "turn-who"), "Carla"))
    assert "Bram" in text_of(driver, "turn-passed")
    assert service.view(meeting_id)["step"]["round"]["passed"] == ["Bram"]

    # Speech arrives: a greyed partial first, then the final line in the transcript.
    now = service.now(meeting_id)
    service.feed(meeting_id, Utterance("wat heb je", now, now + 1, final=False))
    partial = driver.find_element(By.ID, "partial")
    wait(driver).until(lambda d: partial.is_displayed() and "wat heb je" in partial.text)
    say(service, live_server.clock, meeting_id, "Wat heb je zelf al geprobeerd", 3, uid="utt-1")
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "transcript"), "Wat heb je zelf al geprobeerd"))
    assert not partial.is_displayed()
    line = driver.find_element(By.CSS_SELECTOR, "#transcript li[data-id]")
    assert "Carla" in line.text and "vraag" in line.text
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "outcomes"), "Wat heb je zelf al geprobeerd"))

    # "n" gives the next turn; "+" adds a minute; both through the same commands as voice.
    driver.find_element(By.TAG_NAME, "body").send_keys("n")
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "turn-who"), "Eva"))
    driver.find_element(By.TAG_NAME, "body").send_keys("+")
    wait(driver).until(lambda d: service.view(meeting_id)["step"]["planned_seconds"] == 6 * 60)
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "timer-planned"), "6:00"))

    # Pause freezes the countdown; a refresh shows the same time (the server owns the clock).
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.SPACE)
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "timer-status"), "Gepauzeerd"))
    paused_at = text_of(driver, "countdown")
    driver.refresh()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "connection"), "live"))
    assert text_of(driver, "countdown") == paused_at
    driver.find_element(By.CSS_SELECTOR, 'button[data-command="toggle_pause"]').click()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "status-badge"), "bezig"))

    # Near the end of the step the countdown changes colour.
    live_server.clock.advance(service.view(meeting_id)["step"]["remaining_seconds"] - 30)
    wait(driver).until(lambda d: "near-end" in d.find_element(By.ID, "countdown").get_attribute("class"))
    amber = "rgb(194, 106, 0)"  # --warn, once the colour transition has run
    wait(driver).until(lambda d: d.execute_script(
        "return getComputedStyle(document.getElementById('countdown')).color") == amber)
    shot(driver, "live.png")

    # A hulpvraag typed on the live page.
    click(driver, driver.find_element(By.CSS_SELECTOR, "details.capture summary"))
    field = driver.find_element(By.ID, "capture-hulpvraag")
    field.clear()
    field.send_keys("Hoe krijg ik Bram mee?", Keys.ENTER)
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "outcomes"), "Hoe krijg ik Bram mee?"))

    # Finish, then review: fix the line's speaker and rate the question.
    click(driver, driver.find_element(By.CSS_SELECTOR, 'button[data-command="finish"]'))
    wait(driver).until(EC.alert_is_present()).accept()
    wait(driver).until(EC.visibility_of_element_located((By.ID, "finished-row")))
    click(driver, driver.find_element(By.CSS_SELECTOR, "#finished-row a"))
    wait(driver).until(EC.url_contains("/terugblik"))
    assert "Stap 2: Verhelderen" in driver.page_source
    line_id = service.transcript(meeting_id)[0]["id"]
    row = driver.find_element(By.ID, f"regel-{line_id}")
    click(driver, row.find_element(By.TAG_NAME, "summary"))
    row.find_element(By.NAME, "speaker").send_keys("Dirk")
    click(driver, row.find_element(By.CSS_SELECTOR, "button.primary"))
    wait(driver).until(lambda d: service.transcript(meeting_id)[0]["speaker"] == "Dirk")
    click(driver, driver.find_element(By.CSS_SELECTOR, '.rate-form button[value="W"]'))
    wait(driver).until(lambda d: service.outcomes(meeting_id)["items"]["vraag"][0]["rating"] == "W")
    assert "warm" in driver.find_element(By.CSS_SELECTOR, ".rate-form button[aria-pressed='true']").get_attribute("title")
    shot(driver, "review.png")

    driver.get(f"{live_server.url}/bijeenkomsten/{meeting_id}/verslag?transcript=1")
    assert "Hoe krijg ik Bram mee?" in driver.page_source
    shot(driver, "verslag.png")
    assert console_errors(driver) == []


def test_a_phone_sized_screen_still_shows_timer_turn_and_buttons(browser, live_server):
    service = live_server.service
    meeting_id = service.create("progressiegerichte-intervisie", ["Anna", "Bram", "Carla", "Dirk"], "Anna")
    service.command(meeting_id, "start")
    service.command(meeting_id, "next_step")
    browser.set_window_size(390, 844)
    try:
        browser.get(f"{live_server.url}/bijeenkomsten/{meeting_id}")
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "connection"), "live"))
        for element_id in ("countdown", "turn-who", "controls"):
            element = browser.find_element(By.ID, element_id)
            assert element.is_displayed(), element_id
            assert element.rect["x"] >= 0 and element.rect["x"] + element.rect["width"] <= 390, element_id
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390  # nothing sticks out sideways
        shot(browser, "live-phone.png")
    finally:
        browser.set_window_size(1366, 900)
    assert console_errors(browser) == []
