"""A database set aside as damaged is told on every screen until someone with control acknowledges it."""

from __future__ import annotations

from facilitator.service import MeetingService
from web import create_app
from web_scenario import api_headers, csrf_token


def test_the_notice_stays_on_every_screen_until_acknowledged(tmp_path, library, clock):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "facilitator.db").write_bytes(b"SQLite format 3\x00" + b"kapot" * 400)
    MeetingService(data, library, clock=clock).store.close()   # the first start sets it aside
    service = MeetingService(data, library, clock=clock)         # a later start: still told
    app = create_app(service, {"DATA_DIR": data})
    client = app.test_client()
    mid = service.create("case-clinic", ["A", "B", "C"], "A")
    notices = client.get(f"/api/meetings/{mid}", headers=api_headers(app)).get_json()["notices"]
    assert any("beschadigd" in n for n in notices)
    assert "beschadigd" in client.get(f"/bijeenkomsten/{mid}").get_data(as_text=True)
    token = csrf_token(client, f"/bijeenkomsten/{mid}")
    answer = client.post("/api/notices/store", headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and answer.get_json() == {"ok": True}
    notices = client.get(f"/api/meetings/{mid}", headers=api_headers(app)).get_json()["notices"]
    assert not any("beschadigd" in n for n in notices)
    assert MeetingService(data, library, clock=clock).store.notice is None
