"""Who gets in: the host's login link on loopback, a cookie per instance, pairing bursts, viewers kept to
their meeting, and the host on a LAN address. Each test is the attack first, against the real app."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

import pytest
from waitress import create_server, wasyncore

from facilitator.service import MeetingService
from web import create_app, login_link, pairing_code
from web_scenario import LAN, PEOPLE, api_headers, csrf_token
from support import free_port

LAN_BASE = {"environ_base": LAN, "base_url": "http://laptop.local"}


@pytest.fixture
def guarded(service, data_dir):
    """The app as `serve` makes it: a loopback peer is the host only after the login link."""
    return create_app(service, {"DATA_DIR": data_dir, "HOST_LOGIN": True})


def path_of(link: str) -> str:
    """'http://127.0.0.1:8765/inloggen?token=x' -> '/inloggen?token=x' (the test client has no host)."""
    return "/" + link.split("/", 3)[3]


def test_another_account_on_this_machine_gets_nothing_without_the_link(guarded, service, meeting):
    other = guarded.test_client()  # loopback, no cookie, no token: another user on the same laptop
    assert other.get("/api/meetings").status_code == 401
    assert other.get(f"/api/meetings/{meeting}/export").status_code == 401
    page = other.get("/")
    assert page.status_code == 302 and "/inloggen" in page.headers["Location"]
    login = other.get(page.headers["Location"])
    assert login.status_code == 401 and "login-link" in login.get_data(as_text=True)
    assert other.post("/api/meetings", json={"method": "case-clinic", "participants": ["A", "B"],
                                             "inbrenger": "A"}).status_code == 401
    assert other.get("/inloggen?token=raden").status_code == 401


def test_the_login_link_works_once_and_the_fresh_one_is_in_the_data_folder(guarded, data_dir, meeting):
    link = login_link(guarded)
    host = guarded.test_client()
    assert host.get(path_of(link)).status_code == 302
    assert host.get("/api/meetings").status_code == 200 and host.get(f"/bijeenkomsten/{meeting}").status_code == 200
    token = csrf_token(host, f"/bijeenkomsten/{meeting}")
    assert host.post(f"/api/meetings/{meeting}/commands", json={"command": "start"},
                     headers={"X-CSRFToken": token}).status_code == 200
    thief = guarded.test_client()
    assert thief.get(path_of(link)).status_code == 401          # used once: worthless now
    fresh = (data_dir / "login-link").read_text().strip()
    assert fresh != link and oct((data_dir / "login-link").stat().st_mode & 0o777) == "0o600"
    second = guarded.test_client()
    assert second.get(path_of(fresh)).status_code == 302 and second.get("/api/meetings").status_code == 200


def test_scripts_keep_the_bearer_token(guarded):
    assert guarded.test_client().get("/api/meetings", headers=api_headers(guarded)).status_code == 200


def _serve(app, port):
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server, thread


def _stop(server, thread):
    server.task_dispatcher.shutdown(timeout=3)
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(timeout=3)


def test_two_instances_on_one_host_in_one_browser_keep_their_own_session(tmp_path, library):
    """One cookie jar (a browser), two servers on 127.0.0.1 with their own data folders and ports."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    running = []
    apps = []
    try:
        for name in ("een", "twee"):
            data = tmp_path / name
            data.mkdir(mode=0o700)
            port = free_port()
            app = create_app(MeetingService(data, library), {"DATA_DIR": data, "PORT": port, "HOST_LOGIN": True})
            apps.append((app, port))
            running.append(_serve(app, port))
        assert apps[0][0].config["SESSION_COOKIE_NAME"] != apps[1][0].config["SESSION_COOKIE_NAME"]
        for app, port in apps:
            assert browser.open(login_link(app), timeout=5).status == 200
        for app, port in apps:  # the second login did not throw the first one out
            page = browser.open(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            body = json.dumps({"method": "case-clinic", "participants": ["A", "B", "C"], "inbrenger": "A"})
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/meetings", data=body.encode(),
                                             headers={"Content-Type": "application/json", "X-CSRFToken": token})
            assert browser.open(request, timeout=5).status == 201
    finally:
        for server, thread in running:
            _stop(server, thread)


# -- pairing ---------------------------------------------------------------------------

def pair(client, code: str, address: str, target: str = "/"):
    environ = {"REMOTE_ADDR": address}
    token = csrf_token(client, "/koppelen", environ_base=environ, base_url="http://laptop.local")
    return client.post("/koppelen", data={"csrf_token": token, "code": code, "volgende": target},
                       environ_base=environ, base_url="http://laptop.local")


def test_a_burst_of_wrong_codes_cannot_lock_out_the_code_on_the_host_screen(lan_app):
    before = pairing_code(lan_app)
    for n in range(6):                          # 6 addresses x 5 wrong codes, as in the attack
        attacker = lan_app.test_client()
        for _ in range(5):
            wrong = f"{(int(pairing_code(lan_app)) + 1) % 10**6:06d}"
            pair(attacker, wrong, f"10.0.0.{n + 10}")
    shown = lan_app.test_client().get("/apparaten", base_url="http://laptop.local").get_data(as_text=True)
    now = pairing_code(lan_app)
    assert now != before and f"{now[:3]} {now[3:]}" in shown   # a fresh code, on the host's screen
    phone = lan_app.test_client()
    response = pair(phone, now, "10.0.0.99")
    assert response.status_code == 302 and "/koppelen" not in response.headers["Location"]
    # The guessing addresses themselves stay locked for a while.
    assert pair(lan_app.test_client(), now, "10.0.0.10").status_code == 429


# -- viewers ---------------------------------------------------------------------------

def test_a_viewer_sees_only_the_meeting_it_was_paired_for(lan_app, service):
    today = service.create("case-clinic", PEOPLE, "Anna", hulpvraag="Vandaag")
    other = service.create("case-clinic", ["X", "Y", "Z"], "X", hulpvraag="Geheim van een andere groep")
    phone = lan_app.test_client()
    assert pair(phone, pairing_code(lan_app), "10.0.0.5", f"/bijeenkomsten/{today}").status_code == 302
    env = {"environ_base": {"REMOTE_ADDR": "10.0.0.5"}, "base_url": "http://laptop.local"}
    assert phone.get(f"/bijeenkomsten/{today}", **env).status_code == 200
    assert phone.get(f"/api/meetings/{today}", **env).status_code == 200
    assert phone.get(f"/bijeenkomsten/{today}/zaal", **env).status_code == 200
    for path in (f"/bijeenkomsten/{other}", f"/api/meetings/{other}", f"/api/meetings/{other}/events",
                 f"/api/meetings/{other}/transcript", "/api/meetings", "/bijeenkomsten",
                 f"/api/meetings/{today}/export", f"/api/meetings/{other}/export?format=json",
                 f"/bijeenkomsten/{other}/export.md", f"/bijeenkomsten/{today}/verslag",
                 "/api/previous?participant=X&participant=Y"):
        response = phone.get(path, **env)
        assert response.status_code == 403, (path, response.status_code)
        assert b"Geheim" not in response.data
    home = phone.get("/", **env)
    assert home.status_code == 302 and home.headers["Location"].endswith(f"/bijeenkomsten/{today}")


def test_the_host_on_a_lan_address_can_still_give_a_device_control(service, data_dir, meeting):
    app = create_app(service, {"DATA_DIR": data_dir, "HOST": "192.168.1.5", "HOST_LOGIN": True})
    lan = {"environ_base": {"REMOTE_ADDR": "192.168.1.5"}, "base_url": "http://192.168.1.5"}
    host = app.test_client()                      # the laptop's browser, through its own LAN address
    assert host.get("/apparaten", **lan).status_code == 302
    assert host.get(path_of(login_link(app)), **lan).status_code == 302
    assert host.get("/apparaten", **lan).status_code == 200
    phone = app.test_client()
    phone_env = {"environ_base": {"REMOTE_ADDR": "192.168.1.20"}, "base_url": "http://192.168.1.5"}
    token = csrf_token(phone, "/koppelen", **phone_env)
    phone.post("/koppelen", data={"csrf_token": token, "code": pairing_code(app), "volgende": "/"}, **phone_env)
    device_id = app.extensions["facilitator_pairing"].list()[0].id
    host_token = csrf_token(host, "/apparaten", **lan)
    assert host.post(f"/apparaten/{device_id}", data={"csrf_token": host_token, "actie": "bediening"},
                     **lan).status_code == 302
    page_token = csrf_token(phone, f"/bijeenkomsten/{meeting}", **phone_env)
    response = phone.post(f"/api/meetings/{meeting}/commands", json={"command": "start"},
                          headers={"X-CSRFToken": page_token}, **phone_env)
    assert response.status_code == 200 and service.view(meeting)["status"] == "running"
