"""Without voice, in a real headless Chromium: the cues speak of buttons and keys, and every choice the
meeting asks for (who brings the case, ja or nee, warm / neutraal / koud, the outcome as it was said) has
buttons and keys, keeps the keyboard's place and is announced."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from browser_kit import click, focused, key, open_live, shows, text_of, wait  # noqa: E402,F401
from web_scenario import say  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]

PEOPLE = ["Anna", "Bram", "Carla", "Dirk", "Eva"]


def announced(text: str):
    return shows("announcer", text)


def test_without_voice_the_cues_speak_of_buttons_and_with_voice_of_words(browser, live_server):
    service = live_server.service
    meeting_id = service.create("case-clinic", PEOPLE, "Anna")
    service.command(meeting_id, "start")
    for _ in range(3):
        service.command(meeting_id, "next_step")               # Spiegelen: a round
    open_live(browser, live_server.url, meeting_id)
    key(browser, " ")                                          # pauze
    wait(browser).until(shows("say", "We pauzeren even."))
    assert "Druk op 'Verder' (spatiebalk)" in text_of(browser, "say") and "Zeg" not in text_of(browser, "say")
    key(browser, "n")                                          # refused while paused: said with the button too
    toast = browser.find_element(By.ID, "toast")
    wait(browser).until(lambda d: toast.is_displayed() and "druk eerst op 'Verder'" in toast.text)
    key(browser, " ")
    wait(browser).until(shows("status-badge", "bezig"))

    service.set_listening(meeting_id, True)                    # the room is heard: words to say again
    wait(browser).until(lambda d: text_of(d, "mode") == "")
    key(browser, " ")
    wait(browser).until(shows("say", "Zeg 'verder' om door te gaan."))


def test_the_group_chooses_the_inbrenger_by_name_button(browser, live_server):
    service = live_server.service
    meeting_id = service.create("balintmethode", PEOPLE, None)
    service.command(meeting_id, "start")
    while not service.view(meeting_id)["choosing_inbrenger"]:
        service.command(meeting_id, "next_step")
    open_live(browser, live_server.url, meeting_id)
    wait(browser).until(EC.visibility_of_element_located((By.ID, "choose-inbrenger")))
    assert "Kies op het scherm wie de casus inbrengt" in text_of(browser, "say")
    names = [b.text.split()[0] for b in browser.find_elements(By.CSS_SELECTOR, "#choose-buttons button")]
    assert names == PEOPLE
    carla = browser.find_element(By.CSS_SELECTOR, '#choose-buttons button[data-name="Carla"]')
    assert carla.find_element(By.TAG_NAME, "kbd").text == "3"  # her seat number is its key
    click(browser, carla)
    wait(browser).until(announced("Carla brengt de casus in."))
    view = service.view(meeting_id)
    assert view["inbrenger"] == "Carla" and not view["choosing_inbrenger"]
    assert not browser.find_element(By.ID, "choose-inbrenger").is_displayed()
    wait(browser).until(lambda d: focused(d).get_attribute("id") == "stage")   # the keyboard's place is kept


def at_the_question(service) -> str:
    meeting_id = service.create("progressiegerichte-bijeenkomst", PEOPLE, "Anna")
    service.command(meeting_id, "start")
    while not service.view(meeting_id)["asking"]:
        service.command(meeting_id, "next_step")               # "Is er genoeg tijd voor een tweede ronde?"
    return meeting_id


def test_an_optional_step_is_answered_with_ja_or_nee(browser, live_server):
    service = live_server.service
    meeting_id = at_the_question(service)
    asked = service.view(meeting_id)["step"]["index"]
    open_live(browser, live_server.url, meeting_id)
    wait(browser).until(EC.visibility_of_element_located((By.ID, "ask")))
    assert "Kies op het scherm ja of nee" in text_of(browser, "say")
    key(browser, "x")                                          # nee: the second round is skipped
    wait(browser).until(announced("Nee gekozen."))
    wait(browser).until(shows("step-title", "Afronding"))
    assert not browser.find_element(By.ID, "ask").is_displayed()
    assert service.view(meeting_id)["steps"][asked]["skipped"] is True
    wait(browser).until(lambda d: focused(d).get_attribute("id") == "stage")

    again = at_the_question(service)                           # another group: ja, with the button
    open_live(browser, live_server.url, again)
    wait(browser).until(EC.visibility_of_element_located((By.ID, "ask")))
    click(browser, browser.find_element(By.CSS_SELECTOR, '#ask button[data-answer="ja"]'))
    wait(browser).until(announced("Ja gekozen."))
    wait(browser).until(EC.visibility_of_element_located((By.ID, "choose-inbrenger")))   # ronde II: who now?
    assert not browser.find_element(By.ID, "ask").is_displayed()
    assert service.view(again)["steps"][asked]["skipped"] is False


def test_the_inbrenger_rates_each_typed_question_warm_neutraal_or_koud(browser, live_server):
    service = live_server.service
    meeting_id = service.create("tienstappenmethode", PEOPLE, "Anna")
    service.command(meeting_id, "start")
    service.command(meeting_id, "next_step")                   # Vragen formuleren: a round
    open_live(browser, live_server.url, meeting_id)
    for question in ["Wat heb je al geprobeerd?", "Wie helpt je?"]:
        key(browser, "i")
        focused(browser).send_keys(question, "\n")
        wait(browser).until(shows("outcomes", question))
        focused(browser).send_keys("\ue00c")                   # Escape: the keys are the meeting's again
        key(browser, "n")
    assert not browser.find_element(By.ID, "rating").is_displayed()   # this step does not rate
    service.command(meeting_id, "next_step")                   # Waardering van de vragen
    wait(browser).until(EC.visibility_of_element_located((By.ID, "rating")))
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rating-list li")) == 2)
    last = browser.find_elements(By.CSS_SELECTOR, "#rating-list li")[-1]
    assert "Wie helpt je?" in last.text and "Carla" in last.text
    warm = last.find_element(By.CSS_SELECTOR, 'button[data-rating="W"]')
    warm.send_keys("\n")                                       # by keyboard: Enter on the focused button
    wait(browser).until(announced("warm: Wie helpt je?"))
    wait(browser).until(lambda d: service.outcomes(meeting_id)["items"]["vraag"][1]["rating"] == "W")
    wait(browser).until(lambda d: d.execute_script(
        "var b = document.querySelectorAll('#rating-list li:last-child button[data-rating=W]');"
        "return b.length === 1 && b[0].getAttribute('aria-pressed') === 'true';"))
    now = focused(browser)
    assert (now.get_attribute("data-rating"), now.get_attribute("aria-pressed")) == ("W", "true")  # focus kept
    assert service.outcomes(meeting_id)["items"]["vraag"][0]["rating"] is None


def test_the_outcome_is_taken_from_what_the_inbrenger_said(browser, live_server):
    service, clock = live_server.service, live_server.clock
    meeting_id = service.create("case-clinic", PEOPLE, "Anna")
    service.command(meeting_id, "start")
    service.command(meeting_id, "next_step")                   # Intentie: the hulpvraag
    say(service, clock, meeting_id, "Hoe houd ik de regie in mijn team", 5)
    open_live(browser, live_server.url, meeting_id)
    mark = browser.find_element(By.ID, "mark-outcome")
    assert mark.is_displayed() and "Anna" in mark.text
    click(browser, mark)
    wait(browser).until(lambda d: service.outcomes(meeting_id)["hulpvraag"] == "Hoe houd ik de regie in mijn team")
    wait(browser).until(lambda d: d.find_element(By.ID, "step-outcome-text").get_attribute("value")
                        == "Hoe houd ik de regie in mijn team")
