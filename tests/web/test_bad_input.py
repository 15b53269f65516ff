"""Bad input at the API's edge: typed-wrong options, lone surrogates, deep nesting, huge lists, odd numbers.

Each answers 400 with a stable code and a Dutch sentence, leaves no meeting behind, and changes
nothing for the other meetings or the clock. The last tests throw Hypothesis-made JSON at the API.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.engine import Options
from web_scenario import api_headers

NEW = {"method": "case-clinic", "participants": ["A", "B", "C"], "inbrenger": "A"}


@pytest.fixture
def auth(app):
    return api_headers(app)


def post(client, auth, path, body):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(path, data=data, headers={**auth, "Content-Type": "application/json"})


def assert_refused(response, code=None, status=None):
    """A refusal with a clear Dutch sentence; where the test knows which refusal it is, that one exactly
    (the fuzz tests below accept any client error: their point is that nothing crashes)."""
    if status is not None:
        assert response.status_code == status, (response.status_code, response.data[:300])
    assert response.status_code in (400, 404, 409, 413, 422), (response.status_code, response.data[:300])
    body = response.get_json()
    if response.status_code == 409 and body and body.get("ok") is False:  # the engine said no, in Dutch
        body = {**body, "error": body["reason"]}
    assert body and body["error"] and "Traceback" not in body["error"] and "<" not in body["error"], body
    if code:
        assert body.get("code") == code, body


def everything_answers(client, auth):
    for path in ("/", "/api/meetings", "/api/previous?participant=A", "/bijeenkomsten"):
        assert client.get(path, headers=auth).status_code == 200, path


@pytest.mark.parametrize("options", [
    {"warning_seconds": "60"},
    {"auto_advance": True, "turn_seconds": "5"},
    {"auto_advance": "ja"},
    {"warning_seconds": 10 ** 12},
    {"turn_seconds": -1},
    {"step_commands_by": "iedereen"},
])
def test_typed_wrong_options_are_refused_and_every_page_still_answers(client, service, auth, options):
    response = post(client, auth, "/api/meetings", {**NEW, "options": options})
    assert_refused(response, "setup_invalid", status=400)
    assert "optie" in response.get_json()["error"]
    assert service.meetings() == []
    everything_answers(client, auth)


def test_a_lone_surrogate_in_a_name_leaves_no_meeting_in_memory(client, service, auth):
    body = json.dumps({**NEW, "participants": ["A", "B\ud800", "C"]})  # json.dumps escapes it as \ud800
    assert_refused(post(client, auth, "/api/meetings", body), "invalid_field")
    assert service.meetings() == []
    everything_answers(client, auth)


def test_deeply_nested_json_is_refused_not_a_crash(client, auth):
    deep = '{"method": "case-clinic", "options": ' + "[" * 50_000 + "]" * 50_000 + "}"
    assert_refused(post(client, auth, "/api/meetings", deep), "bad_json", status=400)
    nested: list = [1]
    for _ in range(20):
        nested = [nested]
    assert_refused(post(client, auth, "/api/meetings", {**NEW, "options": {"x": nested}}), "too_deep")


def test_thousands_of_participants_are_refused_at_once(client, service, auth):
    names = [f"P{i}" for i in range(5_000)]  # within the body limit, so the count is what refuses it
    assert_refused(post(client, auth, "/api/meetings", {**NEW, "participants": names, "inbrenger": "P1"}),
                   "invalid_field", status=400)
    assert service.meetings() == []


@pytest.mark.parametrize("seconds", [0.0001, True, "60", 0, -5, 10 ** 9])
def test_extend_takes_whole_seconds_within_an_hour(client, service, auth, seconds):
    mid = service.create(**{"method_id": "case-clinic", "participants": ["A", "B", "C"], "inbrenger": "A"})
    service.command(mid, "start")
    before = service.view(mid)
    response = post(client, auth, f"/api/meetings/{mid}/commands", {"command": "extend", "seconds": seconds})
    assert_refused(response, "invalid_field")
    assert service.view(mid)["step"]["planned_seconds"] == before["step"]["planned_seconds"]
    assert post(client, auth, f"/api/meetings/{mid}/commands", {"command": "extend", "seconds": 60}).status_code == 200
    assert service.view(mid)["step"]["planned_seconds"] == before["step"]["planned_seconds"] + 60


def test_a_huge_note_is_refused(client, service, auth):
    mid = service.create("case-clinic", ["A", "B", "C"], "A")
    service.command(mid, "start")
    assert_refused(post(client, auth, f"/api/meetings/{mid}/commands", {"command": "note", "text": "x" * 20_000}),
                   "invalid_field", status=400)
    assert service.transcript(mid) == []


def test_one_broken_meeting_never_stops_the_clock_of_another(service, clock):
    """A meeting whose tick fails (here: an option of the wrong type, as stored before this check)."""
    broken = service.create("case-clinic", ["A", "B", "C"], "A")
    good = service.create("case-clinic", ["D", "E", "F"], "D")
    service.command(broken, "start")
    service.command(good, "start")
    live = service._live[broken]
    bad_options = dataclasses.replace(Options(), auto_advance=True)
    object.__setattr__(bad_options, "turn_seconds", "5")
    object.__setattr__(bad_options, "warning_seconds", "60")
    live.state = live.state.evolve(setup=dataclasses.replace(live.state.setup, options=bad_options))
    planned = service.view(good)["step"]["planned_seconds"]
    clock.advance(planned + 5)
    for _ in range(3):
        service.tick()  # never raises
    assert service.view(good)["step"]["time_up"] is True
    assert service.store.meeting(good)["last_clock"] >= planned
    assert "tick:" + broken in service.tick_failures
    assert any("loopt vast" in n for n in service.view(broken)["notices"])


# -- property-based: whatever JSON comes in, no 500, no stopped clock, no change to others ----------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10 ** 12, 10 ** 12) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)
FIELDS = st.sampled_from(["method", "participants", "inbrenger", "procesbegeleider", "hulpvraag", "options"])
OPTION_NAMES = st.sampled_from([f.name for f in dataclasses.fields(Options)] + ["x"])
CREATE = st.fixed_dictionaries({}, optional={
    "method": st.sampled_from(["case-clinic", "nope"]) | JSON,
    "participants": st.lists(st.sampled_from(["A", "B", "C", "a", " ", "\ud800"]) | JSON, max_size=6) | JSON,
    "inbrenger": st.sampled_from(["A", "B", "Z"]) | JSON,
    "procesbegeleider": st.sampled_from(["B", "C", None]) | JSON,
    "hulpvraag": st.text(max_size=40) | JSON,
    "options": st.dictionaries(OPTION_NAMES, JSON, max_size=3) | JSON,
})
COMMAND = st.fixed_dictionaries({"command": st.sampled_from(
    ["extend", "note", "tip", "rate", "correct", "set_outcome", "set_hulpvraag", "checklist", "next_turn"]) | JSON},
    optional={name: JSON for name in ("seconds", "text", "utterance", "rating", "kind", "speaker", "type",
                                       "checklist", "index", "checked", "by", "source")})

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _snapshot(service, mid):
    return len(service.store.events(mid)), service.view(mid)["step"]["index"]


@PROPERTY
@given(body=CREATE)
def test_any_create_body_is_a_meeting_or_a_clear_refusal(client, service, auth, body):
    other = service.create("case-clinic", ["X", "Y", "Z"], "X")
    service.command(other, "start")
    before = _snapshot(service, other)
    response = post(client, auth, "/api/meetings", body)
    assert response.status_code < 500, response.data[:300]
    if response.status_code == 201:
        assert service.store.meeting(response.get_json()["id"]) is not None  # stored, not only in memory
    else:
        assert_refused(response)
    service.tick()
    assert _snapshot(service, other) == before
    assert client.get("/api/meetings", headers=auth).status_code == 200


@PROPERTY
@given(body=COMMAND)
def test_any_command_body_is_done_or_a_clear_refusal(client, service, auth, body):
    target = service.create("case-clinic", ["A", "B", "C"], "A")
    other = service.create("case-clinic", ["X", "Y", "Z"], "X")
    for mid in (target, other):
        service.command(mid, "start")
    before = _snapshot(service, other)
    response = post(client, auth, f"/api/meetings/{target}/commands", body)
    assert response.status_code < 500, response.data[:300]
    if response.status_code >= 400:
        assert_refused(response)
    service.tick()
    assert not service.tick_failures
    assert _snapshot(service, other) == before
    assert client.get(f"/api/meetings/{target}", headers=auth).status_code == 200
