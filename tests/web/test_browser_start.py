"""The Start page in a real headless Chromium: a first-time facilitator sets up a meeting without getting stuck."""

from __future__ import annotations

import pytest


pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from browser_kit import click, console_errors, focused, seat, shot, wait  # noqa: E402,F401

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]


def choose(driver, method_id: str) -> None:
    click(driver, driver.find_element(By.XPATH, f"//input[@value='{method_id}']/.."))


def test_choosing_the_inbrenger_after_a_refused_submit_sets_the_meeting_up(browser, live_server):
    browser.get(live_server.url + "/")
    choose(browser, "case-clinic")
    seat(browser, ["Anna", "Bram", "Carla", "Dirk"])
    click(browser, browser.find_element(By.ID, "create"))       # no inbrenger yet: refused, said plainly
    error = browser.find_element(By.ID, "people-error")
    wait(browser).until(lambda d: error.is_displayed())
    assert "Kies wie de casus inbrengt" in error.text
    assert browser.current_url.rstrip("/") == live_server.url
    assert focused(browser).get_attribute("data-act") == "inbrenger"  # focus goes where the fix is
    click(browser, browser.find_elements(By.CSS_SELECTOR, "#people-list .role-toggle")[1])
    assert not error.is_displayed()
    click(browser, browser.find_element(By.ID, "create"))
    wait(browser).until(EC.url_contains("/bijeenkomsten/"))
    meeting_id = browser.current_url.rstrip("/").rsplit("/", 1)[1]
    assert live_server.service.view(meeting_id)["inbrenger"] == "Bram"
    assert console_errors(browser) == []


def test_focus_stays_on_the_control_after_reordering_and_choosing(browser, live_server):
    browser.get(live_server.url + "/")
    seat(browser, ["Anna", "Bram", "Carla"])
    down = browser.find_element(By.CSS_SELECTOR, 'button[aria-label="Bram een plaats naar achteren"]')
    down.click()
    names = [li.get_attribute("data-name") for li in browser.find_elements(By.CSS_SELECTOR, "#people-list li")]
    assert names == ["Anna", "Carla", "Bram"]
    # Bram is last now: his "down" is disabled, so focus lands on his "up", never on the page body.
    assert focused(browser).get_attribute("aria-label") == "Bram een plaats naar voren"
    focused(browser).send_keys(Keys.ENTER)                      # keyboard: up again
    assert focused(browser).get_attribute("aria-label") == "Bram een plaats naar voren"
    toggle = browser.find_elements(By.CSS_SELECTOR, "#people-list .role-toggle")[0]
    toggle.send_keys(Keys.SPACE)
    assert focused(browser).get_attribute("aria-pressed") == "true"
    assert "Anna" in focused(browser).text or "Anna" in focused(browser).get_attribute("textContent")
    remove = browser.find_element(By.CSS_SELECTOR, 'button[aria-label="Anna verwijderen"]')
    remove.click()
    assert focused(browser).get_attribute("aria-label").endswith("verwijderen")


def test_no_method_is_chosen_for_you_but_the_last_one_is_offered(browser, live_server):
    browser.get(live_server.url + "/")
    browser.execute_script("localStorage.clear()")
    browser.get(live_server.url + "/")
    assert browser.find_elements(By.CSS_SELECTOR, 'input[name="method"]:checked') == []
    assert browser.find_element(By.ID, "no-method-chosen").is_displayed()
    choose(browser, "balintmethode")
    browser.get(live_server.url + "/")
    checked = browser.find_elements(By.CSS_SELECTOR, 'input[name="method"]:checked')
    assert [c.get_attribute("value") for c in checked] == ["balintmethode"]
    browser.execute_script("localStorage.clear()")


def test_search_ignores_accents(browser, live_server):
    browser.get(live_server.url + "/")
    browser.find_element(By.ID, "method-search").send_keys("bálint")
    shown = [li for li in browser.find_elements(By.CSS_SELECTOR, "#method-list li") if li.is_displayed()]
    assert shown and all("Balint" in li.text for li in shown)


def test_the_method_shows_preparation_rules_and_clock_times(browser, live_server):
    browser.get(live_server.url + "/")
    choose(browser, "balintmethode")
    detail = browser.find_element(By.CSS_SELECTOR, '.method-detail[data-method="balintmethode"]')
    assert "Voorbereiding" in detail.text and "pen en papier" in detail.text
    assert "Spelregels van deze werkvorm" in detail.text and "strak gescheiden" in detail.text
    assert "?" not in [td.text for td in detail.find_elements(By.CSS_SELECTOR, "td.minutes")]
    assert "zonder klok" in detail.text
    start = browser.find_element(By.ID, "start-time")
    browser.execute_script("arguments[0].value = '14:00'; arguments[0].dispatchEvent(new Event('input'))", start)
    times = [td.text for td in detail.find_elements(By.CSS_SELECTOR, "td.starts")]
    assert times[0] == "14:00" and all(t.startswith(("14:", "15:")) for t in times)
    assert times == sorted(times)
    shot(browser, "start-balint.png")

    click(browser, detail.find_element(By.CSS_SELECTOR, "a[data-agenda-link]"))
    wait(browser).until(EC.url_contains("/agenda"))
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Agenda: Balintmethode" in page and "van 14:00 tot" in page
    assert "Algemene spelregels voor intervisie" in page and "pen en papier" in page
    shot(browser, "agenda-print.png")
    assert console_errors(browser) == []


def test_a_post_without_a_method_says_so(browser, live_server):
    browser.get(live_server.url + "/")
    seat(browser, ["Anna", "Bram", "Carla"])
    click(browser, browser.find_elements(By.CSS_SELECTOR, "#people-list .role-toggle")[0])
    click(browser, browser.find_element(By.ID, "create"))
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".error-box"), "Kies eerst een werkvorm."))
