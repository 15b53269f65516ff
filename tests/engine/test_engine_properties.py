"""Property tests: random commands, speech, activity and time on random methods.

Invariants, checked after every event:
- never a crash; the screen view is always JSON-ready;
- exactly one current step: 0 <= step_index < len(steps);
- time: for a timed step (planned seconds > 0) of a started meeting, right after the engine
  applied an event at `now`, remaining_seconds(state, now) < 0 only when state.timer.time_up is set,
  and time_up is set only when remaining <= 0. (Remaining goes negative only "over time", after
  the end was announced and while the group has not moved on.) An untimed step is never
  shown as over time;
- every final utterance with an id is stored at most once, also when it is fed twice, and
  exactly once when it began in a started, transcribed, non-silent step;
- replaying the logged events (not the ticks) gives the live state;
- an event that changes the screen view (at the same clock time) has a fact saying so, so
  the publisher, which builds a view only after such facts, never misses a change.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_sim import Run, library
from facilitator.engine import apply, new_state, remaining_seconds, view
from facilitator.engine.view import planned_seconds
from facilitator.events import COMMAND_KINDS, Tick, Utterance

NAMES = ("Anna", "Ben", "Carla", "Dirk", "Eva", "Fenna")
METHOD_IDS = sorted(m.id for m in library())
TICK = 10.0
UTTERANCE_IDS = [f"id{i}" for i in range(12)]   # a small pool, so some are fed twice

def centis(low: float, high: float):
    # Times to the hundredth of a second, as a recogniser reports them (and far above float noise).
    return st.floats(low, high).map(lambda x: round(x, 2))


args_strategy = st.fixed_dictionaries({}, optional={
    "seconds": st.sampled_from([30, 60, 120, 0, -1, "x"]),
    "text": st.sampled_from(["Hoe zeg ik nee?", "", "Bellen", "  "]),
    "utterance": st.sampled_from(UTTERANCE_IDS + ["u1", "u2", "n1", "nope"]),
    "rating": st.sampled_from(["W", "n", "k", "x", "-"]),
    "kind": st.sampled_from(["volgende_stap", "nuttig", "doelen", "terugkoppeling", "onzin"]),
    "speaker": st.sampled_from(list(NAMES) + ["groep", "Zoë"]),
    "type": st.sampled_from(["tip", "vraag", None]),
    "checklist": st.just("reflectie"),
    "index": st.sampled_from([0, 1, "2", "twee"]),
    "checked": st.booleans(),
})

action = st.one_of(
    st.tuples(st.just("cmd"), st.sampled_from(COMMAND_KINDS), st.sampled_from([None] + list(NAMES)),
              st.sampled_from(["keyboard", "voice", "web"]), args_strategy),
    st.tuples(st.just("cmd"), st.sampled_from(["pass", "next_turn", "next_step", "pause", "resume", "extend"]),
              st.none(), st.just("keyboard"), st.just({})),
    st.tuples(st.just("wait"), st.one_of(st.just(0.0), st.floats(0.5, 400))),
    st.tuples(st.just("utt"), st.sampled_from(["een vraag", "", "nog een zin", "tip voor jou"]),
              centis(0, 60), centis(0.2, 20), centis(0, 3), st.sampled_from(UTTERANCE_IDS + [None]),
              st.booleans(), st.booleans()),
    st.tuples(st.just("act"), st.booleans(), centis(0, 5)),
)


@st.composite
def meetings(draw):
    method_id = draw(st.sampled_from(METHOD_IDS))
    n = draw(st.integers(2, 6))
    people = NAMES[:n]
    inbrenger = draw(st.sampled_from(people))
    pb = draw(st.sampled_from([None] + [p for p in people if p != inbrenger]))
    options = draw(st.fixed_dictionaries({}, optional={
        "auto_advance": st.booleans(), "warning_seconds": st.sampled_from([30, 60, 120]),
        "turn_seconds": st.sampled_from([None, 20, 45]), "procesbegeleider_in_rounds": st.booleans(),
        "step_commands_by": st.sampled_from(["anyone", "procesbegeleider"])}))
    start_first = draw(st.booleans())
    actions = draw(st.lists(action, max_size=60))
    return method_id, people, inbrenger, pb, options, start_first, actions


def check_invariants(run: Run) -> None:
    s = run.state
    steps = s.method.steps
    assert 0 <= s.step_index < len(steps)
    v = view(s, run.t)
    json.dumps(v)
    assert v["step"]["index"] == s.step_index
    assert sum(1 for x in v["steps"] if x["state"] == "current") == (1 if s.status in ("running", "paused") else 0)
    if s.status in ("running", "paused"):
        left = remaining_seconds(s, run.t)
        if planned_seconds(s) > 0:
            assert left >= -1e-6 or s.timer.time_up, (left, s.step.id)
            assert not s.timer.time_up or left <= 1e-6, (left, s.step.id)
        else:
            assert not s.timer.time_up and v["step"]["over_seconds"] == 0
    ids = [line.source_id for line in s.transcript if line.source_id is not None]
    assert len(ids) == len(set(ids)), "an utterance was stored twice"


@settings(max_examples=int(__import__("os").environ.get("ENGINE_EXAMPLES", 150)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meetings())
def test_random_meetings_keep_their_invariants_and_replay_exactly(m):
    method_id, people, inbrenger, pb, options, start_first, actions = m
    run = Run.of(method_id, people, inbrenger, procesbegeleider=pb, options=options)
    run.strict = True
    history = [(run.t, run.state.step_index, run.state.status)]   # what the step was, when
    expected_stored: dict[str, tuple[float, bool]] = {}            # id -> (start, should be kept)
    fed_ids = set()
    if start_first:
        run.cmd("start")
    for act in actions:
        kind = act[0]
        if kind == "cmd":
            _, cmd_kind, by, source, args = act
            run.cmd(cmd_kind, by=by, source=source, **args)
        elif kind == "wait":
            run.wait(act[1], tick_every=TICK)
        elif kind == "utt":
            _, text, back, length, delay, uid, final, twice = act
            start = max(0.0, run.t - back)
            run.t += delay
            utt = Utterance(text, start, start + length, final=final, id=uid)
            run.feed(utt)
            if twice:
                run.feed(utt)
            if final and uid is not None and text.strip():
                if uid in fed_ids:
                    expected_stored.pop(uid, None)  # fed again later: only "at most once" is clear
                else:
                    fed_ids.add(uid)
                    expected_stored[uid] = (start, run.state.status, len(history))
        else:
            _, speaking, back = act
            run.activity(speaking, at=max(0.0, run.t - back))
        history.append((run.t, run.state.step_index, run.state.status))
        check_invariants(run)

    # Every utterance that began in a started, transcribed, silent-free step is kept exactly once.
    kept = {line.source_id for line in run.state.transcript}
    for uid, (start, arrived_when, seen) in expected_stored.items():
        if arrived_when == "ready":
            assert uid not in kept, uid  # heard before the meeting began
            continue
        known = history[:seen]  # what had happened when the utterance arrived
        before = [h for h in known if h[0] <= start]
        after = [h for h in known if h[0] > start]
        if not before:
            continue
        _, index, status = before[-1]
        # Between two observations only time can have moved the step; when the step differs
        # before and after the start, it changed at a due time we did not observe: skip.
        later = after[0] if after else known[-1]
        if (later[1], later[2]) != (index, status):
            continue
        step = run.state.method.steps[index]
        if status == "ready":
            continue  # begun just before the start, recognised after it: either is fine
        if step.transcribe and not step.silence:
            assert uid in kept, (uid, step.id)
        else:
            assert uid not in kept, (uid, step.id)

    # Replay the log without its ticks: the same state.
    end = run.t + 1.0
    run.wait(1.0)
    state = new_state(run.state.setup)
    for at, event in run.log:
        state, _ = apply(state, event, at)
    state, _ = apply(state, Tick(), end)
    for name in state.__dataclass_fields__:
        assert getattr(state, name) == getattr(run.state, name), name
