"""Security: Host check, pairing and roles on the LAN, CSRF, headers, secrets on disk, quiet logs and errors."""

from __future__ import annotations

import logging
import re
import stat

import pytest

from web_scenario import LAN, csrf_token
from web import create_app, pairing_code
from web.security import Pairing, allowed_hosts, host_name, is_loopback, safe_next


# -- headers ----------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/bijeenkomsten", "/api/methods", "/bestaat-niet", "/static/css/app.css"])
def test_security_headers_on_every_answer(client, path):
    response = client.get(path)
    headers = response.headers
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    if not path.startswith("/static/"):
        assert headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(client, service, meeting, clock):
    from web_scenario import run_intervisie

    finished = run_intervisie(service, clock)
    for path in ["/", "/bijeenkomsten", f"/bijeenkomsten/{meeting}", f"/bijeenkomsten/{finished}/terugblik",
                 f"/bijeenkomsten/{finished}/verslag?transcript=1", "/koppelen", "/apparaten", "/nergens"]:
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", page), path
        assert " style=" not in page and "<style" not in page, path
        assert not re.search(r"\son[a-z]+=", page), path  # no onclick= and friends


def test_session_cookie_is_httponly_and_samesite_strict(app, client, token):
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"


# -- Host header (DNS rebinding) ---------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil", "192.168.1.20"])
def test_a_foreign_host_header_is_refused(client, host):
    for path in ("/", "/api/methods", "/static/css/app.css"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400, (host, path)
    assert "adres wordt niet herkend" in client.get("/", headers={"Host": host}).get_data(as_text=True)


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST"])
def test_loopback_names_are_accepted(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


def test_lan_names_are_accepted_only_when_configured(lan_client):
    assert lan_client.get("/", base_url="http://laptop.local:8765").status_code == 200
    assert lan_client.get("/", base_url="http://other.local:8765").status_code == 400


def test_host_helpers():
    assert host_name("[::1]:8765") == "::1" and host_name("Example.org:80") == "example.org"
    assert is_loopback("127.0.0.5") and is_loopback("::1") and is_loopback("::ffff:127.0.0.1")
    assert not is_loopback("192.168.1.2") and not is_loopback("nonsense") and not is_loopback(None)
    assert "10.0.0.5" in allowed_hosts("10.0.0.5") and "0.0.0.0" not in allowed_hosts("0.0.0.0")
    for bad in ("//evil.example/x", "https://evil.example", "/\\evil", "", None):
        assert safe_next(bad) == "/"
    assert safe_next("/bijeenkomsten/abc?x=1") == "/bijeenkomsten/abc?x=1"


# -- CSRF ------------------------------------------------------------------------------

def test_wrong_or_missing_csrf_token_is_refused(client, service, meeting):
    client.get("/")
    for data in ({"command": "start"}, {"command": "start", "csrf_token": "wrong"}):
        response = client.post(f"/bijeenkomsten/{meeting}/opdracht", data=data)
        assert response.status_code == 400
        assert "beveiligingscode" in response.get_data(as_text=True)
    response = client.post(f"/api/meetings/{meeting}/commands", json={"command": "start"},
                           headers={"X-CSRFToken": "wrong"})
    assert response.status_code == 400 and response.is_json
    assert service.view(meeting)["status"] == "ready"


def test_a_token_from_another_session_is_refused(app, meeting, service):
    other = app.test_client()
    stolen = csrf_token(other)
    client = app.test_client()
    client.get("/")
    response = client.post(f"/bijeenkomsten/{meeting}/opdracht", data={"command": "start", "csrf_token": stolen})
    assert response.status_code == 400
    assert service.view(meeting)["status"] == "ready"


def test_csrf_tokens_do_not_expire_during_a_long_meeting(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


# -- pairing on the LAN -----------------------------------------------------------------

def pair(client, code: str):
    token = csrf_token(client, "/koppelen", environ_base=LAN, base_url="http://laptop.local")
    return client.post("/koppelen", data={"csrf_token": token, "code": code, "volgende": "/bijeenkomsten"},
                       environ_base=LAN, base_url="http://laptop.local")


def test_on_the_lan_every_page_needs_the_pairing_code(lan_client, meeting):
    for path in ("/", "/bijeenkomsten", f"/bijeenkomsten/{meeting}", f"/bijeenkomsten/{meeting}/terugblik"):
        response = lan_client.get(path, environ_base=LAN, base_url="http://laptop.local")
        assert response.status_code == 302 and "/koppelen" in response.headers["Location"], path
    for path in ("/api/methods", f"/api/meetings/{meeting}", f"/api/meetings/{meeting}/events"):
        response = lan_client.get(path, environ_base=LAN, base_url="http://laptop.local")
        assert response.status_code == 401 and response.is_json, path
    page = lan_client.get("/koppelen", environ_base=LAN, base_url="http://laptop.local")
    assert page.status_code == 200 and "Dit apparaat koppelen" in page.get_data(as_text=True)
    assert lan_client.get("/static/css/app.css", environ_base=LAN, base_url="http://laptop.local").status_code == 200


def test_the_host_itself_needs_no_code(lan_client):
    assert lan_client.get("/", base_url="http://laptop.local").status_code == 200  # a loopback peer


def test_a_wrong_code_is_refused_and_repeated_guessing_locks_out(lan_app):
    client = lan_app.test_client()
    code = pairing_code(lan_app)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        response = pair(client, wrong)
        assert response.status_code == 400 and "Die code klopt niet" in response.get_data(as_text=True)
    assert pair(client, code).status_code == 429  # locked, even with the right code
    assert client.get("/", environ_base=LAN, base_url="http://laptop.local").status_code == 302


def test_a_paired_device_is_a_viewer_until_the_host_gives_control(lan_app, service, meeting):
    device = lan_app.test_client()
    response = pair(device, pairing_code(lan_app))
    assert response.status_code == 302 and response.headers["Location"] == "/bijeenkomsten"
    lan = {"environ_base": LAN, "base_url": "http://laptop.local"}

    page = device.get(f"/bijeenkomsten/{meeting}", **lan).get_data(as_text=True)
    assert "Alleen meekijken" in page and "Volgende beurt" not in page
    assert device.get(f"/api/meetings/{meeting}", **lan).status_code == 200
    token = csrf_token(device, f"/bijeenkomsten/{meeting}", **lan)
    response = device.post(f"/api/meetings/{meeting}/commands", json={"command": "start"},
                           headers={"X-CSRFToken": token}, **lan)
    assert response.status_code == 403 and "kijkt alleen mee" in response.json["error"]
    assert device.post("/", data={"csrf_token": token, "method": "case-clinic"}, **lan).status_code == 403
    assert device.get("/apparaten", **lan).status_code == 403  # only the host manages devices
    assert service.view(meeting)["status"] == "ready"

    host = lan_app.test_client()
    devices = host.get("/apparaten", base_url="http://laptop.local").get_data(as_text=True)
    assert lan_app.extensions["facilitator_pairing"].display in devices and "meekijken" in devices
    device_id = re.search(r'/apparaten/([0-9a-f]+)"', devices).group(1)
    host_token = csrf_token(host, "/apparaten", base_url="http://laptop.local")
    host.post(f"/apparaten/{device_id}", data={"csrf_token": host_token, "actie": "bediening"},
              base_url="http://laptop.local")

    response = device.post(f"/api/meetings/{meeting}/commands", json={"command": "start"},
                           headers={"X-CSRFToken": token}, **lan)
    assert response.status_code == 200 and service.view(meeting)["status"] == "running"

    host.post(f"/apparaten/{device_id}", data={"csrf_token": host_token, "actie": "ontkoppelen"},
              base_url="http://laptop.local")
    assert device.get("/", **lan).status_code == 302  # must pair again


def test_a_pairing_survives_a_restart_until_the_host_revokes_it(service, data_dir, lan_app, meeting):
    device = lan_app.test_client()
    pair(device, pairing_code(lan_app))
    name = lan_app.config["SESSION_COOKIE_NAME"]
    cookie = device.get_cookie(name, domain="laptop.local")
    restarted = create_app(service, {"DATA_DIR": data_dir, "HOST": "0.0.0.0", "EXTRA_HOSTS": ("laptop.local",)})
    again = restarted.test_client()
    again.set_cookie(name, cookie.value, domain="laptop.local")
    lan = {"environ_base": LAN, "base_url": "http://laptop.local"}
    assert again.get(f"/bijeenkomsten/{meeting}", **lan).status_code == 200  # still paired after the restart
    pairing = restarted.extensions["facilitator_pairing"]
    (device_id,) = [d.id for d in pairing.list()]
    assert pairing.forget(device_id)
    third = create_app(service, {"DATA_DIR": data_dir, "HOST": "0.0.0.0", "EXTRA_HOSTS": ("laptop.local",)})
    revoked = third.test_client()
    revoked.set_cookie(name, cookie.value, domain="laptop.local")
    assert revoked.get(f"/bijeenkomsten/{meeting}", **lan).status_code == 302  # revoked: must pair again
    assert oct((data_dir / "pairings.json").stat().st_mode & 0o777) == "0o600"


def test_pairing_code_for_screens_and_voice(app, lan_app):
    assert pairing_code(app) is None
    code = pairing_code(lan_app)
    assert re.fullmatch(r"\d{6}", code)
    assert lan_app.extensions["facilitator_pairing"].spoken == " ".join(code[:3]) + ", " + " ".join(code[3:])


def test_pairing_lock_counts_per_address_and_forgets():
    pairing = Pairing(code="123456")
    for t in range(5):
        assert pairing.try_pair("000000", "10.0.0.9", "x", now=float(t)) is None
    assert pairing.locked("10.0.0.9", now=10.0) and not pairing.locked("10.0.0.8", now=10.0)
    assert not pairing.locked("10.0.0.9", now=400.0)
    assert pairing.try_pair("123 456", "10.0.0.9", "x", now=400.0) is not None


# -- secrets on disk -------------------------------------------------------------------------

def test_secret_key_and_api_token_are_private_and_stable(service, data_dir, app):
    for name in ("secret-key", "api-token"):
        path = data_dir / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    again = create_app(service, {"DATA_DIR": data_dir})
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]
    assert again.config["API_TOKEN"] == app.config["API_TOKEN"] == (data_dir / "api-token").read_text().strip()
    assert len(app.config["SECRET_KEY"]) >= 64


def test_a_loosened_secret_file_is_tightened(service, data_dir, app):
    (data_dir / "api-token").chmod(0o644)
    create_app(service, {"DATA_DIR": data_dir})
    assert stat.S_IMODE((data_dir / "api-token").stat().st_mode) == 0o600


def test_every_install_gets_its_own_secrets(service, tmp_path, app):
    other = tmp_path / "other"
    assert create_app(service, {"DATA_DIR": other}).config["SECRET_KEY"] != app.config["SECRET_KEY"]


def test_never_debug(app):
    assert app.debug is False and app.config["DEBUG"] is False


# -- errors leak nothing; logs carry no transcript text ----------------------------------------

class Exploding:
    """A service whose reads fail with what someone said in the message."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def transcript(self, meeting_id):
        raise RuntimeError("Anna zei: mijn geheime casus over collega Bram")


def test_a_server_error_is_a_calm_dutch_page_and_the_log_has_no_words(service, data_dir, meeting, caplog):
    app = create_app(Exploding(service), {"DATA_DIR": data_dir})
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        page = client.get(f"/bijeenkomsten/{meeting}")
        api = client.get(f"/api/meetings/{meeting}/transcript")
    assert page.status_code == 500 and "Er ging iets mis" in page.get_data(as_text=True)
    assert api.status_code == 500 and api.is_json
    for body in (page.get_data(as_text=True), api.get_data(as_text=True)):
        assert "geheime" not in body and "Traceback" not in body and "RuntimeError" not in body
    assert "geheime" not in caplog.text and "RuntimeError" in caplog.text


def test_commands_and_utterances_log_nothing_they_contain(client, service, meeting, token, caplog, clock):
    from web_scenario import say

    with caplog.at_level(logging.DEBUG):
        client.post(f"/api/meetings/{meeting}/commands", json={"command": "start"}, headers={"X-CSRFToken": token})
        client.post(f"/api/meetings/{meeting}/commands", json={"command": "note", "text": "vertrouwelijk detail"},
                    headers={"X-CSRFToken": token})
        say(service, clock, meeting, "nog iets heel persoonlijks", 2)
        client.get(f"/api/meetings/{meeting}/transcript")
    assert "vertrouwelijk" not in caplog.text and "persoonlijks" not in caplog.text
