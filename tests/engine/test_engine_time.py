"""Time: the warning a minute before the end, time up (wait or move on), silence steps, over time."""

from __future__ import annotations

import pytest

from engine_sim import Run, custom_method, library, round_step
from facilitator.engine import view
from facilitator.events import Chime, Say


def started(*steps, **kw) -> Run:
    run = Run.of(method=custom_method(*steps), **kw)
    run.cmd("start")
    return run


def test_warning_one_minute_before_the_end_with_a_chime():
    run = started({"minutes": 5, "warning": "Nog een minuut voor de casus."})
    assert run.spoken(run.wait(239)) == []
    effects = run.wait(1)
    assert run.spoken(effects) == ["Nog een minuut voor de casus."]
    assert [e.kind for e in effects if isinstance(e, Chime)] == ["warning"]
    assert [e.kind for e in effects if isinstance(e, Say)] == ["warning"]
    assert view(run.state, run.t)["step"]["near_end"] is True
    assert run.spoken(run.wait(30)) == []  # said once


def test_default_warning_text_and_configurable_lead_time():
    run = started({"minutes": 5}, options={"warning_seconds": 120})
    assert run.spoken(run.wait(179)) == []
    assert run.spoken(run.wait(1)) == ["Nog een minuut."]  # the default words; the timing is the option's


def test_short_steps_are_warned_in_their_last_quarter():
    # A warning a minute before the end of a two-minute step would come at half time: 30 s before instead.
    run = started({"minutes": 2}, {"cue": "Verder."})
    assert run.spoken(run.wait(89)) == []
    assert run.spoken(run.wait(1)) == ["Nog 30 seconden."]
    assert view(run.state, run.t)["step"]["near_end"] is True
    assert run.spoken(run.wait(29)) == []
    assert run.spoken(run.wait(1))[0].startswith("De tijd voor deze stap is om.")


def test_time_up_in_the_last_step_asks_to_round_off():
    run = started({"minutes": 2})
    assert run.spoken(run.wait(120)) == ["De tijd is om. Zeg 'volgende stap' om af te ronden."]
    assert run.state.status == "running"


def test_time_up_announces_and_waits_by_default():
    run = started({"minutes": 5, "end": "De tijd voor de casus is om."}, {"cue": "Verder."})
    run.wait(240)
    effects = run.wait(60)
    assert run.spoken(effects) == ["De tijd voor de casus is om. Zeg 'volgende stap' als jullie zover zijn."]
    assert [e.kind for e in effects if isinstance(e, Chime)] == ["end"]
    assert run.state.timer.time_up and run.state.step_index == 0
    assert run.spoken(run.wait(600)) == []  # said once, and we keep waiting
    v = view(run.state, run.t)["step"]
    assert v["time_up"] and v["over_seconds"] == pytest.approx(600)
    run.cmd("next_step")
    assert run.state.records[0].over_seconds == pytest.approx(600)
    assert view(run.state, run.t)["steps"][0]["over_seconds"] == pytest.approx(600)


def test_time_up_auto_advances_with_the_option():
    run = started({"minutes": 5}, {"minutes": 5, "cue": "Verder."}, options={"auto_advance": True})
    effects = run.wait(400)  # one late tick: the next step began when the first one ended
    # A warning for a step that already ended is not said late; the end and the next step are.
    assert run.spoken(effects) == ["De tijd voor deze stap is om.", "Stap 2: Stap2. Verder."]
    assert run.state.step_index == 1
    assert run.remaining() == pytest.approx(200)
    assert run.state.records[0].active_seconds == pytest.approx(300)
    assert run.state.records[0].over_seconds == 0


def test_auto_advance_with_live_ticks_warns_then_moves_on():
    run = started({"minutes": 5}, {"minutes": 5, "cue": "Verder."}, options={"auto_advance": True})
    said = run.spoken(run.wait(301, tick_every=0.25))
    assert said == ["Nog een minuut.", "De tijd voor deze stap is om.", "Stap 2: Stap2. Verder."]
    assert run.remaining() == pytest.approx(299)


def test_things_due_together_fire_in_the_order_they_fell_due():
    # A turn budget that ran out (at 20 s) before the step warning (at 240 s): one late tick
    # says both, in that order, as a live run ticking every second would have.
    run = started(round_step(minutes=5, max_rounds=1, turn_seconds=20))
    said = run.spoken(run.wait(250))
    assert said == ["Ben, wil je afronden?", "Nog een minuut."]


def test_auto_advance_through_several_steps_in_one_late_tick():
    run = started({"minutes": 1}, {"minutes": 1}, {"minutes": 1}, options={"auto_advance": True})
    run.wait(150)
    assert run.state.step_index == 2 and run.remaining() == pytest.approx(30)


def test_auto_advance_at_the_last_step_finishes():
    run = started({"minutes": 1, "end": "Klaar, dank jullie wel."}, options={"auto_advance": True})
    said = run.spoken(run.wait(61))
    assert run.state.status == "finished"
    # The step's own end cue is the goodbye: no second "dank jullie wel".
    assert said == ["Klaar, dank jullie wel."]


def test_silence_step_one_cue_no_turns_and_auto_advance():
    run = started({"minutes": 3, "silence": True, "transcribe": False, "speakers": [], "cue": "Stilte.",
                   "end": "De stilte is voorbij."}, {"cue": "Verder."})
    assert run.spoken(run.wait(179)) == []  # no warning, no turn calls
    assert run.spoken(run.wait(1)) == ["De stilte is voorbij.", "Stap 2: Stap2. Verder."]
    assert run.state.step_index == 1


def test_the_case_clinic_silence_ends_by_itself():
    run = Run.of("case-clinic")
    run.cmd("start")
    run.cmd("next_step")
    run.cmd("next_step")
    assert run.state.step.id == "stilte"
    said = run.spoken(run.wait(180, tick_every=0.25))
    assert run.state.step.id == "spiegelen"
    assert said[0] == "De stilte is voorbij." and said[1].startswith("Stap 4: Spiegelen.")


def test_over_time_is_tracked_per_step():
    run = started({"minutes": 1}, {"minutes": 1}, {"minutes": 1})
    run.wait(90)
    run.cmd("next_step")  # 30 s over
    run.wait(30)
    run.cmd("next_step")  # in time
    run.wait(75)
    run.cmd("finish")     # 15 s over
    assert [r.over_seconds for r in run.state.records] == pytest.approx([30, 0, 15])
    assert [r.active_seconds for r in run.state.records] == pytest.approx([90, 30, 75])


def test_time_in_a_round_runs_out_like_any_step():
    run = started(round_step(minutes=2, max_rounds=3))
    run.wait(120)
    assert run.state.timer.time_up and run.state.round.turn == "Ben"
    # The round can still be finished after the time is up.
    run.cmd("pass")
    assert run.state.round.turn == "Carla" and run.rejected() is None


def test_remaining_is_frozen_after_finish():
    run = started({"minutes": 5})
    run.wait(100)
    run.cmd("finish")
    assert view(run.state, run.t + 5000)["step"]["remaining_seconds"] == pytest.approx(200)


# -- untimed steps (a method file may leave a step without minutes) -------------------

def untimed():
    return custom_method({"minutes": None, "minutes_default": True, "cue": "Wie leidt het gesprek?"},
                         {"cue": "Verder."})


def test_an_untimed_step_never_times_out():
    run = Run.of(method=untimed())
    run.cmd("start")
    assert run.spoken(run.wait(3600, tick_every=60)) == []
    assert not run.state.timer.time_up and run.state.step_index == 0


def test_an_untimed_step_is_not_shown_or_booked_as_over_time():
    run = Run.of(method=untimed())
    run.cmd("start")
    run.wait(90)
    step = view(run.state, run.t)["step"]
    assert step["time_up"] is False and step["over_seconds"] == 0 and step["near_end"] is False
    assert run.spoken(run.cmd("remaining")) != ["We zitten over de tijd."]
    run.cmd("next_step")
    assert run.state.records[0].over_seconds == 0


def test_the_balint_untimed_step_in_the_real_library():
    method = library().get("balintmethode")
    untimed_steps = [s for s in method.steps if s.planned_minutes == 0]
    assert untimed_steps, "balintmethode has an untimed step (gesprekleider)"
