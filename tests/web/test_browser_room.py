"""The room display in a real headless Chromium: readable from four metres at 1920×1080 and 1280×720."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from browser_kit import console_errors, reset_viewport, settled_colour, shot, shows, text_of, viewport, wait  # noqa: E402,F401,E501

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]

PEOPLE = ["Anna", "Bram", "Carla", "Dirk", "Eva"]


def px(driver, element_id: str) -> float:
    return driver.execute_script(
        "return parseFloat(getComputedStyle(document.getElementById(arguments[0])).fontSize)", element_id)


def open_room(driver, url: str, meeting_id: str) -> None:
    driver.get(f"{url}/bijeenkomsten/{meeting_id}/zaal")
    wait(driver).until(lambda d: d.execute_script("return document.title").split(" · ")[0][-3:-2] == ":")


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_room_display_shows_step_time_turn_and_instruction_large(browser, live_server, size):
    service, clock = live_server.service, live_server.clock
    meeting_id = service.create("case-clinic", PEOPLE, "Anna")
    service.command(meeting_id, "start")
    viewport(browser, *size)
    try:
        # From the live page's link.
        browser.get(f"{live_server.url}/bijeenkomsten/{meeting_id}")
        href = browser.find_element(By.ID, "room-link").get_attribute("href")
        assert href.endswith(f"/bijeenkomsten/{meeting_id}/zaal")
        open_room(browser, live_server.url, meeting_id)
        height = browser.execute_script("return window.innerHeight")
        assert height == size[1]
        assert browser.find_elements(By.CSS_SELECTOR, "button, input, .topbar, .control-bar") == []
        assert text_of(browser, "z-title") == "Verdeel de rollen"
        # 4 m away, text needs about 4.5 cm on a 55" screen: the countdown is a third of the height.
        assert px(browser, "z-countdown") >= 0.3 * height
        assert px(browser, "z-title") >= 0.07 * height and px(browser, "z-cue") >= 0.035 * height
        assert browser.execute_script("return document.documentElement.scrollHeight") <= height + 1
        shot(browser, f"zaal-{size[0]}x{size[1]}-stap.png")

        # A round: whose turn and who is next, in step with the live page.
        for _ in range(3):
            service.command(meeting_id, "next_step")
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "z-title"), "Spiegelen"))
        first = service.view(meeting_id)["step"]["round"]
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "z-name"), first["turn"]))
        assert text_of(browser, "z-next-name") == first["next"]
        assert px(browser, "z-name") >= 0.1 * height
        service.command(meeting_id, "next_turn")
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "z-name"), first["next"]))

        # Colours with the time: orange near the end, red when it is up.
        clock.advance(service.view(meeting_id)["step"]["remaining_seconds"] - 20)
        service.command(meeting_id, "remaining")
        wait(browser).until(lambda d: "near-end" in d.find_element(By.ID, "z-countdown").get_attribute("class"))
        assert text_of(browser, "z-status") == "Bijna tijd"
        assert settled_colour(browser, "z-countdown") == "rgb(255, 194, 92)"
        shot(browser, f"zaal-{size[0]}x{size[1]}-beurt.png")
        clock.advance(40)
        service.command(meeting_id, "remaining")
        wait(browser).until(lambda d: "time-up" in d.find_element(By.ID, "z-countdown").get_attribute("class"))
        assert text_of(browser, "z-countdown").startswith("+")
        assert settled_colour(browser, "z-countdown") == "rgb(255, 138, 128)"
        shot(browser, f"zaal-{size[0]}x{size[1]}-tijd-om.png")
        assert browser.execute_script("return document.documentElement.scrollHeight") <= height + 1
    finally:
        reset_viewport(browser)
    assert console_errors(browser) == []


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_silence_is_a_calm_screen(browser, live_server, size):
    service = live_server.service
    meeting_id = service.create("case-clinic", PEOPLE, "Anna")
    service.command(meeting_id, "start")
    viewport(browser, *size)
    try:
        open_room(browser, live_server.url, meeting_id)
        busy = browser.execute_script("return getComputedStyle(document.getElementById('zaal')).backgroundColor")
        service.command(meeting_id, "next_step")
        service.command(meeting_id, "next_step")                   # "Stilte"
        wait(browser).until(lambda d: "is-silence" in d.find_element(By.ID, "zaal").get_attribute("class"))
        assert browser.find_element(By.ID, "z-silence").is_displayed()
        assert not browser.find_element(By.ID, "z-who").is_displayed()
        assert settled_colour(browser, "zaal", "backgroundColor") == "rgb(27, 37, 71)" != busy
        shot(browser, f"zaal-{size[0]}x{size[1]}-stilte.png")
        service.command(meeting_id, "finish")
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "z-cue"), "afgerond"))
        assert not browser.find_element(By.ID, "z-countdown").is_displayed()
    finally:
        reset_viewport(browser)


def test_the_room_sees_the_question_and_who_can_bring_in_a_case(browser, live_server):
    """While the meeting waits for ja or nee, or for the group to choose an inbrenger, the display
    says so (the live page takes the answer): the room is not left looking at a frozen turn."""
    service = live_server.service
    meeting_id = service.create("progressiegerichte-bijeenkomst", PEOPLE, "Anna")
    service.command(meeting_id, "start")
    while not service.view(meeting_id)["asking"]:
        service.command(meeting_id, "next_step")
    question = service.view(meeting_id)["question"]
    # No microphone here: the question says how to answer on the screen, as the spoken cue did.
    assert question == "Is er genoeg tijd voor een tweede ronde? Kies op het scherm ja of nee."
    open_room(browser, live_server.url, meeting_id)
    wait(browser).until(shows("z-who-label", "Ja of nee?"))  # textContent: the label is in capitals
    assert text_of(browser, "z-name") == question
    assert not browser.find_element(By.ID, "z-next").is_displayed()
    assert text_of(browser, "z-cue") == ""  # the next step's instruction waits for the answer
    height = browser.execute_script("return window.innerHeight")
    assert browser.execute_script("return document.documentElement.scrollHeight") <= height + 1
    shot(browser, "zaal-ja-nee.png")

    service.command(meeting_id, "answer", answer="ja")         # ronde II: the group chooses again
    assert service.view(meeting_id)["choosing_inbrenger"]
    wait(browser).until(shows("z-who-label", "Wie brengt de casus in?"))
    assert text_of(browser, "z-name") == " · ".join(PEOPLE)
    shot(browser, "zaal-kiezen.png")

    service.command(meeting_id, "choose_inbrenger", name="Carla")
    wait(browser).until(lambda d: not service.view(meeting_id)["choosing_inbrenger"]
                        and shows("z-who-label", "Aan het woord")(d))
    assert "Carla" in text_of(browser, "z-cue")  # now the instruction is hers
    assert "is-long" not in browser.find_element(By.ID, "z-name").get_attribute("class")
    assert console_errors(browser) == []


def test_the_room_display_as_first_served_shows_the_question(live_server):
    """The page as the server first sends it (before the stream): the same words."""
    import urllib.request

    service = live_server.service
    meeting_id = service.create("progressiegerichte-bijeenkomst", PEOPLE, "Anna")
    service.command(meeting_id, "start")
    while not service.view(meeting_id)["asking"]:
        service.command(meeting_id, "next_step")
    page = urllib.request.urlopen(f"{live_server.url}/bijeenkomsten/{meeting_id}/zaal", timeout=10).read().decode()
    assert "Ja of nee?" in page and service.view(meeting_id)["question"] in page
