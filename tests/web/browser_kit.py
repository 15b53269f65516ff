"""What the browser tests share: waits, clicks, screenshots, console errors.

The `browser` and `clean_page` fixtures (one headless Chromium per module) live in tests/web/conftest.py."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def wait(driver, timeout: float = 10) -> WebDriverWait:
    return WebDriverWait(driver, timeout, poll_frequency=0.1)


def text_of(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def click(driver, element) -> None:
    """Click like a person who scrolled it into view: centred, clear of the fixed control bar."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def shot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


def console_errors(driver) -> list[str]:
    """Errors in the page's console, e.g. a Content-Security-Policy violation."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def open_live(driver, url: str, meeting_id: str) -> None:
    driver.get(f"{url}/bijeenkomsten/{meeting_id}")
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "connection"), "live"))


def key(driver, k) -> None:
    """A key pressed on the page (not in a field): the meeting's own keys."""
    driver.find_element(By.TAG_NAME, "body").send_keys(k)


def shows(element_id: str, text: str):
    """The element's own text contains `text` (textContent: the CSS may show it in capitals)."""
    return lambda d: text in d.find_element(By.ID, element_id).get_attribute("textContent")


def focused(driver):
    return driver.switch_to.active_element


def seat(driver, names) -> None:
    field = driver.find_element(By.ID, "new-person")
    for person in names:
        field.send_keys(person, "\n")


def viewport(driver, width: int, height: int) -> None:
    """The page's own size, exactly (a window size includes the browser's frame)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def reset_viewport(driver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def settled_colour(driver, element_id: str, prop: str = "color") -> str:
    """The element's colour once its transition has run (two reads 150 ms apart agree)."""
    script = ("var e = document.getElementById(arguments[0]), prop = arguments[1], done = arguments[2], last = null;"
              "function look() { var c = getComputedStyle(e)[prop];"
              "  if (c === last) { done(c); } else { last = c; setTimeout(look, 150); } }"
              "look();")
    return driver.execute_async_script(script, element_id, prop)
