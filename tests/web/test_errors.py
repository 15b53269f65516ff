"""Every failure a user can meet is a UserError; the web answers it with its status, code and sentence."""

from __future__ import annotations

import pytest

from web_scenario import PEOPLE, api_headers

NEW = {"method": "progressiegerichte-intervisie", "participants": PEOPLE, "inbrenger": "Anna"}


@pytest.fixture
def auth(app):
    return api_headers(app)


@pytest.mark.parametrize("method, path, body, status, code, fragment", [
    ("get", "/api/meetings/onbekend1/transcript", None, 404, "unknown_meeting", "bestaat niet"),
    ("delete", "/api/meetings/onbekend1", None, 404, "unknown_meeting", "bestaat niet"),
    ("post", "/api/meetings/onbekend1/commands", {"command": "pass"}, 404, "unknown_meeting", "bestaat niet"),
    ("post", "/api/meetings", {**NEW, "inbrenger": "Zoë"}, 400, "setup_invalid", "staat niet bij de deelnemers"),
    ("post", "/api/meetings", {**NEW, "method": "case-klinik"}, 404, "unknown_method", "Onbekende methode"),
])
def test_a_user_error_is_json_with_status_code_and_one_dutch_sentence(client, auth, method, path, body,
                                                                      status, code, fragment):
    response = getattr(client, method)(path, json=body, headers=auth)
    assert response.status_code == status
    data = response.json
    assert set(data) == {"error", "code", "status"}
    assert (data["code"], data["status"]) == (code, status) and fragment in data["error"]
    assert "facilitator meetings list" not in data["error"] and "\n" not in data["error"]


def test_a_refused_command_is_409_with_the_engines_reason_not_an_error(client, auth, meeting):
    response = client.post(f"/api/meetings/{meeting}/commands", json={"command": "pass"}, headers=auth)
    assert response.status_code == 409
    assert response.json["ok"] is False and response.json["reason"] == "De bijeenkomst is nog niet begonnen."


def test_a_page_for_an_unknown_meeting_is_the_calm_dutch_page(client):
    response = client.get("/bijeenkomsten/onbekend1", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "bestaat niet" in response.get_data(as_text=True)
