"""`facilitator meetings delete` while `serve` has the meeting open: it closes there too, on every screen,
instead of living on in memory with "FOREIGN KEY constraint failed"."""

from __future__ import annotations

import pytest

from facilitator.service import MeetingService, UnknownMeeting


def test_a_meeting_deleted_by_the_command_line_closes_in_the_running_service(tmp_path, lib, clock, run_cli):
    data = tmp_path / "data"                      # the folder the CLI fixture's environment points at
    serving = MeetingService(data, lib, clock=clock)
    running = serving.create("case-clinic", ["Anna", "Ben", "Carla"], "Anna")
    waiting = serving.create("case-clinic", ["Dirk", "Eva", "Fleur"], "Dirk")
    kept = serving.create("case-clinic", ["Gijs", "Hans", "Ilse"], "Gijs")
    serving.command(running, "start")
    serving.command(kept, "start")
    screen = serving.subscribe(running)

    for mid in (running, waiting):
        result = run_cli("meetings", "delete", mid, "--yes")
        assert result.returncode == 0, result.stderr

    clock.advance(2)
    serving.tick()                                # the heartbeat finds the running one gone
    listed = {m["id"] for m in serving.meetings()}  # the listing finds the waiting one gone
    assert listed == {kept}
    updates = []
    while (update := screen.get(timeout=0)) is not None:
        updates.append(update)
    assert any(getattr(u, "deleted", False) for u in updates), updates
    for mid in (running, waiting):
        with pytest.raises(UnknownMeeting):
            serving.command(mid, "next_step")
    assert not any("FOREIGN KEY" in n for n in serving.view(kept)["notices"])
    assert serving.view(kept)["status"] == "running" and serving.close() == "Alles is bewaard."
