"""Speech: who said what (by when it started), speaking time per person and step, silence steps."""

from __future__ import annotations

import pytest

from engine_sim import Run, custom_method, round_step
from facilitator.engine import GROUP, outcomes, speaking_by_step, speaking_totals, transcript, view
from facilitator.events import Heard, LineAdded, LineChanged, OutcomeNoted, Utterance


def meeting() -> Run:
    # 1: the inbrenger speaks (5 min); 2: a round; 3: silence (3 min, not transcribed); 4: everyone
    run = Run.of(method=custom_method(
        {"speakers": ["inbrenger"], "cue": "{inbrenger}, vertel."},
        round_step(10, max_rounds=1, item="vraag"),
        {"minutes": 3, "silence": True, "transcribe": False, "speakers": [], "cue": "Stilte."},
        {"cue": "Vrij gesprek."},
    ))
    run.cmd("start")
    return run


def test_a_final_arriving_after_volgende_belongs_to_who_had_the_word_when_it_started():
    run = meeting()
    run.cmd("next_step")  # Ben's turn
    run.t = 30
    run.cmd("next_turn")  # Carla's turn from t=30
    # Ben's last sentence, spoken 25..29, is recognised only at t=31.
    run.say("wat wil je bereiken", 25, 29, uid="late", at=31)
    run.t = 40
    run.say("hoe voelde dat", 33, 38, uid="carla")
    lines = transcript(run.state)
    assert [(l["speaker"], l["type"], l["text"]) for l in lines] == [
        ("Ben", "vraag", "wat wil je bereiken"), ("Carla", "vraag", "hoe voelde dat")]
    assert lines[0]["turn"] != lines[1]["turn"]


def test_a_final_arriving_after_the_step_changed_belongs_to_the_old_step():
    run = meeting()
    run.t = 50
    run.cmd("next_step")
    run.say("en dat is mijn vraag", 45, 49.5, uid="x", at=51)
    line = transcript(run.state)[0]
    assert (line["speaker"], line["step_index"], line["type"]) == ("Anna", 0, None)


def test_step_speakers_give_the_attribution_outside_rounds():
    run = meeting()
    run.t = 10
    run.say("het gaat over mijn team", 2, 8, uid="a")
    run.cmd("skip"); run.cmd("skip"); run.cmd("skip")  # to the open conversation
    run.t = 20
    run.say("ik denk dat", 14, 18, uid="b")
    assert [l["speaker"] for l in transcript(run.state)] == ["Anna", GROUP]


def test_partials_are_shown_not_kept():
    run = meeting()
    effects = run.feed(Utterance("het gaat", 1, 2, final=False))
    assert effects == [Heard("het gaat", "Anna")]  # shown; the state does not change
    assert transcript(run.state) == []
    run.t = 5
    effects = run.say("het gaat over mijn team", 1, 4, uid="f")
    assert [e.line.text for e in effects if isinstance(e, LineAdded)] == ["het gaat over mijn team"]
    assert len(transcript(run.state)) == 1


def test_empty_finals_are_not_kept():
    run = meeting()
    run.t = 5
    run.say("   ", 1, 2, uid="e")
    assert transcript(run.state) == []


def test_speech_before_start_is_ignored():
    run = Run.of("case-clinic")
    run.say("test test", 0, 1, uid="t")
    run.activity(True)
    assert transcript(run.state) == [] and run.state.speech.since is None


def test_utterance_after_finish_is_still_kept_under_the_last_step():
    run = meeting()
    run.t = 20
    run.cmd("finish")
    run.say("tot volgende week", 18, 19.5, uid="bye", at=21)
    assert transcript(run.state)[0]["text"] == "tot volgende week"
    before = run.state
    assert run.feed(Utterance("partieel", 21, 22, final=False)) == [] and run.state == before


def test_each_utterance_id_is_stored_once():
    run = meeting()
    run.t = 10
    run.say("eenmaal", 2, 4, uid="same")
    effects = run.say("eenmaal", 2, 4, uid="same")
    assert not any(isinstance(e, LineAdded) for e in effects)
    assert len(transcript(run.state)) == 1
    # Without an id the recogniser cannot tell; both are kept.
    run.say("zonder id", 5, 6)
    run.say("zonder id", 5, 6)
    assert len(transcript(run.state)) == 3


def test_a_round_item_is_noted_as_outcome():
    run = meeting()
    run.cmd("next_step")
    run.t = 10
    effects = run.say("wat is je doel", 2, 6, uid="q")
    noted = [e for e in effects if isinstance(e, OutcomeNoted)]
    assert noted[0].kind == "vraag" and noted[0].line.speaker == "Ben"
    assert outcomes(run.state)["items"]["vraag"][0]["by"] == "Ben"


# -- silence ---------------------------------------------------------------------------

def test_during_silence_nothing_is_transcribed_but_activity_counts():
    run = meeting()
    run.cmd("next_step")
    run.cmd("next_step")  # the round is done quickly; to the silence
    run.cmd("skip") if run.state.step_index == 1 else None
    assert run.state.step.silence
    t0 = run.t
    run.t = t0 + 10
    run.activity(True)
    run.t = t0 + 16
    run.activity(False)
    effects = run.say("ik moet even iets kwijt", t0 + 10, t0 + 16, uid="s", at=t0 + 17)
    effects += run.feed(Utterance("ik moet", t0 + 10, t0 + 12, final=False))
    assert not any(isinstance(e, (LineAdded, Heard)) for e in effects)
    assert transcript(run.state) == []
    assert speaking_totals(run.state, run.t, step_index=2) == {GROUP: pytest.approx(6)}
    assert run.spoken(effects) == []  # never announced


def test_untranscribed_steps_keep_speaking_time_but_no_text():
    run = Run.of(method=custom_method({"transcribe": False, "speakers": ["deelnemers"], "cue": "Roddel maar."}))
    run.cmd("start")
    run.activity(True, at=0)
    run.t = 30
    run.activity(False)
    run.say("zij zou eens moeten", 1, 29, uid="r")
    assert transcript(run.state) == []
    assert sum(speaking_totals(run.state, run.t).values()) == pytest.approx(30)


# -- speaking time ------------------------------------------------------------------------

def test_speaking_time_per_person_per_step_and_shares():
    run = meeting()
    # Step 1: Anna speaks 60 s, with a 10 s gap.
    run.activity(True, at=0); run.t = 40; run.activity(False)
    run.t = 50; run.activity(True); run.t = 70; run.activity(False)
    run.t = 80
    run.cmd("next_step")
    # Step 2: Ben 20 s, Carla 10 s.
    run.activity(True); run.t = 100; run.activity(False)
    run.cmd("next_turn")
    run.t = 105; run.activity(True); run.t = 115; run.activity(False)
    totals = speaking_totals(run.state, run.t)
    assert totals == pytest.approx({"Anna": 60, "Ben": 20, "Carla": 10})
    assert speaking_by_step(run.state, run.t) == {0: pytest.approx({"Anna": 60}),
                                                  1: pytest.approx({"Ben": 20, "Carla": 10})}
    assert speaking_totals(run.state, run.t, step_index=1) == pytest.approx({"Ben": 20, "Carla": 10})
    v = view(run.state, run.t)
    assert v["share"] == pytest.approx({"Anna": 60 / 90, "Ben": 20 / 90, "Carla": 10 / 90}, abs=1e-3)
    assert sum(v["share"].values()) == pytest.approx(1, abs=2e-3)


def test_speaking_time_is_live_while_someone_talks():
    run = meeting()
    run.activity(True, at=0)
    run.t = 12
    run.feed(__import__("facilitator.events", fromlist=["Tick"]).Tick())
    v = view(run.state, run.t)
    assert v["speaking"] == {"Anna": 12.0} and v["current_speaker"] == "Anna"


def test_continuous_speech_over_a_turn_change_is_split_between_the_turn_holders():
    run = meeting()
    run.cmd("next_step")      # Ben has the word
    run.activity(True)        # and talks ...
    run.t += 20
    run.cmd("next_turn")      # "volgende": Carla has the word; the room never went quiet
    run.t += 15
    run.activity(False)
    assert speaking_totals(run.state, run.t) == pytest.approx({"Ben": 20, "Carla": 15})


def test_continuous_speech_over_a_step_change_is_split_between_the_steps():
    run = meeting()
    run.activity(True, at=0)
    run.t = 30
    run.cmd("next_step")       # Anna's step → Ben's turn
    run.t = 40
    run.activity(False)
    assert speaking_by_step(run.state, run.t) == {0: pytest.approx({"Anna": 30}), 1: pytest.approx({"Ben": 10})}


def test_speech_during_a_pause_is_not_speaking_time():
    run = meeting()
    run.activity(True, at=0)
    run.t = 10
    run.cmd("pause")
    run.t = 300               # the coffee-break chatter is not meeting talk
    assert speaking_totals(run.state, run.t) == pytest.approx({"Anna": 10})
    run.activity(False)
    run.cmd("resume")
    assert speaking_totals(run.state, run.t) == pytest.approx({"Anna": 10})


def test_speaking_time_stops_when_the_meeting_finishes():
    run = meeting()
    run.activity(True, at=0)
    run.t = 10
    run.cmd("finish")
    assert speaking_totals(run.state, run.t + 1000) == pytest.approx({"Anna": 10})
    assert view(run.state, run.t + 1000)["current_speaker"] is None


def test_activity_start_twice_counts_once():
    run = meeting()
    run.activity(True, at=0)
    run.t = 5
    run.activity(True)
    run.t = 10
    run.activity(False)
    run.activity(False)
    assert speaking_totals(run.state, run.t) == pytest.approx({"Anna": 10})


def test_a_silence_step_shows_no_partials_even_when_the_file_forgets_transcribe_false():
    run = Run.of(method=custom_method({"minutes": 3, "silence": True, "speakers": [], "cue": "Stilte."}))
    run.cmd("start")
    effects = run.feed(Utterance("ik moet", 1, 2, final=False))
    effects += run.say("ik moet even iets kwijt", 1, 3, uid="s")
    assert not any(isinstance(e, (LineAdded, Heard)) for e in effects)
    assert transcript(run.state) == []


def test_a_later_result_for_the_same_line_gives_it_its_text():
    """Vosk's line comes first; Whisper's text for the same segment (same id) replaces it, attributed as
    before. A line someone corrected keeps their text. (A spoken command's words never reach the engine:
    the listener keeps them out, see tests/voice.)"""
    run = meeting()
    run.cmd("next_step")                     # the round: Ben has the word
    t = run.t
    run.say("wat heb je al geprobeer", t + 1, t + 3, uid="v1")
    effects = run.say("wat heb je al geprobeerd?", t + 1, t + 3, uid="v1", at=t + 5)
    lines = transcript(run.state)
    assert [(line["text"], line["speaker"]) for line in lines] == [("wat heb je al geprobeerd?", "Ben")]
    assert any(isinstance(e, LineChanged) for e in effects) and not any(isinstance(e, LineAdded) for e in effects)
    assert [e["text"] for e in outcomes(run.state)["items"]["vraag"]] == ["wat heb je al geprobeerd?"]
    run.cmd("correct", utterance=lines[0]["id"], text="Wat heb je al geprobeerd?")
    run.say("wat heb je al geprobeerd", t + 1, t + 3, uid="v1", at=t + 6)
    assert [line["text"] for line in transcript(run.state)] == ["Wat heb je al geprobeerd?"]


def test_a_line_that_runs_over_a_step_change_is_split_at_the_change():
    run = meeting()
    t = run.t
    run.wait(1)
    change = run.t
    run.cmd("next_step")                     # into the round, while someone is still talking
    # Words at change-0.9, -0.6, -0.3, 0.0, +0.3: the last two were said in the next step.
    run.say("een twee drie vier vijf", change - 0.9, change + 0.55, uid="v9", at=change + 1.5)
    lines = transcript(run.state)
    assert [(line["text"], line["step_index"]) for line in lines] == [
        ("een twee drie", run.state.step_index - 1), ("vier vijf", run.state.step_index)]
    # The same segment again (a replay, or Whisper's text for it) adds nothing.
    run.say("een twee drie vier vijf", change - 0.9, change + 0.55, uid="v9", at=change + 2)
    assert len(transcript(run.state)) == 2 and t < change
