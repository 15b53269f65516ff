"""The pages, through the Flask test client against the real service: Start, Live, Review, list, verslag."""

from __future__ import annotations

import html
import json
import re

import pytest

from web_scenario import csrf_token
from web_scenario import PEOPLE, run_intervisie


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# -- start ---------------------------------------------------------------------

def test_start_page_lists_every_method_with_its_agenda(client, library):
    page = text(client.get("/"))
    assert "Nieuwe bijeenkomst" in page and 'lang="nl"' in page
    for method in library:
        assert f'value="{method.id}"' in page
    case_clinic = library.get("case-clinic")
    # The agenda: every step, its minutes and when it starts.
    for step in case_clinic.steps:
        assert step.title in page
    assert "10–15" in page and "60–75 min" in page and "4–5 personen" in page


def test_start_page_preselects_a_method_from_the_query(client):
    page = text(client.get("/?methode=case-clinic"))
    assert re.search(r'value="case-clinic"\s+checked', page)
    detail = re.search(r'<div class="method-detail" data-method="case-clinic"[^>]*>', page).group(0)
    assert "hidden" not in detail


def test_creating_a_meeting_from_the_form_goes_to_the_live_page(client, service, token):
    response = client.post("/", data={
        "csrf_token": token, "method": "case-clinic", "participants_text": "Anna\nBram\nCarla\nDirk",
        "inbrenger": "Bram", "procesbegeleider": "Dirk", "hulpvraag": "Hoe zeg ik nee?"})
    assert response.status_code == 302
    meeting_id = response.headers["Location"].rsplit("/", 1)[1]
    view = service.view(meeting_id)
    assert view["participants"] == ["Anna", "Bram", "Carla", "Dirk"]
    assert (view["inbrenger"], view["procesbegeleider"], view["hulpvraag"]) == ("Bram", "Dirk", "Hoe zeg ik nee?")
    assert view["status"] == "ready"


def test_the_start_page_chooses_the_method_of_each_ronde_of_the_bijeenkomst(client, service, token):
    page = client.get("/?methode=progressiegerichte-bijeenkomst").get_data(as_text=True)
    assert 'name="nested:progressiegerichte-bijeenkomst:ronde-1"' in page
    assert '<option value="cirkeltechniek-team">de cirkeltechniek in teams</option>' in page
    response = client.post("/", data={
        "csrf_token": token, "method": "progressiegerichte-bijeenkomst", "participants_text": "Anna\nBram\nCarla",
        "nested:progressiegerichte-bijeenkomst:ronde-1": "cirkeltechniek-team",
        "nested:case-clinic:ronde-1": "ignored"})
    assert response.status_code == 302
    view = service.view(response.headers["Location"].rsplit("/", 1)[1])
    assert view["steps"][1]["title"] == "Kies het onderwerp"
    # Ronde II keeps the default: seed 003's format.
    assert [s["title"] for s in view["steps"]].count("Voorbereiding") == 1


def test_participants_from_the_script_editor_keep_their_order(client, service, token):
    response = client.post("/", data={"csrf_token": token, "method": "case-clinic",
                                      "participant": ["Dirk", "Carla", "Bram", "Anna"], "inbrenger": "Anna"})
    meeting_id = response.headers["Location"].rsplit("/", 1)[1]
    assert service.view(meeting_id)["participants"] == ["Dirk", "Carla", "Bram", "Anna"]


@pytest.mark.parametrize("form, sentence", [
    ({"participants_text": "Anna", "inbrenger": "Anna"}, "minstens twee deelnemers"),
    ({"participants_text": "Anna\nBram", "inbrenger": "Zoë"}, "staat niet bij de deelnemers"),
    ({"participants_text": "Anna\nanna", "inbrenger": "Anna"}, "Namen moeten uniek zijn"),
])
def test_a_bad_setup_shows_one_dutch_sentence_and_keeps_the_input(client, service, token, form, sentence):
    response = client.post("/", data={"csrf_token": token, "method": "case-clinic", **form})
    assert response.status_code == 400
    page = text(response)
    assert sentence in page
    assert form["participants_text"].split("\n")[0] in page  # what was typed is still there
    assert service.meetings() == []


def test_an_unknown_method_on_the_form_is_a_dutch_sentence(client, token):
    response = client.post("/", data={"csrf_token": token, "method": "case-klinik",
                                      "participants_text": "Anna\nBram", "inbrenger": "Anna"})
    assert response.status_code == 400
    assert "Onbekende methode 'case-klinik'" in text(response) and "case-clinic" in text(response)


def test_start_page_offers_the_running_meeting(client, service, meeting):
    service.command(meeting, "start")
    page = text(client.get("/"))
    assert f"/bijeenkomsten/{meeting}" in page and "Ga naar de bijeenkomst" in page


# -- live ------------------------------------------------------------------------

def test_live_page_shows_step_timer_turn_and_every_control(client, service, meeting):
    service.command(meeting, "start")
    service.command(meeting, "next_step")  # verhelderen: a round of questions
    page = text(client.get(f"/bijeenkomsten/{meeting}"))
    assert "Stap 2 van 7" in page and "Verhelderen" in page
    assert re.search(r'id="countdown"[^>]*>5:00<', page)
    assert re.search(r'id="turn-who">Bram<', page) and re.search(r'id="turn-next">Carla<', page)
    assert 'id="round-number">Ronde 1<' in page
    for label, key in [("Volgende beurt", "N"), ("Ik pas", "P"), ("Volgende stap", "→"), ("Vorige stap", "←"),
                       ("Pauze", "Spatie"), ("+1 minuut", "+"), ("Herhaal", "H"), ("Tip", "T")]:
        assert re.search(re.escape(label) + r"\s*<kbd>" + re.escape(key) + "</kbd>", page), label
    assert f'data-events="/api/meetings/{meeting}/events"' in page


def test_live_page_serves_the_outcome_kinds_and_titles_to_its_scripts(client, meeting):
    """The scripts keep no copy of the outcome kinds: they read them from the page, from events.py."""
    from facilitator.events import OUTCOME_KINDS, OUTCOME_TITLES

    raw = re.search(r"data-titles='([^']*)'", client.get(f"/bijeenkomsten/{meeting}").get_data(as_text=True))
    served = json.loads(html.unescape(raw.group(1)))
    assert served["outcomes"] == [[kind, OUTCOME_TITLES[kind]] for kind in OUTCOME_KINDS]
    assert served["items"]["vraag"] == "Vragen" and served["items"]["dominant_idee"] == "Dominante ideeën"


def test_live_page_before_start_offers_start(client, meeting):
    page = text(client.get(f"/bijeenkomsten/{meeting}"))
    assert "Start de bijeenkomst" in page and "Klaar om te beginnen" in page


def test_buttons_work_without_javascript(client, service, meeting, token):
    url = f"/bijeenkomsten/{meeting}/opdracht"
    assert client.post(url, data={"csrf_token": token, "command": "start"}).status_code == 302
    client.post(url, data={"csrf_token": token, "command": "next_step"})
    client.post(url, data={"csrf_token": token, "command": "pass"})
    view = service.view(meeting)
    assert view["step"]["round"]["turn"] == "Carla" and view["step"]["round"]["passed"] == ["Bram"]
    client.post(url, data={"csrf_token": token, "command": "extend", "seconds": "60"})
    assert service.view(meeting)["step"]["planned_seconds"] == 5 * 60 + 60
    client.post(url, data={"csrf_token": token, "command": "pause"})
    assert service.view(meeting)["status"] == "paused"


def test_a_refused_command_is_flashed_in_dutch(client, meeting, token):
    response = client.post(f"/bijeenkomsten/{meeting}/opdracht", data={"csrf_token": token, "command": "pass"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert 'class="flash warning"' in text(response)


def test_an_unknown_command_from_a_form_is_a_400(client, meeting, token):
    response = client.post(f"/bijeenkomsten/{meeting}/opdracht", data={"csrf_token": token, "command": "explode"})
    assert response.status_code == 400 and "Onbekende opdracht" in text(response)


def test_the_terugkoppeling_step_shows_the_groups_previous_tips(client, service, clock):
    run_intervisie(service, clock)
    akad = service.create("akad-casuistiek", PEOPLE, "Bram")
    page = text(client.get(f"/bijeenkomsten/{akad}"))
    assert "Vorige keer" in page and "Begin met een kleine pilot met de enthousiastelingen" in page
    # And it is said: the terugkoppeling step names last time's inbrenger, the hulpvraag and the tips.
    said = service.command(akad, "start")["view"]["last_say"]
    assert ("Vorige keer bracht Anna een casus in, met de hulpvraag: Hoe krijg ik mijn team mee in de nieuwe "
            "werkwijze. Anna kreeg drie tips en ideeën: Begin met een kleine pilot met de enthousiastelingen; "
            "Vraag het team zelf om een voorstel; Plan na twee weken een evaluatie. Anna, wat heb je ermee gedaan?"
            ) in said
    # Kept with the meeting: a reload (a replay of the log) says the same.
    from facilitator.service import MeetingService

    again = MeetingService(service.store.data_dir, service.library)
    assert again.view(akad)["step"]["id"] == "terugkoppeling"
    assert again._get(akad).state.setup.previous == service._get(akad).state.setup.previous


# -- review ----------------------------------------------------------------------

@pytest.fixture
def finished(service, clock):
    return run_intervisie(service, clock)


def test_review_groups_the_transcript_by_step_with_outcomes_and_checklist(client, finished):
    page = text(client.get(f"/bijeenkomsten/{finished}/terugblik"))
    assert "Stap 2: Verhelderen" in page and "Stap 4: Adviseren" in page
    assert "Wat heb je zelf al geprobeerd" in page
    assert "Hoe krijg ik mijn team mee in de nieuwe werkwijze?" in page
    assert "Maandag een pilot voorstellen" in page and "De vragen over wat al wel werkt" in page
    assert "Tips per persoon" in page
    assert "Reflectiefase" in page and "Ik evalueer bij deelnemers achteraf het nut van de bijeenkomst" in page
    assert 'class="fill w-' in page  # the speaking-time chart


def test_review_fixes_words_speaker_and_type_of_a_line(client, service, finished, token):
    line = next(l for l in service.transcript(finished) if l["type"] == "vraag")
    url = f"/bijeenkomsten/{finished}/opdracht"
    response = client.post(url, data={"csrf_token": token, "command": "correct", "utterance": line["id"],
                                      "text": "Wat heb je zelf al geprobeerd?", "speaker": "Eva", "type": "tip",
                                      "volgende": f"/bijeenkomsten/{finished}/terugblik"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/terugblik")
    fixed = next(l for l in service.transcript(finished) if l["id"] == line["id"])
    assert (fixed["text"], fixed["speaker"], fixed["type"]) == ("Wat heb je zelf al geprobeerd?", "Eva", "tip")
    assert "Eva" in service.outcomes(finished)["tips_by_person"]


def test_review_sends_only_what_changed(client, service, finished, token):
    line = service.transcript(finished)[0]
    client.post(f"/bijeenkomsten/{finished}/opdracht", data={
        "csrf_token": token, "command": "correct", "utterance": line["id"], "text": line["text"],
        "speaker": "", "type": line["type"] or ""})
    assert not next(l for l in service.transcript(finished) if l["id"] == line["id"])["corrected"]


def test_review_rates_questions_warm_neutral_cold_and_clears(client, service, finished, token):
    question = service.outcomes(finished)["items"]["vraag"][0]
    url = f"/bijeenkomsten/{finished}/opdracht"
    client.post(url, data={"csrf_token": token, "command": "rate", "utterance": question["utterance"], "rating": "K"})
    assert service.outcomes(finished)["items"]["vraag"][0]["rating"] == "K"
    page = text(client.get(f"/bijeenkomsten/{finished}/terugblik"))
    assert 'value="-" title="koud" aria-pressed="true"' in page  # pressing it again clears it
    client.post(url, data={"csrf_token": token, "command": "rate", "utterance": question["utterance"], "rating": "-"})
    assert service.outcomes(finished)["items"]["vraag"][0]["rating"] is None


def test_review_ticks_the_reflectie_checklist(client, service, finished, token):
    url = f"/bijeenkomsten/{finished}/checklist"
    response = client.post(url, data={"csrf_token": token, "checklist": "reflectie", "index": "2", "checked": "1"})
    assert response.status_code == 302
    assert ("reflectie", 2) in service.checklist(finished)
    assert 'aria-pressed="true"' in text(client.get(f"/bijeenkomsten/{finished}/terugblik"))
    client.post(url, data={"csrf_token": token, "checklist": "reflectie", "index": "2", "checked": "0"})
    assert service.checklist(finished) == []
    assert client.post(url, data={"csrf_token": token, "checklist": "reflectie", "index": "x"}).status_code == 400


def test_the_checklist_can_be_ticked_during_the_meeting(client, service, meeting, token):
    service.command(meeting, "start")
    url = f"/bijeenkomsten/{meeting}/checklist"
    client.post(url, data={"csrf_token": token, "checklist": "reflectie", "index": "0", "checked": "1"})
    assert service.checklist(meeting) == [("reflectie", 0)]


def test_a_refused_tick_is_flashed(client, service, meeting, token):
    response = client.post(f"/bijeenkomsten/{meeting}/checklist", follow_redirects=True,
                           data={"csrf_token": token, "checklist": "reflectie", "index": "0", "checked": "1"})
    assert 'class="flash warning"' in text(response)


def test_review_sets_outcomes_including_the_hulpvraag(client, service, finished, token):
    url = f"/bijeenkomsten/{finished}/opdracht"
    client.post(url, data={"csrf_token": token, "command": "set_outcome", "kind": "doelen", "text": "IK wil rust"})
    client.post(url, data={"csrf_token": token, "command": "set_hulpvraag", "text": "Hoe bouw ik draagvlak?"})
    outcomes = service.outcomes(finished)
    assert outcomes["doelen"] == "IK wil rust" and outcomes["hulpvraag"] == "Hoe bouw ik draagvlak?"


# -- list, verslag, export, delete ---------------------------------------------------------

def test_meetings_list_shows_date_method_inbrenger_duration(client, finished):
    page = text(client.get("/bijeenkomsten"))
    assert "Progressiegerichte intervisie" in page and "Anna" in page and "afgerond" in page
    assert re.search(r"\d+ min", page)
    assert re.search(r"(ma|di|wo|do|vr|za|zo) \d+ [a-z]+ \d{4}", page)


def test_verslag_puts_outcomes_first_and_the_transcript_only_on_request(client, finished):
    page = text(client.get(f"/bijeenkomsten/{finished}/verslag"))
    assert "Hulpvraag" in page and "Begin met een kleine pilot" in page
    assert "Wat heb je zelf al geprobeerd" in page  # as an outcome (a question)
    assert "<h2>Transcript</h2>" not in page
    full = text(client.get(f"/bijeenkomsten/{finished}/verslag?transcript=1"))
    assert full.index("Hulpvraag") < full.index("<h2>Transcript</h2>")
    assert "js/report.js" in page  # the print button, without inline script


def test_exports_download_markdown_and_json(client, finished):
    md = client.get(f"/bijeenkomsten/{finished}/export.md")
    assert md.status_code == 200 and md.mimetype == "text/markdown"
    assert "attachment" in md.headers["Content-Disposition"]
    assert md.get_data(as_text=True).startswith("# Verslag")
    without = client.get(f"/bijeenkomsten/{finished}/export.md?transcript=0").get_data(as_text=True)
    assert len(without) < len(md.get_data(as_text=True))
    data = client.get(f"/bijeenkomsten/{finished}/export.json")
    assert data.mimetype == "application/json"
    assert json.loads(data.get_data(as_text=True))
    assert client.get(f"/bijeenkomsten/{finished}/export.pdf").status_code == 404


def test_delete_asks_for_confirmation_then_deletes(client, service, finished, token):
    confirm = client.get(f"/bijeenkomsten/{finished}/verwijderen")
    assert confirm.status_code == 200 and "definitief" in text(confirm)
    assert service.meetings()  # a GET deletes nothing
    response = client.post(f"/bijeenkomsten/{finished}/verwijderen", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/bijeenkomsten")
    assert service.meetings() == []
    assert client.get(f"/bijeenkomsten/{finished}").status_code == 404


# -- 404s ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/bijeenkomsten/0123456789ab", "/bijeenkomsten/0123456789ab/terugblik", "/bijeenkomsten/0123456789ab/verslag",
    "/bijeenkomsten/0123456789ab/export.md", "/bijeenkomsten/0123456789ab/verwijderen",
    "/bijeenkomsten/..%2F..%2Fetc", "/bestaat-niet",
])
def test_unknown_pages_and_meetings_are_dutch_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = text(response)
    assert "Niet gevonden" in page and 'lang="nl"' in page


def test_unknown_meeting_on_a_post_is_a_404(client, token):
    response = client.post("/bijeenkomsten/0123456789ab/opdracht", data={"csrf_token": token, "command": "start"})
    assert response.status_code == 404


def test_post_only_routes_refuse_get(client, meeting):
    assert client.get(f"/bijeenkomsten/{meeting}/opdracht").status_code == 405
    assert client.get(f"/bijeenkomsten/{meeting}/checklist").status_code == 405


def test_no_page_changes_state_on_get(client, service, finished, meeting):
    before = (service.meetings(), service.view(meeting), service.transcript(finished), service.checklist(finished))
    for path in ["/", "/bijeenkomsten", f"/bijeenkomsten/{meeting}", f"/bijeenkomsten/{finished}/terugblik",
                 f"/bijeenkomsten/{finished}/verslag?transcript=1", f"/bijeenkomsten/{finished}/export.md",
                 f"/bijeenkomsten/{finished}/export.json", f"/bijeenkomsten/{finished}/verwijderen",
                 f"/bijeenkomsten/{meeting}/opdracht?command=start", "/apparaten", "/koppelen",
                 f"/api/meetings/{meeting}", "/api/meetings", "/api/methods"]:
        client.get(path)
    after = (service.meetings(), service.view(meeting), service.transcript(finished), service.checklist(finished))
    assert _without_clock(after) == _without_clock(before)


def _without_clock(value):
    text_form = json.dumps(value, sort_keys=True, default=str)
    return re.sub(r'"(elapsed_seconds|remaining_seconds|over_seconds|duration_seconds|active_seconds)": [-\d.]+',
                  "", text_form)


def test_csrf_token_meta_and_static_assets(client):
    page = text(client.get("/"))
    assert csrf_token(client)
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        assert client.get(asset).status_code == 200, asset


def test_live_page_shows_the_engines_notices(client, service):
    crowded = service.create("case-clinic", ["Anna", "Bram", "Carla", "Dirk", "Eva", "Finn"], "Anna")
    page = text(client.get(f"/bijeenkomsten/{crowded}"))
    assert re.search(r'<ul class="notices" id="notices" aria-label="Meldingen" >', page)
    assert "werkt het best met 4 tot 5 mensen" in page
