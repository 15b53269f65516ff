"""Every command's behaviour, and its rejection (with a reason for the screens) where it makes no sense."""

from __future__ import annotations

import pytest

from engine_sim import PEOPLE, Run, custom_method, round_step
from facilitator.engine import outcomes, remaining_seconds, transcript, view
from facilitator.engine.state import Mark
from facilitator.events import (COMMAND_KINDS, STEP_CHANGING, Chime, Command, LineAdded, LineChanged, OutcomeNoted,
                                Rejected, Say, StatusChanged, StepEntered)


def _method():
    # 1: plain talk (5 min); 2: a round of questions; 3: silence (3 min); 4: plain (5 min)
    return custom_method(
        {"speakers": ["inbrenger"], "cue": "Welkom. {inbrenger}, vertel."},
        round_step(10, repeat_until_all_pass=True),
        {"minutes": 3, "silence": True, "transcribe": False, "speakers": [], "cue": "Stilte."},
        {"cue": "Evaluatie."},
    )


def started(**kw) -> Run:
    run = Run.of(method=kw.pop("method", None) or _method(), **kw)
    run.cmd("start")
    return run


# -- before start, after finish -------------------------------------------------------

@pytest.mark.parametrize("kind", [k for k in COMMAND_KINDS if k not in ("start", "set_hulpvraag", "set_outcome", "choose_inbrenger",
                                                                         "note", "finish")])
def test_commands_before_start_are_rejected(kind):
    run = Run.of(method=_method())
    effects = run.cmd(kind)
    assert run.rejected() == "De bijeenkomst is nog niet begonnen."
    assert [e for e in effects if isinstance(e, Say)] == []
    assert run.state.status == "ready"


def test_what_may_be_prepared_before_start():
    run = Run.of(method=_method())
    run.cmd("set_hulpvraag", text="Hoe zeg ik nee?")
    run.cmd("note", text="Ben komt later")
    run.cmd("set_outcome", kind="doelen", text="Rust")
    assert run.state.outcomes.hulpvraag == "Hoe zeg ik nee?"
    assert run.state.status == "ready"
    assert outcomes(run.state)["doelen"] == "Rust"


def test_start_announces_the_first_step_with_a_chime():
    run = Run.of(method=_method())
    effects = run.cmd("start")
    assert isinstance(effects[0], Chime)
    assert run.spoken() == ["Welkom. Anna, vertel."]
    assert [e.kind for e in effects if isinstance(e, Say)] == ["instruction"]
    assert StatusChanged("running") in effects and StepEntered(0) in effects
    assert run.state.status == "running" and run.state.step_index == 0
    run.cmd("start")
    assert run.rejected() == "De bijeenkomst is al begonnen."


@pytest.mark.parametrize("kind", ["start", "pass", "next_turn", "next_step", "previous_step", "skip", "pause",
                                  "resume", "extend", "repeat", "remaining", "finish"])
def test_commands_after_finish_are_rejected(kind):
    run = started()
    run.cmd("finish")
    assert run.state.status == "finished"
    before = run.state
    run.cmd(kind)
    assert run.rejected() == "De bijeenkomst is al afgelopen."
    assert run.state.status == "finished" and run.state.step_index == before.step_index


def test_the_record_can_still_be_completed_after_finish():
    run = started()
    run.t += 30
    run.say("ik ga morgen bellen", run.t - 5, run.t - 1, uid="x1")
    run.cmd("finish")
    for kind, args in (("set_hulpvraag", {"text": "Hoe nu?"}), ("set_outcome", {"kind": "volgende_stap", "text": "Bellen"}),
                       ("tip", {"utterance": "x1"}), ("rate", {"utterance": "x1", "rating": "w"}),
                       ("correct", {"utterance": "x1", "text": "ik ga maandag bellen"}), ("note", {"text": "Goed gesprek"})):
        run.cmd(kind, **args)
        assert run.rejected() is None, kind
    line = transcript(run.state)[0]
    assert (line["type"], line["rating"], line["text"], line["corrected"]) == ("tip", "W", "ik ga maandag bellen", True)
    assert outcomes(run.state)["volgende_stap"] == "Bellen"


def test_finish_ends_the_meeting_and_says_goodbye():
    run = started()
    run.wait(100)
    effects = run.cmd("finish")
    assert run.state.status == "finished"
    assert run.spoken(effects) == ["We zijn klaar. Dank jullie wel."]
    assert run.state.records[0].active_seconds == pytest.approx(100)
    # The finished meeting's clock stands still.
    assert view(run.state, run.t + 3600)["elapsed_seconds"] == pytest.approx(100)


def test_finish_before_start_closes_the_meeting_silently():
    run = Run.of(method=_method())
    assert run.spoken(run.cmd("finish")) == []
    assert run.state.status == "finished"


def test_finishing_thanks_the_group_and_leaves_closing_questions_to_the_methods_last_step():
    # Closing questions need time to be answered, so methods ask them in a step of their own.
    method = custom_method({"cue": "Welkom."}, closing_questions=["{inbrenger}, vond je het nuttig?"])
    run = started(method=method)
    assert run.spoken(run.cmd("next_step")) == ["We zijn klaar. Dank jullie wel."]


# -- pass and next turn outside a round ------------------------------------------------

def test_pass_during_silence_is_rejected():
    run = started()
    run.cmd("skip")
    run.cmd("skip")
    assert run.state.step.silence
    run.cmd("pass")
    assert run.rejected() == "Er is nu geen beurt om te passen."
    assert run.state.step_index == 2


def test_pass_and_next_turn_without_a_round_are_rejected_with_a_hint():
    run = started()
    run.cmd("pass")
    assert run.rejected() == "Er is nu geen beurt om te passen."
    run.cmd("next_turn")
    assert "volgende stap" in run.rejected()
    assert run.state.step_index == 0


def test_a_pass_by_someone_who_does_not_have_the_word_is_rejected():
    run = started()
    run.cmd("next_step")
    assert run.state.round.turn == "Ben"
    run.cmd("pass", by="Dirk", source="voice")
    assert run.rejected() == "Ben heeft nu het woord, niet Dirk."
    assert run.state.round.turn == "Ben"
    run.cmd("pass", by="Ben", source="voice")
    assert run.rejected() is None and run.state.round.turn == "Carla"


def test_the_procesbegeleider_may_pass_on_behalf_of_the_turn_holder():
    run = started(procesbegeleider="Eva")
    run.cmd("next_step")
    run.cmd("pass", by="Eva")
    assert run.rejected() is None and run.state.round.turn == "Carla"


def test_pass_not_allowed_in_this_step():
    method = custom_method(round_step(10, max_rounds=1, pass_allowed=False))
    run = started(method=method)
    run.cmd("pass")
    assert run.rejected() == "Passen kan niet in deze stap."
    assert "ik pas" not in run.script()[0][2]


def test_pass_and_next_turn_while_paused_are_rejected():
    run = started()
    run.cmd("next_step")
    run.cmd("pause")
    run.cmd("pass")
    assert "pauzeren" in run.rejected()
    run.cmd("next_turn")
    assert "pauzeren" in run.rejected()
    assert run.state.round.turn == "Ben"


# -- steps -------------------------------------------------------------------------------

def test_next_step_announces_the_step_with_its_number():
    run = started()
    effects = run.cmd("next_step")
    said = run.spoken(effects)
    assert said[0].startswith("Stap 2: Stap2. ")
    assert said[1] == "Ben, jouw vraag."
    assert [e.kind for e in effects if isinstance(e, Say)] == ["instruction", "turn"]


def test_previous_step_at_the_first_step_is_rejected():
    run = started()
    run.cmd("previous_step")
    assert run.rejected() == "Dit is de eerste stap."
    assert run.state.step_index == 0


def test_previous_step_goes_back_to_the_steps_own_clock_and_its_extra_minute():
    run = started()
    run.wait(60)
    run.cmd("extend", seconds=60)
    run.cmd("next_step")
    run.wait(30)
    run.cmd("previous_step")
    assert run.state.step_index == 0
    assert run.remaining() == pytest.approx(300 + 60 - 60)     # time spent and the extra minute kept
    assert view(run.state, run.t)["step"]["planned_seconds"] == 360
    assert run.state.records[0].visits == 2
    assert run.state.records[0].active_seconds == pytest.approx(60)
    assert run.state.records[1].active_seconds == pytest.approx(30)


def test_skip_marks_the_step_skipped():
    run = started()
    run.cmd("skip")
    assert run.state.step_index == 1 and run.state.records[0].skipped
    assert view(run.state, run.t)["steps"][0]["skipped"] is True


def test_a_skipped_step_run_after_all_is_no_longer_skipped():
    run = started()
    run.cmd("skip")
    run.cmd("previous_step")                                   # back to it: now it is run
    assert not run.state.records[0].skipped
    run.cmd("next_step")
    assert not run.state.records[0].skipped and run.state.step_index == 1
    run.cmd("skip")
    assert run.state.records[1].skipped


def test_a_refused_skip_marks_nothing():
    run = Run.of("balintmethode", inbrenger=None)
    run.cmd("start")
    while not run.state.awaiting:
        run.cmd("next_step")                                   # the step that waits for the group's choice
    index = run.state.step_index
    run.cmd("skip")
    assert run.rejected() and run.state.step_index == index and not run.state.records[index].skipped


def test_next_step_at_the_last_step_finishes():
    run = started()
    for _ in range(3):
        run.cmd("next_step")
    assert run.state.step_index == 3
    run.cmd("next_step")
    assert run.state.status == "finished"


def test_step_commands_can_be_reserved_for_the_procesbegeleider():
    run = started(procesbegeleider="Eva", options={"step_commands_by": "procesbegeleider"})
    run.cmd("next_step", by="Ben", source="voice")
    assert run.rejected() == "Alleen de procesbegeleider kan van stap wisselen."
    run.cmd("next_step", by=None, source="voice")
    assert run.rejected() is not None
    # Keys and buttons still work: voice is never the only way, and never a way round.
    run.cmd("next_step", by=None, source="keyboard")
    assert run.rejected() is None and run.state.step_index == 1
    run.cmd("next_step", by="Eva", source="voice")
    assert run.rejected() is None and run.state.step_index == 2


@pytest.mark.parametrize("kind", COMMAND_KINDS)
def test_the_step_changing_table_decides_what_only_the_procesbegeleider_may_say(kind):
    """events.STEP_CHANGING is the one list of step-changing commands: exactly those are
    refused from another voice when the group leaves step changes to the procesbegeleider."""
    run = started(procesbegeleider="Eva", options={"step_commands_by": "procesbegeleider"})
    run.cmd(kind, by="Ben", source="voice")
    refused = run.rejected() == "Alleen de procesbegeleider kan van stap wisselen."
    assert refused == (kind in STEP_CHANGING)


# -- pause, resume, extend, remaining, repeat ---------------------------------------------

def test_pause_and_resume_keep_the_remaining_time():
    run = started()
    run.wait(100)
    assert run.spoken(run.cmd("pause")) == ["We pauzeren even. Zeg 'verder' om door te gaan."]
    assert run.state.status == "paused"
    run.wait(1000)
    assert run.remaining() == pytest.approx(200)
    assert run.state.timer.time_up is False
    run.cmd("pause")
    assert run.rejected() == "We pauzeren al."
    assert run.spoken(run.cmd("resume")) == ["We gaan verder."]
    assert run.remaining() == pytest.approx(200)
    run.wait(50)
    assert run.remaining() == pytest.approx(150)
    run.cmd("resume")
    assert run.rejected() == "We zijn niet gepauzeerd."
    assert view(run.state, run.t)["elapsed_seconds"] == pytest.approx(150)


def test_next_step_while_paused_resumes_quietly():
    run = started()
    run.cmd("pause")
    run.wait(500)
    run.cmd("next_step")
    assert run.state.status == "running" and run.state.step_index == 1
    assert run.state.records[0].active_seconds == pytest.approx(0)


def test_extend_adds_a_minute_or_what_is_asked():
    run = started()
    run.wait(200)
    assert run.spoken(run.cmd("extend")) == ["Er komt een minuut bij."]
    assert run.remaining() == pytest.approx(160)
    assert run.spoken(run.cmd("extend", seconds=120)) == ["Er komen 2 minuten bij."]
    assert run.spoken(run.cmd("extend", seconds=30)) == ["Er komen 30 seconden bij."]
    assert run.remaining() == pytest.approx(310)
    for bad in ("veel", 0, -5, 7200):
        run.cmd("extend", seconds=bad)
        assert run.rejected() is not None
    assert run.remaining() == pytest.approx(310)


def test_extend_after_time_up_reopens_the_step_and_warns_again():
    run = started()
    run.wait(299)
    run.wait(30)  # 29 s over time
    assert run.state.timer.time_up
    run.cmd("extend", seconds=120)  # 91 s left
    assert not run.state.timer.time_up and not run.state.timer.warned
    said = run.spoken(run.wait(40))
    assert said == ["Nog een minuut."]
    said = run.spoken(run.wait(60))
    assert run.state.timer.time_up and said[0].startswith("De tijd voor deze stap is om.")


def test_extend_after_time_up_by_too_little_stays_over_time():
    run = started()
    run.wait(400)  # 100 s over
    run.cmd("extend")
    assert run.state.timer.time_up and run.remaining() == pytest.approx(-40)


def test_remaining_says_the_time_left_in_spoken_dutch():
    run = started()
    assert run.spoken(run.cmd("remaining")) == ["Nog 5 minuten."]
    run.wait(200)
    assert run.spoken(run.cmd("remaining")) == ["Nog 2 minuten."]
    run.wait(60)
    assert run.spoken(run.cmd("remaining")) == ["Nog 40 seconden."]
    run.wait(80)
    assert run.spoken(run.cmd("remaining")) == ["We zitten over de tijd."]
    run.wait(180)
    assert run.spoken(run.cmd("remaining")) == ["We zitten 4 minuten over de tijd."]


def test_repeat_says_the_instruction_and_the_current_turn_again():
    run = started()
    assert run.spoken(run.cmd("repeat")) == ["Welkom. Anna, vertel."]
    run.cmd("next_step")
    run.cmd("next_turn")
    said = run.spoken(run.cmd("repeat"))
    assert said == ["Cue 2.", "Carla, jouw vraag."]  # no step heading, no new chime
    assert run.state.round.turn == "Carla"


# -- outcomes -------------------------------------------------------------------------------

def test_tip_marks_the_last_utterance_or_a_given_one():
    run = started()
    run.cmd("tip")
    assert run.rejected() == "Er is nog niets gezegd om als tip te markeren."
    run.t = 20
    run.say("bel haar eerst", 10, 12, uid="a")
    run.say("en schrijf het op", 13, 15, uid="b")
    run.cmd("note", text="een notitie is nooit de tip")
    effects = run.cmd("tip")
    noted = [e for e in effects if isinstance(e, OutcomeNoted)]
    assert noted[0].kind == "tip" and noted[0].line.text == "en schrijf het op"
    assert [e.line.type for e in effects if isinstance(e, LineChanged)] == ["tip"]
    run.cmd("tip", utterance="a")
    assert outcomes(run.state)["tips_by_person"] == {"Anna": ["bel haar eerst", "en schrijf het op"]}
    run.cmd("tip", utterance="bestaat-niet")
    assert run.rejected() is not None


def test_set_hulpvraag_and_outcomes():
    run = started()
    run.cmd("set_hulpvraag", text="   ")
    assert run.rejected() == "De hulpvraag is leeg."
    effects = run.cmd("set_hulpvraag", text="Hoe houd ik grenzen?")
    assert [e for e in effects if isinstance(e, OutcomeNoted)] == [OutcomeNoted("hulpvraag", "Hoe houd ik grenzen?")]
    run.cmd("set_outcome", kind="volgende_stap", text="Gesprek plannen")
    run.cmd("set_outcome", kind="volgende_stap", text="Gesprek plannen met Piet")  # replaces
    run.cmd("set_outcome", kind="nuttig", text="De stilte")
    run.cmd("set_outcome", kind="nuttig", text="")  # clears
    run.cmd("set_outcome", kind="onzin", text="x")
    assert "Onbekende uitkomst" in run.rejected()
    out = outcomes(run.state)
    assert out["hulpvraag"] == "Hoe houd ik grenzen?"
    assert out["volgende_stap"] == "Gesprek plannen met Piet"
    assert out["nuttig"] is None


def test_rate_questions_warm_neutral_cold():
    run = started()
    run.cmd("next_step")
    run.t += 10
    run.say("wat wil je zelf", run.t - 8, run.t - 2, uid="q1")
    line_id = transcript(run.state)[0]["id"]
    run.cmd("rate", utterance="q1", rating="w")
    assert transcript(run.state)[0]["rating"] == "W"
    run.cmd("rate", utterance=line_id, rating="K")  # by our own line id as well
    assert transcript(run.state)[0]["rating"] == "K"
    run.cmd("rate", utterance="q1", rating="heet")
    assert run.rejected() == "Kies W (warm), N (neutraal) of K (koud)."
    run.cmd("rate", utterance="q9", rating="W")
    assert run.rejected() == "Die regel bestaat niet."
    run.cmd("rate", utterance="q1", rating="-")  # clears
    assert transcript(run.state)[0]["rating"] is None
    run.cmd("rate", utterance="q1", rating="N")
    assert outcomes(run.state)["items"]["vraag"][0]["rating"] == "N"


def test_correct_changes_text_speaker_or_type_and_keeps_it_marked():
    run = started()
    run.t = 20
    run.say("ik weet het niet", 10, 12, uid="c1")
    run.cmd("correct", utterance="c1")
    assert run.rejected() == "Er is niets om te verbeteren."
    run.cmd("correct", utterance="c1", speaker="Zoë")
    assert run.rejected() == "'Zoë' is geen deelnemer."
    effects = run.cmd("correct", utterance="c1", text="ik weet het wel", speaker="Ben", type="tip")
    changed = [e.line for e in effects if isinstance(e, LineChanged)]
    assert [(c.text, c.speaker, c.type) for c in changed] == [("ik weet het wel", "Ben", "tip")]
    assert [e.kind for e in effects if isinstance(e, OutcomeNoted)] == ["correction"]
    line = transcript(run.state)[0]
    assert (line["text"], line["speaker"], line["type"], line["corrected"]) == ("ik weet het wel", "Ben", "tip", True)
    run.cmd("correct", utterance="nope", text="x")
    assert run.rejected() == "Die regel bestaat niet."


def test_note_is_kept_in_the_transcript_by_step():
    run = started()
    run.cmd("note", text="  ")
    assert run.rejected() == "De notitie is leeg."
    run.cmd("next_step")
    effects = run.cmd("note", text="Ben moet om vier uur weg", by="Eva")
    line = transcript(run.state)[0]
    assert (line["type"], line["speaker"], line["step_index"]) == ("notitie", "Eva", 1)
    assert [e.line.text for e in effects if isinstance(e, LineAdded)] == ["Ben moet om vier uur weg"]
    assert outcomes(run.state)["notes"] == ["Ben moet om vier uur weg"]


def test_checklist_ticks_and_unticks():
    run = started()
    run.cmd("checklist", checklist="reflectie", index=2)
    run.cmd("checklist", checklist="reflectie", index=3, checked=True)
    run.cmd("checklist", checklist="reflectie", index=2, checked=False)
    assert run.state.outcomes.checklist == (Mark("reflectie", 3),)


def test_a_bad_checklist_index_is_rejected_not_a_crash():
    run = started()
    run.cmd("checklist", checklist="reflectie", index="twee")
    assert run.rejected() is not None
    assert run.state.outcomes.checklist == ()


def test_unknown_command_kind_is_rejected():
    run = started()
    run.feed(Command("dance"))  # type: ignore[arg-type]
    assert run.rejected() == "Onbekende opdracht 'dance'."


def test_a_rejection_is_a_fact_of_its_command_only_and_changes_nothing():
    run = started()
    before = run.state
    run.cmd("previous_step")
    assert [(e.command, e.reason) for e in run.last] == [("previous_step", "Dit is de eerste stap.")]
    assert run.state == before  # no screen echo is kept in the state
    run.cmd("remaining")
    assert not any(isinstance(e, Rejected) for e in run.last)


def test_a_command_never_reads_the_clock_backwards():
    run = started()
    run.wait(100)
    run.t = 50  # a late, out-of-order event
    run.cmd("remaining")
    assert remaining_seconds(run.state, run.state.timer.last_clock) == pytest.approx(200)


# -- typed capture: what the turn holder said, typed in when there is no voice ---------

def test_a_typed_note_for_the_turn_is_the_turn_holders_item():
    run = started()
    run.cmd("next_step")                                     # a round of questions; Ben has the first turn
    holder = run.state.round.turn
    effects = run.cmd("note", text="Wat heb je al geprobeerd?", for_turn=True)
    line = transcript(run.state)[-1]
    assert (line["speaker"], line["type"], line["text"]) == (holder, "vraag", "Wat heb je al geprobeerd?")
    assert line["turn"] == run.state.round.turn_id
    assert [e.kind for e in effects if isinstance(e, OutcomeNoted)] == ["vraag"]
    assert outcomes(run.state)["items"]["vraag"][0]["by"] == holder


def test_a_typed_note_for_the_turn_outside_a_round_stays_a_note():
    run = started()
    run.cmd("note", text="Anna heeft de casus op papier", for_turn=True)
    line = transcript(run.state)[-1]
    assert line["type"] == "notitie" and outcomes(run.state)["items"] == {}


def test_a_typed_reply_of_the_inbrenger_is_a_reactie():
    run = Run.of("case-clinic")
    run.cmd("start")
    while run.state.step.title != "Spiegelen":                # a round the inbrenger answers afterwards
        run.cmd("next_step")
    for _ in PEOPLE[1:]:
        run.cmd("next_turn")
    assert run.state.round.responding
    run.cmd("note", text="Dank, daar ga ik mee aan de slag", for_turn=True)
    line = transcript(run.state)[-1]
    assert (line["speaker"], line["type"]) == ("Anna", "reactie")


def test_a_finished_meeting_can_be_reopened_where_it_ended_with_its_time():
    run = started()
    run.wait(100)
    run.cmd("finish")
    spent = view(run.state, run.t)["elapsed_seconds"]
    run.wait(600)                                            # a coffee later: that time does not count
    assert run.spoken(run.cmd("reopen")) == ["De bijeenkomst gaat verder. Zeg 'verder' als jullie zover zijn."]
    assert run.state.status == "paused" and run.state.step_index == 0
    assert view(run.state, run.t)["elapsed_seconds"] == spent
    assert run.remaining() == pytest.approx(200)
    run.cmd("resume")
    run.cmd("next_step")
    assert run.state.step_index == 1 and run.state.status == "running"


def test_reopen_is_refused_unless_finished():
    run = started()
    run.cmd("reopen")
    assert run.rejected() == "De bijeenkomst is niet afgerond."
