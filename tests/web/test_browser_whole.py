"""Whole meetings from the browser alone, without voice, in a real headless Chromium: a Case Clinic and a
Balint meeting by mouse from the start page to the verslag, and a whole meeting by keyboard alone."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from browser_kit import click, console_errors, focused, key, open_live, seat, wait  # noqa: E402,F401

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]

PEOPLE = ["Anna", "Bram", "Carla", "Dirk", "Eva"]
HULPVRAAG = "Hoe houd ik rust in een druk team?"
VOLGENDE_STAP = "Maandag plan ik een kwartier stilte in"


def page_view(driver) -> dict:
    """What the live page shows now (its own copy of the server's state)."""
    return driver.execute_script("return window.Facilitator.live.view()")


def changed_from(seq: int):
    """The page has drawn a newer state than `seq` (every command taken is a change)."""
    return lambda d: (page_view(d) or {}).get("seq", 0) > seq


def set_up_on_the_start_page(driver, url: str, method_id: str, inbrenger: str | None) -> str:
    driver.get(url + "/")
    click(driver, driver.find_element(By.XPATH, f"//input[@value='{method_id}']/.."))
    seat(driver, PEOPLE)
    if inbrenger:
        click(driver, driver.find_elements(By.CSS_SELECTOR, "#people-list .role-toggle")[PEOPLE.index(inbrenger)])
    click(driver, driver.find_element(By.ID, "create"))          # "Bijeenkomst klaarzetten"
    wait(driver).until(EC.url_contains("/bijeenkomsten/"))
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "connection"), "live"))
    return driver.current_url.rstrip("/").rsplit("/", 1)[1]


def type_outcome(driver, step: dict, text: str) -> None:
    field = driver.find_element(By.ID, "step-outcome-text")
    field.clear()
    field.send_keys(text, Keys.ENTER)
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "outcomes"), text))


def run_by_mouse(driver, choose: str | None = None) -> set[int]:
    """Every step by the page's own buttons, as a facilitator without voice would; the steps seen."""
    seen, typed = set(), set()
    for _ in range(300):
        v = page_view(driver)
        if v["status"] == "finished":
            return seen
        step, seq = v["step"], v["seq"]
        seen.add(step["index"])
        outcome = {"hulpvraag": HULPVRAAG, "volgende_stap": VOLGENDE_STAP}.get(step.get("outcome"))
        round_ = step.get("round") or {}
        if v["choosing_inbrenger"]:
            click(driver, driver.find_element(By.CSS_SELECTOR, f'#choose-buttons button[data-name="{choose}"]'))
        elif v["asking"]:
            click(driver, driver.find_element(By.CSS_SELECTOR, '#ask button[data-answer="ja"]'))
        elif outcome and step["index"] not in typed and driver.find_element(By.ID, "step-outcome").is_displayed():
            typed.add(step["index"])
            type_outcome(driver, step, outcome)
            continue
        elif round_.get("turn") and round_.get("item") == "tip" and ("tip", round_["turn"]) not in typed:
            typed.add(("tip", round_["turn"]))
            field = driver.find_element(By.ID, "capture-text")
            field.send_keys(f"Tip van {round_['turn']}", Keys.ENTER)
            wait(driver).until(EC.text_to_be_present_in_element((By.ID, "outcomes"), f"Tip van {round_['turn']}"))
            continue
        elif round_.get("turn") or round_.get("responding"):
            click(driver, driver.find_element(By.CSS_SELECTOR, 'button[data-command="next_turn"]'))
        else:
            click(driver, driver.find_element(By.CSS_SELECTOR, 'button[data-command="next_step"]'))
            if step["index"] + 1 == step["count"] and not v.get("asking"):
                wait(driver).until(EC.alert_is_present()).accept()     # the last step asks first
        wait(driver).until(changed_from(seq))
    raise AssertionError("the meeting did not end")


def the_verslag_says(driver, *texts: str) -> None:
    click(driver, driver.find_element(By.LINK_TEXT, "Naar de terugblik"))
    click(driver, wait(driver).until(EC.element_to_be_clickable((By.LINK_TEXT, "Verslag"))))
    wait(driver).until(EC.url_contains("/verslag"))
    page = driver.find_element(By.TAG_NAME, "main").text
    for text in texts:
        assert text in page, text


def test_a_whole_case_clinic_from_the_start_page_to_the_verslag(browser, live_server):
    meeting_id = set_up_on_the_start_page(browser, live_server.url, "case-clinic", "Anna")
    click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-command="start"]'))
    wait(browser).until(lambda d: page_view(d)["status"] == "running")
    seen = run_by_mouse(browser)
    assert seen == set(range(7))                                   # every step, none jumped over
    service = live_server.service
    out = service.outcomes(meeting_id)
    assert (out["hulpvraag"], out["volgende_stap"]) == (HULPVRAAG, VOLGENDE_STAP)
    assert not any(s["skipped"] for s in service.view(meeting_id)["steps"])
    the_verslag_says(browser, HULPVRAAG, VOLGENDE_STAP, "Anna")
    assert console_errors(browser) == []


def test_a_whole_balint_meeting_in_which_the_group_chooses_in_the_meeting(browser, live_server):
    meeting_id = set_up_on_the_start_page(browser, live_server.url, "balintmethode", None)
    service = live_server.service
    assert service.view(meeting_id)["inbrenger"] is None           # the group chooses, later
    click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-command="start"]'))
    wait(browser).until(lambda d: page_view(d)["status"] == "running")
    seen = run_by_mouse(browser, choose="Dirk")
    assert seen == set(range(13))
    view = service.view(meeting_id)
    assert view["inbrenger"] == "Dirk" and all(s["state"] == "done" and not s["skipped"] for s in view["steps"])
    assert service.outcomes(meeting_id)["hulpvraag"] == HULPVRAAG
    the_verslag_says(browser, HULPVRAAG, VOLGENDE_STAP, "Dirk")
    assert console_errors(browser) == []


def test_a_whole_meeting_by_keyboard_alone(browser, live_server):
    service = live_server.service
    meeting_id = service.create("case-clinic", PEOPLE, "Anna")
    open_live(browser, live_server.url, meeting_id)
    key(browser, Keys.ENTER)                                       # Start
    wait(browser).until(lambda d: page_view(d)["status"] == "running")
    seen, typed = set(), set()
    for _ in range(100):
        v = page_view(browser)
        if v["status"] == "finished":
            break
        step, seq = v["step"], v["seq"]
        seen.add(step["index"])
        round_ = step.get("round") or {}
        if step.get("outcome") == "hulpvraag" and "h" not in typed:
            typed.add("h")
            # Tab to the step's outcome field, as a keyboard user would; Esc gives the keys back.
            for _ in range(40):
                focused(browser).send_keys(Keys.TAB)
                if focused(browser).get_attribute("id") == "step-outcome-text":
                    break
            assert focused(browser).get_attribute("id") == "step-outcome-text"
            focused(browser).send_keys(HULPVRAAG, Keys.ENTER)
            wait(browser).until(lambda d: service.outcomes(meeting_id)["hulpvraag"] == HULPVRAAG)
            focused(browser).send_keys(Keys.ESCAPE)
            assert focused(browser).get_attribute("id") == "stage"
            continue
        if round_.get("turn") and ("i", round_["turn"]) not in typed:
            typed.add(("i", round_["turn"]))
            key(browser, "i")                                      # the capture field, typed for the turn holder
            focused(browser).send_keys(f"Beeld van {round_['turn']}", Keys.ENTER)
            wait(browser).until(EC.text_to_be_present_in_element((By.ID, "outcomes"), f"Beeld van {round_['turn']}"))
            focused(browser).send_keys(Keys.ESCAPE)                # the keys are the meeting's again
            assert focused(browser).get_attribute("id") == "stage"
            continue
        if round_.get("turn") or round_.get("responding"):
            key(browser, "n")
        else:
            key(browser, "s")
            if step["index"] + 1 == step["count"]:
                wait(browser).until(EC.alert_is_present()).accept()
        wait(browser).until(changed_from(seq))
        assert focused(browser).tag_name in ("body", "section") or focused(browser).get_attribute("id") == "stage"
    assert page_view(browser)["status"] == "finished" and seen == set(range(7))
    assert service.outcomes(meeting_id)["hulpvraag"] == HULPVRAAG
    assert "Beeld van Bram" in str(service.outcomes(meeting_id)["items"])
    assert browser.find_element(By.ID, "finished-row").is_displayed()
    # The review is one Tab and Enter away.
    link = browser.find_element(By.LINK_TEXT, "Naar de terugblik")
    browser.execute_script("arguments[0].focus()", link)
    focused(browser).send_keys(Keys.ENTER)
    wait(browser).until(EC.url_contains("/terugblik"))
