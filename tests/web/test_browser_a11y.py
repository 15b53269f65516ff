"""Accessibility in a real headless Chromium: axe-core (vendored, tests/web/fixtures/axe-core) in every page,
0 serious or critical violations; contrast of text and the focus ring; a skip link."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from browser_kit import focused, open_live, wait  # noqa: E402,F401
from web_scenario import run_intervisie  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("clean_page")]

AXE = (Path(__file__).parent / "fixtures" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
PEOPLE = ["Anna", "Bram", "Carla", "Dirk", "Eva"]


def axe_violations(driver) -> list[str]:
    """Serious and critical violations of WCAG 2.0–2.2 A and AA, one line each."""
    driver.execute_script(AXE)
    result = driver.execute_async_script(
        "var done = arguments[0];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},"
        "                   resultTypes: ['violations']})"
        "  .then(function (r) { done(r.violations); }, function (e) { done([{id: 'axe-error', impact: 'critical',"
        "     help: String(e), nodes: []}]); });")
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] if isinstance(n["target"][0], str)
            else str(n["target"]) for n in v["nodes"][:4])
            for v in result if v["impact"] in ("serious", "critical")]


def pages(live_server):
    """Every page a user meets, in the states that look different."""
    service, clock = live_server.service, live_server.clock
    done = run_intervisie(service, clock)
    ready = service.create("case-clinic", PEOPLE, "Anna")
    running = service.create("case-clinic", PEOPLE, "Anna")
    service.command(running, "start")
    for _ in range(3):
        service.command(running, "next_step")                  # Spiegelen: a round
    silent = service.create("case-clinic", PEOPLE, "Anna")
    service.command(silent, "start")
    service.command(silent, "next_step")
    service.command(silent, "next_step")                       # Stilte
    choosing = service.create("balintmethode", PEOPLE, None)      # the names as buttons
    service.command(choosing, "start")
    while not service.view(choosing)["choosing_inbrenger"]:
        service.command(choosing, "next_step")
    asking = service.create("progressiegerichte-bijeenkomst", PEOPLE, "Anna")   # ja / nee
    service.command(asking, "start")
    for _ in range(3):
        service.command(asking, "next_step")
    rating = service.create("tienstappenmethode", PEOPLE, "Anna")  # warm / neutraal / koud
    service.command(rating, "start")
    service.command(rating, "next_step")
    service.command(rating, "note", text="Wat heb je al geprobeerd?", for_turn=True)
    service.command(rating, "next_step")
    service.set_notice("voice-mic", "Geen microfoon: `sounddevice` vindt geen invoerapparaat.")
    return {
        "start": "/",
        "start-methode": "/?methode=balintmethode",
        "agenda": "/werkvormen/case-clinic/agenda?begin=14:00",
        "bijeenkomsten": "/bijeenkomsten",
        "live-klaar": f"/bijeenkomsten/{ready}",
        "live-ronde": f"/bijeenkomsten/{running}",
        "live-stilte": f"/bijeenkomsten/{silent}",
        "live-afgerond": f"/bijeenkomsten/{done}",
        "live-kiezen": f"/bijeenkomsten/{choosing}",
        "live-ja-nee": f"/bijeenkomsten/{asking}",
        "live-waarderen": f"/bijeenkomsten/{rating}",
        "zaal-ronde": f"/bijeenkomsten/{running}/zaal",
        "zaal-stilte": f"/bijeenkomsten/{silent}/zaal",
        "terugblik": f"/bijeenkomsten/{done}/terugblik",
        "verslag": f"/bijeenkomsten/{done}/verslag?transcript=1",
        "verwijderen": f"/bijeenkomsten/{done}/verwijderen",
        "niet-gevonden": "/bijeenkomsten/bestaat-niet",
    }


def test_every_page_has_no_serious_or_critical_axe_violations(browser, live_server):
    found = {}
    for name, path in pages(live_server).items():
        browser.get(live_server.url + path)
        wait(browser).until(lambda d: d.execute_script("return document.readyState") == "complete")
        if "/bijeenkomsten/" in path and path.count("/") == 2 and "bestaat" not in path:
            wait(browser).until(lambda d: d.find_element(By.ID, "connection").text == "live")
            # The page has drawn the server's state (the choices appear only then).
            wait(browser).until(lambda d: d.execute_script("return !!window.Facilitator.live.view()"))
        if name == "live-waarderen":
            wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#rating-list button"))
        problems = axe_violations(browser)
        if problems:
            found[name] = problems
    assert not found, "\n".join(f"{page}: {line}" for page, lines in found.items() for line in lines)


def test_the_skip_link_is_first_and_moves_focus_to_the_content(browser, live_server):
    browser.get(live_server.url + "/")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    link = focused(browser)
    assert link.text == "Naar de inhoud" and link.is_displayed()
    link.send_keys(Keys.ENTER)
    assert focused(browser).get_attribute("id") == "inhoud"


def contrast(driver, css: str, colour_of: str = "color") -> float:
    """The contrast ratio of an element's colour (or outline colour) against the background behind it."""
    return driver.execute_script("""
        function rgb(s) { var m = s.match(/[\\d.]+/g).map(Number); return m; }
        function lum(c) { var v = c.slice(0, 3).map(function (x) { x /= 255;
            return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
            return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
        function background(e) { while (e) { var c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length < 4 || c[3] > 0) { return c; } e = e.parentElement; } return [255, 255, 255]; }
        var e = document.querySelector(arguments[0]);
        var fg = rgb(getComputedStyle(e)[arguments[1]]);
        var bg = arguments[1] === 'color' ? background(e) : background(e.parentElement);
        var a = lum(fg), b = lum(bg);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);""", css, colour_of)


def test_the_focus_ring_and_faint_text_have_enough_contrast(browser, live_server):
    service = live_server.service
    meeting_id = service.create("case-clinic", PEOPLE, "Anna")
    service.command(meeting_id, "start")
    open_live(browser, live_server.url, meeting_id)
    button = browser.find_element(By.CSS_SELECTOR, 'button[data-command="pass"]')
    browser.execute_script("arguments[0].focus()", button)
    browser.find_element(By.TAG_NAME, "body")  # keyboard focus: the ring shows on :focus-visible
    button.send_keys(Keys.SHIFT)               # a key press makes the focus "visible"
    assert contrast(browser, 'button[data-command="pass"]', "outlineColor") >= 3.0
    for css in ("#connection", ".steps .m", "kbd"):
        assert contrast(browser, css) >= 4.5, css
