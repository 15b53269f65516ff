"""The Terugblik and the verslag in a real headless Chromium: time per step against the plan, the clock
times, transcript times from Start, speaking time from turns or one sentence, "overgeslagen", the
reflectie's two columns; printed to PDF, A4 with no heading left alone at a page's foot; axe-core clean."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402

from browser_kit import ARTIFACTS, shot, wait  # noqa: E402,F401
from test_browser_a11y import axe_violations  # noqa: E402
from verslag_scenario import run_by_buttons, run_without_any_turn  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]


def _open(driver, url: str) -> None:
    driver.get(url)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _rows(driver) -> list[list[str]]:
    return [[cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
            for row in driver.find_elements(By.CSS_SELECTOR, "table.step-times tbody tr")]


@pytest.mark.parametrize("page", ["terugblik", "verslag?transcript=1"])
def test_review_and_verslag_show_time_per_step_clock_times_and_turn_based_speaking(browser, live_server, page):
    mid = run_by_buttons(live_server.service, live_server.clock)
    _open(browser, f"{live_server.url}/bijeenkomsten/{mid}/{page}")
    rows = _rows(browser)
    assert rows[0] == ["14:10", "Presenteren", "3:00", "3:20", "0:20 over tijd"]
    assert rows[1] == ["14:13", "Verhelderen", "5:00", "3:10", "1:50 korter dan gepland"]
    assert rows[2] == ["14:16", "Waarderen", "3:00", "0:15", "overgeslagen"]
    assert rows[3] == ["14:16", "Adviseren", "6:00 (+1:00)", "7:00", "1:00 over tijd"]
    assert rows[4] == ["–", "Afsluiten", "2:00", "–", "niet aan toegekomen"]
    over = browser.find_elements(By.CSS_SELECTOR, "table.step-times tr.over td.verdict")
    assert [cell.text for cell in over] == ["0:20 over tijd", "1:00 over tijd"]
    assert over[0].value_of_css_property("color") == "rgba(179, 38, 30, 1)"  # the "over" red, not the body ink
    assert browser.find_element(By.CSS_SELECTOR, ".clock-times").text == "14:10–14:23"
    times = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".line .time")]
    assert times == ["0:20"]                                        # from Start, not from creating it at 14:00
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".bars .name")]
    assert names == ["Bram", "Carla", "Dirk", "Eva"]                # who held turns; no empty bar for Anna
    assert "Op basis van beurten" in browser.find_element(By.CSS_SELECTOR, ".speaking-basis").text
    shot(browser, f"tijd-{page.split('?')[0]}.png")


def test_the_verslag_shows_the_reflectie_in_its_two_columns_with_the_line(browser, live_server):
    mid = run_by_buttons(live_server.service, live_server.clock)
    _open(browser, f"{live_server.url}/bijeenkomsten/{mid}/verslag")
    table = browser.find_element(By.CSS_SELECTOR, ".reflectie-table")
    heads = [th.get_attribute("textContent") for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    assert heads[1:] == ["Doe ik al", "Wil ik meer gaan doen", "Eigen gedachte"]
    rows = [[td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")]
            for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert rows[0][1:] == ["✓", "", ""] and rows[1][1:] == ["", "✓", "Vaker de tijd bewaken"]
    assert len(rows) == 4


@pytest.mark.parametrize("page", ["terugblik", "verslag"])
def test_no_speaking_time_at_all_shows_one_sentence_and_no_bars(browser, live_server, page):
    mid = run_without_any_turn(live_server.service, live_server.clock)
    _open(browser, f"{live_server.url}/bijeenkomsten/{mid}/{page}")
    assert browser.find_elements(By.CSS_SELECTOR, ".bars li") == []
    assert browser.find_element(By.CSS_SELECTOR, ".no-speaking").text == (
        "Er is geen spreektijd gemeten: er was geen spraakherkenning en er zijn geen beurten gegeven.")


def _long_meeting(service, clock, notes: int) -> str:
    """A verslag of several pages: a meeting with many typed notes in every step."""
    mid = run_by_buttons(service, clock)
    service.command(mid, "reopen")
    service.command(mid, "resume")
    for step in range(3):
        for i in range(notes):
            clock.advance(7)
            service.command(mid, "note", text=f"Stap {step + 5}, punt {i + 1}: wat de groep hier afsprak over de "
                                              f"planning, de taakverdeling en wie wat voor de volgende keer doet.")
        service.command(mid, "next_step")
    service.command(mid, "finish")
    return mid


def _pdf(driver, url: str, path) -> str:
    _open(driver, url)
    data = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    path.write_bytes(base64.b64decode(data["data"]))
    return path


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext, pdfinfo) is not installed")
def test_the_printed_verslag_is_a4_and_no_page_ends_with_a_heading(browser, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    checked = 0
    for notes in (9, 11, 13, 15, 17, 19):  # headings land at other places on the page each time
        mid = _long_meeting(live_server.service, live_server.clock, notes)
        url = f"{live_server.url}/bijeenkomsten/{mid}/verslag?transcript=1"
        pdf = _pdf(browser, url, ARTIFACTS / f"verslag-{notes}.pdf")
        headings = {h.text.strip() for h in browser.find_elements(By.CSS_SELECTOR, "main h1, main h2, main h3")}
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        size = next(line for line in info.splitlines() if line.startswith("Page size:"))
        width, height = (float(n) for n in re.findall(r"[\d.]+", size)[:2])
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1, size  # A4 in points, not US Letter (612 x 792)
        pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout.split("\f")
        pages = [p for p in pages if p.strip()]
        assert len(pages) >= 2
        for number, text in enumerate(pages[:-1], start=1):
            last = [line.strip() for line in text.splitlines() if line.strip()][-1]
            assert last not in headings, f"{notes} notes: page {number} ends with the heading '{last}'"
        checked += len(pages) - 1
    assert checked >= 12


def test_review_and_verslag_have_no_serious_or_critical_axe_violations(browser, live_server):
    with_turns = run_by_buttons(live_server.service, live_server.clock)
    without = run_without_any_turn(live_server.service, live_server.clock)
    found = {}
    for mid in (with_turns, without):
        for page in ("terugblik", "verslag", "verslag?transcript=1"):
            _open(browser, f"{live_server.url}/bijeenkomsten/{mid}/{page}")
            problems = axe_violations(browser)
            if problems:
                found[f"{mid}/{page}"] = problems
    assert not found, "\n".join(f"{page}: {line}" for page, lines in found.items() for line in lines)


def test_the_reflectie_is_filled_in_on_the_terugblik_in_two_columns_with_a_line(browser, live_server):
    from selenium.webdriver.common.keys import Keys
    from web_scenario import run_intervisie

    mid = run_intervisie(live_server.service, live_server.clock)
    _open(browser, f"{live_server.url}/bijeenkomsten/{mid}/terugblik")
    point = browser.find_elements(By.CSS_SELECTOR, "#checklist li")[2]
    point.find_element(By.CSS_SELECTOR, "button[data-column='wil_ik_meer']").click()
    # The form posts and the page comes back: read it in one script call, never from a stale element.
    pressed = "#checklist li:nth-child(3) button[data-column='wil_ik_meer'][aria-pressed='true']"
    wait(browser).until(lambda d: d.execute_script(f"return !!document.querySelector(\"{pressed}\")"))
    field = browser.find_element(By.ID, "gedachte-2")
    field.send_keys("Na elke ronde even terugkijken", Keys.ENTER)
    wait(browser).until(lambda d: d.execute_script(
        "var f = document.getElementById('gedachte-2'); return f && f.defaultValue") == "Na elke ronde even terugkijken")
    point = browser.find_elements(By.CSS_SELECTOR, "#checklist li")[2]
    assert point.find_element(By.CSS_SELECTOR, "button[data-column='doe_ik_al']").get_attribute("aria-pressed") == "false"

    _open(browser, f"{live_server.url}/bijeenkomsten/{mid}/verslag")
    row = browser.find_elements(By.CSS_SELECTOR, ".reflectie-table tbody tr")[2]
    assert [td.text for td in row.find_elements(By.CSS_SELECTOR, "td")][1:] == [
        "", "✓", "Na elke ronde even terugkijken"]
    md = live_server.service.export(mid, "md")
    assert "|  | x | Na elke ronde even terugkijken |" in md
