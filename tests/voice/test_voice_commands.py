"""Dutch command spotting on recognizer-shaped output (Vosk JSON, plain text, Utterances)."""

from __future__ import annotations

import json
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.events import Command, Utterance, Word
from voice.commands import DEFAULT_TABLE, CommandSpotter, CommandTable, default_table, normalize

spotter = CommandSpotter()


def vosk_final(text: str, start: float = 0.5, word: float = 0.3, conf: float = 1.0) -> str:
    """A final result shaped exactly like KaldiRecognizer.Result() with SetWords(True)."""
    words = [{"conf": conf, "end": round(start + (i + 1) * word, 2), "start": round(start + i * word, 2), "word": w}
             for i, w in enumerate(text.split())]
    return json.dumps({"result": words, "text": text} if words else {"text": ""}, ensure_ascii=False)


ALL = [(p, kind) for kind, spec in tomllib.loads(DEFAULT_TABLE.read_text())["commands"].items()
       for p in [*spec.get("phrases", ()), *spec.get("phrase_args", {})]]


@pytest.mark.parametrize("phrase,kind", ALL)
def test_each_phrase_said_alone_is_its_command(phrase, kind):
    decision = spotter.judge(vosk_final(phrase))
    assert decision.accepted and decision.kind == kind and decision.reason == "ok"
    command = decision.command()
    # The command also says where it was spoken, so the engine keeps its words out of the transcript.
    spoken = {"spoken": [round(decision.start, 3), round(decision.end, 3)]} if decision.start is not None else {}
    assert command == Command(kind, source="voice", args={**decision.args, **spoken})


def test_the_brief_phrases_are_all_there():
    table = default_table()
    expected = {
        "ik pas": "pass", "pas": "pass", "volgende": "next_turn", "ik ben klaar": "next_turn",
        "volgende stap": "next_step", "vorige stap": "previous_step", "pauze": "pause", "verder": "resume",
        "herhaal": "repeat", "wat moeten we doen": "repeat", "hoeveel tijd nog": "remaining",
        "nog een minuut": "extend", "meer tijd": "extend", "tip": "tip",
        "ik wil": "choose_inbrenger", "ik wil inbrengen": "choose_inbrenger", "ik": "choose_inbrenger",
        "dit is mijn hulpvraag": "mark_outcome", "mijn hulpvraag": "mark_outcome",
        "dit is mijn volgende stap": "mark_outcome", "mijn volgende stap": "mark_outcome",
        "ja": "answer", "nee": "answer",
        "waarom doen we dit": "explain", "uitleg": "explain", "wat is de bedoeling": "explain",
        "warm": "rate", "neutraal": "rate", "koud": "rate", "een punten": "choose_inbrenger",
        **{w: "choose_inbrenger" for n in ("twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien")
           for w in (n, f"{n} punten")},
    }
    assert {p: e.kind for p, e in table.entries.items()} == expected
    assert table.phrases == sorted(expected)


@pytest.mark.parametrize("heard, args", [
    ("warm", {"rating": "W"}), ("Neutraal.", {"rating": "N"}), ("Koud!", {"rating": "K"}), ("Warme.", {"rating": "W"}),
    ("acht", {"score": 8}), ("8", {"score": 8}), ("Acht punten.", {"score": 8}), ("10", {"score": 10}),
    ("drie punten", {"score": 3}), ("1 punt", {"score": 1}), ("Eén punt.", {"score": 1}),
])
def test_a_phrase_carries_its_own_argument(heard, args):
    """W/N/K and a topic's score: one kind, the argument by the phrase, as Vosk or Whisper writes it."""
    decision = CommandSpotter().judge(heard)
    assert decision.accepted, decision
    assert {k: v for k, v in decision.command().args.items() if k != "spoken"} == args


def test_a_bare_een_is_no_score():
    assert not CommandSpotter().judge("een").accepted


def test_extend_carries_its_seconds():
    args = spotter.judge(vosk_final("nog een minuut")).command().args
    assert args["seconds"] == 60 and set(args) <= {"seconds", "spoken"}


@pytest.mark.parametrize("phrase", ["volgende stap", "vorige stap"])
def test_a_spoken_step_change_counts_only_from_the_procesbegeleider(tmp_path, phrase):
    """What the table's step-changing commands do once spotted: with step_commands_by =
    procesbegeleider, the engine takes them from her voice only; a click is anyone's."""
    from facilitator.service import MeetingService
    from methods import load_library

    service = MeetingService(tmp_path, load_library(None))
    mid = service.create("case-clinic", ["Anna", "Ben", "Carla", "Dirk", "Eva"], "Ben", procesbegeleider="Anna",
                         options={"step_commands_by": "procesbegeleider"})
    service.command(mid, "start")
    service.command(mid, "next_step")  # a click: step 2, so that going back is possible too
    spoken = spotter.judge(vosk_final(phrase)).command()
    before = service.view(mid)["step"]["index"]
    said_by_ben = service.command(mid, spoken.kind, source="voice", by="Ben", **spoken.args)
    assert not said_by_ben["ok"] and "procesbegeleider" in said_by_ben["reason"]
    assert service.view(mid)["step"]["index"] == before
    assert service.command(mid, spoken.kind, source="voice", by="Anna", **spoken.args)["ok"]
    assert service.view(mid)["step"]["index"] == before + (1 if spoken.kind == "next_step" else -1)


@pytest.mark.parametrize("shape", ["json", "dict", "utterance", "text", "partial"])
def test_result_shapes(shape):
    raw = vosk_final("volgende stap")
    result = {
        "json": raw,
        "dict": json.loads(raw),
        "utterance": Utterance("volgende stap", 0.5, 1.1, words=(Word("volgende", 0.5, 0.8), Word("stap", 0.8, 1.1))),
        "text": "Volgende stap!",
        "partial": json.dumps({"partial": "volgende stap"}),
    }[shape]
    assert spotter.judge(result).kind == "next_step"


def test_longest_phrase_wins_as_a_whole():
    assert spotter.judge(vosk_final("volgende")).kind == "next_turn"
    assert spotter.judge(vosk_final("volgende stap")).kind == "next_step"


def test_fillers_around_a_command_are_ignored():
    assert spotter.judge(vosk_final("eh ik pas")).kind == "pass"
    assert spotter.judge("Oké, volgende.").kind == "next_turn"
    assert spotter.judge(vosk_final("ehm")).reason == "empty"
    assert spotter.judge(vosk_final("")).reason == "empty"


@pytest.mark.parametrize("text", [
    "ik pas dat toe",
    "dat is de volgende stap in het proces",
    "ik pas even op de kinderen",
    "wat moeten we doen met de planning",
    "nog een minuut of tien",
    "ik heb een tip voor jou",
    "die vraag vind ik warm",
    "koud is het hier",
    "mijn onderwerp krijgt een acht",
    "ik geef het acht punten",
])
def test_a_phrase_inside_a_sentence_is_not_a_command(text):
    decision = spotter.judge(vosk_final(text))
    assert not decision.accepted and decision.reason == "inside_sentence"


def test_grammar_mode_unknown_words_mean_a_longer_utterance():
    # With [unk] in the grammar, "ik pas dat toe" comes back as below.
    assert spotter.judge(vosk_final("ik pas [unk] [unk]")).reason == "inside_sentence"
    assert spotter.judge(vosk_final("[unk] [unk]")).reason == "unknown_words"


def test_other_speech_is_not_a_command():
    assert spotter.judge(vosk_final("goedemorgen allemaal")).reason == "not_a_command"


def test_low_confidence_is_not_acted_on():
    assert spotter.judge(vosk_final("ik pas", conf=0.4)).reason == "low_confidence"
    assert spotter.judge(vosk_final("ik pas", conf=0.7)).accepted


def test_a_drawn_out_phrase_is_too_long():
    assert spotter.judge(vosk_final("volgende stap", word=1.5)).reason == "too_long"


def test_speech_around_the_phrase_makes_it_part_of_a_sentence():
    raw = vosk_final("ik pas", start=3.0)  # words 3.0 - 3.6
    assert spotter.judge(raw, segment=(2.9, 3.7)).accepted
    assert spotter.judge(raw, segment=(0.5, 3.7)).reason == "inside_sentence"


def test_the_transcript_confirms_a_grammar_hit():
    raw = vosk_final("ik pas", start=1.0)
    alone = [Word("ik", 1.0, 1.3), Word("pas", 1.3, 1.6)]
    sentence = alone + [Word("dat", 1.6, 1.8), Word("toe", 1.8, 2.0), Word("vandaag", 2.0, 2.4)]
    assert spotter.judge(raw, transcript_words=alone).accepted
    assert spotter.judge(raw, transcript_words=sentence).reason == "inside_sentence"
    assert spotter.judge(raw, transcript_words=[Word("eh", 0.8, 0.9)] + alone + [Word("pas", 1.6, 1.8)]).accepted


def test_normalize():
    assert normalize("  Ik PAS!  ") == "ik pas"
    assert normalize("oké,  [unk]") == "oké [unk]"


def test_table_errors_name_the_problem():
    with pytest.raises(ValueError, match="commands.dance"):
        CommandTable.from_data({"commands": {"dance": {"phrases": ["dansen"]}}})
    with pytest.raises(ValueError, match="needs at least one phrase"):
        CommandTable.from_data({"commands": {"pass": {"phrases": []}}})
    with pytest.raises(ValueError, match="both pass and tip"):
        CommandTable.from_phrases({"pass": ["tip"], "tip": ["tip"]})
    with pytest.raises(ValueError, match="unknown setting"):
        CommandTable.from_data({"settings": {"loudness": 3}, "commands": {}})


OTHER_WORDS = st.lists(st.sampled_from(
    ["dat", "toe", "de", "het", "morgen", "jij", "was", "proces", "goed", "wij", "gisteren", "casus", "vraag"]),
    min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(phrase=st.sampled_from([p for p, _ in ALL]), before=OTHER_WORDS, after=OTHER_WORDS,
       where=st.sampled_from(["before", "after", "both"]))
def test_never_a_command_with_other_words_around_it(phrase, before, after, where):
    words = (before if where != "after" else []) + phrase.split() + (after if where != "before" else [])
    decision = spotter.judge(vosk_final(" ".join(words)))
    assert not decision.accepted


@pytest.mark.parametrize("heard, kind", [
    ("Ik pass.", "pass"),             # Whisper writes the English word
    ("Pass!", "pass"),
    ("Volgende.", "next_turn"),
    ("volgen de stap", "next_step"),  # one word split in two
    ("Volgendestap", "next_step"),    # two words merged
    ("Nog 1 minuut.", "extend"),      # digits
    ("Nog één minuut", "extend"),
    ("Eh, pauze.", "pause"),
])
def test_commands_as_recognizers_write_them(heard, kind):
    decision = CommandSpotter().judge(heard)
    assert decision.accepted and decision.kind == kind, decision


@pytest.mark.parametrize("heard", ["Ik pass dat vaak toe.", "De volgen de stap is praten.", "Nog 1 minuut en dan stoppen we."])
def test_variants_inside_a_sentence_are_still_no_command(heard):
    decision = CommandSpotter().judge(heard)
    assert not decision.accepted and decision.reason == "inside_sentence", decision
