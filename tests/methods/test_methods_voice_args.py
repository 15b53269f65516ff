"""Spoken words with an argument, from the real phrase table to the engine: the inbrenger's "warm",
"neutraal", "koud" rates each question in order (tienstappen, socratisch), and a topic's score said on
its own ("acht", "8", "drie punten") ranks it in snelle adviesrondes. Inside a sentence they do not count."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_sim import Run  # noqa: E402

from facilitator.engine import outcomes  # noqa: E402
from voice.commands import CommandSpotter  # noqa: E402

PEOPLE = ("Anna", "Ben", "Carla", "Dirk", "Eva")
SPOTTER = CommandSpotter()


def heard(run: Run, text: str, by=None):
    """What the recogniser wrote, judged by the real phrase table; a command goes to the engine."""
    decision = SPOTTER.judge(text)
    if decision.accepted:
        run.feed(decision.command(by=by))
        return True
    return False


def _questions(run: Run) -> list[str]:
    asked = []
    while run.state.round is not None and run.state.round.turn:
        who = run.state.round.turn
        start = run.t + 1
        run.say(f"{who} vraagt iets", start, start + 3, uid=f"q-{who}")
        asked.append(f"{who} vraagt iets")
        run.cmd("next_turn", by=who)
    return asked


def test_the_inbrenger_rates_the_questions_in_order_by_voice():
    run = Run.of("tienstappenmethode", PEOPLE, "Anna")
    run.cmd("start")
    run.cmd("next_step")  # vragen formuleren: a rated round
    asked = _questions(run)
    if run.state.step.id == "vragen-formuleren":
        run.cmd("next_step")
    assert run.state.step.id == "vragen-waarderen"
    assert "in de volgorde waarin ze gesteld zijn" in run.spoken()[-1]
    for said in ("Warm.", "koud", "de laatste vind ik neutraal", "Neutraal", "warm"):
        heard(run, said, by="Anna")
    ratings = {line.text: line.rating for line in run.state.transcript}
    # The sentence with "neutraal" in it rated nothing: the fourth word rated the third question.
    assert [ratings[q] for q in asked] == ["W", "K", "N", "W"]
    assert heard(run, "koud") and run.rejected() == "Elke vraag heeft al een waardering; verander er een op het scherm."
    rated = {e["text"]: e["rating"] for e in outcomes(run.state)["items"]["vraag"]}
    assert rated["Ben vraagt iets"] == "W"


def test_warm_is_refused_where_the_method_does_not_rate():
    run = Run.of("case-clinic", PEOPLE, "Anna")
    run.cmd("start")
    run.say("Een vraag aan jou", 1, 3, uid="x")
    assert heard(run, "warm")
    assert run.rejected() == "In deze werkvorm waardeert de inbrenger geen vragen als warm, neutraal of koud."
    assert all(line.rating is None for line in run.state.transcript)


def test_a_score_said_after_the_topic_ranks_it_highest_first():
    run = Run.of("snelle-adviesrondes", PEOPLE, None)
    run.cmd("start")
    for who, topic, score in (("Anna", "de overdracht aan de nachtdienst", "6"), ("Ben", "een lastig gesprek", "acht"),
                              ("Carla", None, None), ("Dirk", "mijn planning", "drie punten"), ("Eva", None, None)):
        assert run.state.round.turn == who
        if topic is None:
            run.cmd("pass", by=who)
            continue
        start = run.t + 1
        run.say(f"Mijn onderwerp is {topic}", start, start + 3, uid=f"t-{who}")
        assert heard(run, f"ik geef het {score}") is False  # inside a sentence: no score
        assert heard(run, score)  # on its own: the score, for whoever has the word
        run.cmd("next_turn", by=who)
    if run.state.step.id == "inventarisatie":
        run.cmd("next_step")
    # The highest score goes first; the others wait in descending order, each with the topic said.
    assert run.state.inbrenger == "Ben" and run.state.step.id == "presentatie"
    ranked = sorted(((c.score, c.name, c.topic) for c in run.state.candidates), reverse=True)
    assert ranked == [(6, "Anna", "Mijn onderwerp is de overdracht aan de nachtdienst"),
                      (3, "Dirk", "Mijn onderwerp is mijn planning")]


def test_a_score_is_refused_where_topics_are_not_scored():
    run = Run.of("progressiegerichte-intervisie", PEOPLE, None)
    run.cmd("start")
    assert heard(run, "acht", by="Ben")
    assert run.rejected() == "In deze werkvorm geven we onderwerpen geen cijfer."
    assert run.state.candidates == ()


def test_the_spoken_outcome_names_its_kind_in_any_step():
    """"Dit is mijn volgende stap" said in a step that captures the hulpvraag still notes the next step."""
    run = Run.of("case-clinic", PEOPLE, "Anna")
    run.cmd("start")
    run.cmd("next_step")  # intentie: its outcome is the hulpvraag
    run.say("Hoe krijg ik mijn team mee", 10.0, 13.0, uid="a1")
    assert heard(run, "Dit is mijn hulpvraag.", by="Anna")
    run.say("Ik ga morgen met Ben praten", 14.0, 17.0, uid="a2")
    assert heard(run, "mijn volgende stap", by="Anna")
    assert outcomes(run.state)["hulpvraag"] == "Hoe krijg ik mijn team mee"
    assert outcomes(run.state)["volgende_stap"] == "Ik ga morgen met Ben praten"
    assert heard(run, "dit is mijn hulpvraag denk ik") is False  # inside a sentence: nothing is marked
