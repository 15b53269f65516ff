"""Typed capture on the live page, in a real headless Chromium: without voice a tip still gets recorded."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from browser_kit import focused, open_live, text_of, wait  # noqa: E402,F401

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]

PEOPLE = ["Anna", "Bram", "Carla", "Dirk", "Eva"]


def stage_in_view(driver) -> bool:
    return driver.execute_script(
        "var r = document.getElementById('stage').getBoundingClientRect();"
        "return r.top >= 0 && r.top < window.innerHeight / 2;")


def test_a_typed_tip_is_filed_for_whoever_has_the_turn(browser, live_server):
    service = live_server.service
    meeting_id = service.create("progressiegerichte-intervisie", PEOPLE, "Anna")
    service.command(meeting_id, "start")
    for _ in range(3):
        service.command(meeting_id, "next_step")                # Adviseren: a round of tips, Bram first
    browser.set_window_size(1366, 800)
    try:
        open_live(browser, live_server.url, meeting_id)
        assert text_of(browser, "capture-label") == "Tip van Bram"
        browser.find_element(By.TAG_NAME, "body").send_keys("i")   # a key puts the cursor in the field
        assert focused(browser).get_attribute("id") == "capture-text"
        before = browser.execute_script("return window.scrollY")
        focused(browser).send_keys("Begin met een kleine pilot", Keys.ENTER)
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "outcomes"), "Begin met een kleine pilot"))
        assert live_server.service.outcomes(meeting_id)["tips_by_person"] == {"Bram": ["Begin met een kleine pilot"]}
        assert focused(browser).get_attribute("id") == "capture-text"          # ready for the next one
        assert browser.find_element(By.ID, "capture-text").get_attribute("value") == ""
        assert browser.execute_script("return window.scrollY") == before and stage_in_view(browser)

        # The next turn: the label follows, and Escape gives the keys back to the meeting.
        focused(browser).send_keys(Keys.ESCAPE)
        browser.find_element(By.TAG_NAME, "body").send_keys("n")
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "capture-label"), "Tip van Carla"))
        browser.find_element(By.TAG_NAME, "body").send_keys("t")           # no voice: "T" types a tip too
        assert focused(browser).get_attribute("id") == "capture-text"
        focused(browser).send_keys("Vraag het team om een voorstel", Keys.ENTER)
        wait(browser).until(lambda d: "Carla" in service.outcomes(meeting_id)["tips_by_person"])
        line = service.transcript(meeting_id)[-1]
        assert (line["speaker"], line["type"]) == ("Carla", "tip")
    finally:
        browser.set_window_size(1366, 900)


def test_a_step_asks_for_its_own_outcome_where_it_is_shown(browser, live_server):
    service = live_server.service
    meeting_id = service.create("progressiegerichte-intervisie", PEOPLE, "Anna", hulpvraag="Hoe krijg ik het team mee?")
    service.command(meeting_id, "start")                       # Presenteren: the hulpvraag is formed here
    open_live(browser, live_server.url, meeting_id)
    assert text_of(browser, "step-outcome-label") == "Hulpvraag"
    field = browser.find_element(By.ID, "step-outcome-text")
    assert field.get_attribute("value") == "Hoe krijg ik het team mee?"
    field.clear()
    field.send_keys("Hoe krijg ik Bram mee?", Keys.ENTER)
    wait(browser).until(lambda d: service.outcomes(meeting_id)["hulpvraag"] == "Hoe krijg ik Bram mee?")
    for _ in range(4):
        service.command(meeting_id, "next_step")                # Afsluiten: the next step is formed here
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "step-outcome-label"), "Volgende stap"))
    field = browser.find_element(By.ID, "step-outcome-text")
    field.send_keys("Maandag een pilot voorstellen", Keys.ENTER)
    wait(browser).until(lambda d: service.outcomes(meeting_id)["volgende_stap"] == "Maandag een pilot voorstellen")
    service.command(meeting_id, "previous_step")
    service.command(meeting_id, "next_step")                   # back there: what was typed is shown to correct
    wait(browser).until(lambda d: d.find_element(By.ID, "step-outcome-text").get_attribute("value")
                        == "Maandag een pilot voorstellen")


# Holds the answers to the page's own commands until the test lets them go: on a busy machine a command's
# answer (with the view at that moment) can reach the page after the stream's newer states.
HOLD_ANSWERS = """
window.heldAnswers = [];
var realFetch = window.fetch;
window.fetch = function (url, options) {
  var answer = realFetch.apply(this, arguments);
  if (!options || options.method !== "POST") { return answer; }
  return answer.then(function (r) { return new Promise(function (done) { window.heldAnswers.push(function () { done(r); }); }); });
};
"""


def test_a_late_answer_never_puts_an_older_step_back_on_screen(browser, live_server):
    service = live_server.service
    meeting_id = service.create("progressiegerichte-intervisie", PEOPLE, "Anna", hulpvraag="Hoe krijg ik het team mee?")
    service.command(meeting_id, "start")
    open_live(browser, live_server.url, meeting_id)
    browser.execute_script(HOLD_ANSWERS)
    field = browser.find_element(By.ID, "step-outcome-text")
    field.clear()
    field.send_keys("Hoe krijg ik Bram mee?", Keys.ENTER)
    wait(browser).until(lambda d: service.outcomes(meeting_id)["hulpvraag"] == "Hoe krijg ik Bram mee?")
    for _ in range(4):
        service.command(meeting_id, "next_step")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "step-outcome-label"), "Volgende stap"))
    wait(browser).until(lambda d: d.execute_script("return window.heldAnswers.length") == 1)
    browser.execute_script("window.heldAnswers.forEach(function (f) { f(); });")   # the answer comes in late
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "toast"), "Vastgelegd"))   # after its view
    assert text_of(browser, "step-title") == "Afsluiten"
    assert text_of(browser, "step-outcome-label") == "Volgende stap"
