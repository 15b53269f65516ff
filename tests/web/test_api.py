"""The JSON API: meetings, commands, reading, the bearer token for scripts and every kind of bad body."""

from __future__ import annotations

import json
import threading

import pytest

from web_scenario import api_headers
from facilitator.events import COMMAND_KINDS
from web_scenario import PEOPLE, run_intervisie

NEW = {"method": "progressiegerichte-intervisie", "participants": PEOPLE, "inbrenger": "Anna"}


@pytest.fixture
def auth(app):
    return api_headers(app)


def test_create_answers_201_with_the_id(client, service, auth):
    response = client.post("/api/meetings", json={**NEW, "procesbegeleider": "Eva", "hulpvraag": "Hoe?"}, headers=auth)
    assert response.status_code == 201
    meeting_id = response.json["id"]
    assert response.headers["Location"] == f"/api/meetings/{meeting_id}"
    view = service.view(meeting_id)
    assert view["procesbegeleider"] == "Eva" and view["hulpvraag"] == "Hoe?" and view["participants"] == PEOPLE


def test_create_with_the_browsers_csrf_token_instead_of_the_api_token(client, token):
    response = client.post("/api/meetings", json=NEW, headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_create_a_bijeenkomst_with_the_method_of_each_ronde(client, service, auth):
    body = {"method": "progressiegerichte-bijeenkomst", "participants": PEOPLE,
            "nested": {"ronde-1": "cirkeltechniek-team", "ronde-2": "progressiegerichte-intervisie"}}
    response = client.post("/api/meetings", json=body, headers=auth)
    assert response.status_code == 201
    steps = service.view(response.json["id"])["steps"]
    assert steps[1]["title"] == "Kies het onderwerp" and steps[1]["ronde"] == "Eerste ronde"
    assert [s["title"] for s in steps].count("Pauze") == 1 and steps[-1]["title"] == "Afronding"
    response = client.post("/api/meetings", json={**body, "nested": "case-clinic"}, headers=auth)
    assert response.status_code == 400 and "kies uit" in response.json["error"]
    response = client.post("/api/meetings", json={**body, "nested": 5}, headers=auth)
    assert response.status_code == 400


def test_create_with_engine_options(client, service, auth):
    response = client.post("/api/meetings", json={**NEW, "options": {"auto_advance": True}}, headers=auth)
    assert response.status_code == 201
    response = client.post("/api/meetings", json={**NEW, "options": {"bogus": 1}}, headers=auth)
    assert response.status_code == 400 and "Onbekende optie" in response.json["error"]


@pytest.mark.parametrize("body, status, fragment", [
    ({**NEW, "method": "case-klinik"}, 404, "Onbekende methode"),
    ({**NEW, "inbrenger": "Zoë"}, 400, "staat niet bij de deelnemers"),
    ({**NEW, "participants": ["Anna"]}, 400, "minstens twee"),
    ({**NEW, "participants": "Anna, Bram"}, 400, "lijst met namen"),
    ({**NEW, "participants": ["Anna", 3]}, 400, "lijst met namen"),
    ({k: v for k, v in NEW.items() if k != "method"}, 400, "'method' ontbreekt"),
    # Only methods that choose their inbrenger in the meeting may start without one.
    ({"method": "case-clinic", "participants": NEW["participants"]}, 400, "Zeg wie de casus inbrengt"),
    ({**NEW, "inbrenger": ["Anna"]}, 400, "moet tekst zijn"),
    ({**NEW, "options": []}, 400, "'options'"),
])
def test_create_refuses_bad_setups_with_a_json_error(client, auth, body, status, fragment):
    response = client.post("/api/meetings", json=body, headers=auth)
    assert response.status_code == status
    assert response.is_json and fragment in response.json["error"]


@pytest.mark.parametrize("data", [b"{not json", b"", b"[1, 2]", b"\"tekst\"", b"\xff\xfe", b"null"])
def test_malformed_bodies_are_400_json(client, auth, meeting, data):
    for url in ("/api/meetings", f"/api/meetings/{meeting}/commands"):
        response = client.post(url, data=data, headers={**auth, "Content-Type": "application/json"})
        assert response.status_code == 400, (url, data)
        assert response.is_json and response.json["error"] == "Verwacht een JSON-object in de body."


def test_oversized_bodies_are_refused_with_json(client, auth, app, meeting):
    big = json.dumps({"command": "note", "text": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    for url in ("/api/meetings", f"/api/meetings/{meeting}/commands"):
        response = client.post(url, data=big, headers={**auth, "Content-Type": "application/json"})
        assert response.status_code == 413 and response.is_json and response.json["error"]


def test_an_oversized_form_is_refused_too(client, token, meeting):
    response = client.post(f"/bijeenkomsten/{meeting}/opdracht",
                           data={"csrf_token": token, "command": "note", "text": "x" * 300_000})
    assert response.status_code == 413 and "Te groot" in response.get_data(as_text=True)


def test_commands_drive_the_meeting_and_answer_with_the_view(client, service, meeting, auth):
    url = f"/api/meetings/{meeting}/commands"
    assert client.post(url, json={"command": "start"}, headers=auth).json["ok"]
    client.post(url, json={"command": "next_step"}, headers=auth)
    response = client.post(url, json={"command": "pass"}, headers=auth)
    assert response.status_code == 200
    body = response.json
    assert body["ok"] and body["reason"] is None
    assert body["view"]["step"]["round"]["turn"] == "Carla" and body["view"]["step"]["round"]["passed"] == ["Bram"]
    body = client.post(url, json={"command": "extend", "seconds": 120}, headers=auth).json
    assert body["view"]["step"]["planned_seconds"] == 5 * 60 + 120
    client.post(url, json={"command": "set_outcome", "kind": "volgende_stap", "text": "Bellen"}, headers=auth)
    assert service.outcomes(meeting)["volgende_stap"] == "Bellen"
    client.post(url, json={"command": "note", "text": "Koffie"}, headers=auth)
    assert service.outcomes(meeting)["notes"] == ["Koffie"]


def test_commands_from_a_script_are_marked_as_api(client, service, meeting, auth, token):
    client.post(f"/api/meetings/{meeting}/commands", json={"command": "start"}, headers=auth)
    events = service.store.events(meeting)
    assert events[-1].event.source == "api"
    client.post(f"/api/meetings/{meeting}/commands", json={"command": "pause", "source": "keyboard"},
                headers={"X-CSRFToken": token})
    assert service.store.events(meeting)[-1].event.source == "keyboard"


def test_a_refused_command_is_409_with_the_reason(client, meeting, auth):
    response = client.post(f"/api/meetings/{meeting}/commands", json={"command": "pass"}, headers=auth)
    assert response.status_code == 409
    assert response.json["ok"] is False and response.json["reason"] == "De bijeenkomst is nog niet begonnen."
    assert response.json["view"]["status"] == "ready"


@pytest.mark.parametrize("body, fragment", [
    ({"command": "explode"}, "Onbekende opdracht"),
    ({}, "'command' ontbreekt"),
    ({"command": 3}, "'command' ontbreekt"),
    ({"command": "start", "by": 7}, "'by'"),
])
def test_bad_commands_are_400(client, meeting, auth, body, fragment):
    response = client.post(f"/api/meetings/{meeting}/commands", json=body, headers=auth)
    assert response.status_code == 400 and fragment in response.json["error"]


def test_every_command_kind_is_accepted_by_the_api(client, meeting, auth):
    for kind in COMMAND_KINDS:
        response = client.post(f"/api/meetings/{meeting}/commands", json={"command": kind}, headers=auth)
        body = response.json
        # Never a 400: the API knows every kind; the engine accepts it (200) or says why not (409).
        assert response.status_code == (200 if body["ok"] else 409), kind
        assert body["ok"] or (body["reason"] and body["reason"].endswith((".", "?", "!"))), (kind, body)


def test_reading_state_transcript_outcomes_and_export(client, service, clock, auth):
    meeting = run_intervisie(service, clock)
    state = client.get(f"/api/meetings/{meeting}").json
    assert state["id"] == meeting and state["status"] == "finished"
    transcript = client.get(f"/api/meetings/{meeting}/transcript").json
    assert any(line["text"] == "Wat heb je zelf al geprobeerd" for line in transcript)
    outcomes = client.get(f"/api/meetings/{meeting}/outcomes").json
    assert outcomes["hulpvraag"] == "Hoe krijg ik mijn team mee in de nieuwe werkwijze?"
    assert len(outcomes["items"]["tip"]) == 3
    md = client.get(f"/api/meetings/{meeting}/export?format=md&transcript=0")
    assert md.mimetype == "text/markdown" and "# Verslag" in md.get_data(as_text=True)
    assert client.get(f"/api/meetings/{meeting}/export?format=json").is_json
    assert client.get(f"/api/meetings/{meeting}/export?format=docx").status_code == 400
    listing = client.get("/api/meetings").json
    assert [row["id"] for row in listing] == [meeting]


def test_methods_and_one_method(client, library):
    methods = client.get("/api/methods").json
    assert {m["id"] for m in methods} == set(library.methods)
    case_clinic = client.get("/api/methods/case-clinic").json
    assert case_clinic["group_size"] == [4, 5]
    assert [row["title"] for row in case_clinic["agenda"]][:2] == ["Verdeel de rollen", "De intentie van de inbrenger van de casus"]
    assert case_clinic["agenda"][1]["starts_at"] == 2
    missing = client.get("/api/methods/case-klinik")
    assert missing.status_code == 404 and "case-clinic" in missing.json["error"]


def test_previous_meeting_of_a_group(client, service, clock):
    assert client.get("/api/previous").json is None
    assert client.get("/api/previous?participant=Anna&participant=Bram").json is None
    done = run_intervisie(service, clock)
    previous = client.get("/api/previous?" + "&".join(f"participant={p}" for p in PEOPLE)).json
    assert previous["id"] == done and len(sum(previous["tips_by_person"].values(), [])) == 3


def test_delete_through_the_api(client, service, meeting, auth):
    assert client.delete(f"/api/meetings/{meeting}", headers=auth).status_code == 204
    assert client.get(f"/api/meetings/{meeting}").status_code == 404


@pytest.mark.parametrize("method, path", [
    ("get", "/api/meetings/0123456789ab"), ("get", "/api/meetings/0123456789ab/transcript"),
    ("get", "/api/meetings/0123456789ab/outcomes"), ("get", "/api/meetings/0123456789ab/export"),
    ("get", "/api/meetings/0123456789ab/events"), ("delete", "/api/meetings/0123456789ab"),
    ("post", "/api/meetings/0123456789ab/commands"), ("get", "/api/meetings/bad$id"),
    ("get", "/api/niets"),
])
def test_unknown_ids_are_json_404s_in_dutch(client, auth, method, path):
    kwargs = {"json": {"command": "start"}} if method == "post" else {}
    response = getattr(client, method)(path, headers=auth, **kwargs)
    assert response.status_code == 404 and response.is_json
    assert response.json["error"] in ("Deze bijeenkomst bestaat niet (meer).",
                                      "Deze pagina of bijeenkomst bestaat niet (meer).")


def test_checklist_through_the_api(client, service, meeting, auth):
    service.command(meeting, "start")
    url = f"/api/meetings/{meeting}/checklist"
    assert client.post(url, json={"checklist": "reflectie", "index": 1, "checked": True}, headers=auth).json["ok"]
    assert service.checklist(meeting) == [("reflectie", 1)]
    assert client.post(url, json={"checklist": "reflectie", "index": "1", "checked": True},
                       headers=auth).status_code == 400


# -- the API token --------------------------------------------------------------

def test_the_api_token_skips_csrf_but_a_wrong_token_is_401(client, meeting, app):
    url = f"/api/meetings/{meeting}/commands"
    assert client.post(url, json={"command": "start"}, headers=api_headers(app)).status_code == 200
    for header in ("Bearer wrong", "Bearer ", "Basic abc", app.config["API_TOKEN"]):
        response = client.post(url, json={"command": "pause"}, headers={"Authorization": header})
        assert response.status_code == 401 and response.is_json, header
        # A wrong token never falls back to the browser's rules, not even for reading.
        assert client.get(f"/api/meetings/{meeting}", headers={"Authorization": header}).status_code == 401


def test_without_token_or_csrf_a_post_is_refused(client, meeting):
    response = client.post(f"/api/meetings/{meeting}/commands", json={"command": "start"})
    assert response.status_code == 400 and response.is_json
    assert "beveiligingscode" in response.json["error"]


def test_pairing_code_endpoint_is_for_the_host(client, lan_client, lan_app):
    assert client.get("/api/pairing").json == {"code": None, "spoken": None, "needed": False}
    host = lan_client.get("/api/pairing", base_url="http://laptop.local").json
    assert host["needed"] and host["code"] == lan_app.extensions["facilitator_pairing"].code


def test_two_screens_pressing_next_turn_at_once_move_one_turn(app, service, auth):
    meeting = service.create("case-clinic", ["Anna", "Ben", "Carla", "Dirk", "Eva"], "Anna")
    service.command(meeting, "start")
    for _ in range(3):
        service.command(meeting, "next_step")  # spiegelen: a round
    shown = service.view(meeting)["step"]["round"]
    assert shown["turn"] == "Ben"
    barrier = threading.Barrier(2)
    answers = []

    def press():
        client = app.test_client()  # one per screen
        barrier.wait()
        answers.append(client.post(f"/api/meetings/{meeting}/commands", headers=auth,
                                   json={"command": "next_turn", "expect_turn": shown["turn_id"]}))

    screens = [threading.Thread(target=press) for _ in range(2)]
    for s in screens:
        s.start()
    for s in screens:
        s.join(30)
    assert sorted(a.status_code for a in answers) == [200, 409]
    late = next(a for a in answers if a.status_code == 409).json
    assert late["reason"] == "Die beurt is al doorgegeven."
    assert service.view(meeting)["step"]["round"]["turn"] == "Carla"
    # Without naming the turn, a second press is a second turn (a script that means it).
    assert client_press(app, auth, meeting)["ok"] and service.view(meeting)["step"]["round"]["turn"] == "Dirk"


def client_press(app, auth, meeting):
    return app.test_client().post(f"/api/meetings/{meeting}/commands", headers=auth, json={"command": "next_turn"}).json
