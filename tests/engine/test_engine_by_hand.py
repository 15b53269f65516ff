"""Without voice the cues speak of buttons and keys: every line of the 21 methods' spoken scripts, said to a
room that is not listened to, names the button (and its key) instead of a command to say."""

from __future__ import annotations

import re
from pathlib import Path

from facilitator.engine.phrases import by_hand

SNAPSHOTS = Path(__file__).parent / "snapshots"
SAY_A_COMMAND = re.compile(r"\b[Zz]eg (eerst )?'|\bZeg (ja|wie)\b")


def test_no_line_of_any_method_asks_a_room_without_voice_to_say_a_command():
    lines = [line for path in sorted(SNAPSHOTS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
    asking = [line for line in lines if SAY_A_COMMAND.search(line)]
    assert len(asking) > 40                                     # the voiced scripts do ask, often
    assert [line for line in asking if SAY_A_COMMAND.search(by_hand(line))] == []


def test_the_buttons_and_their_keys():
    assert by_hand("Dat was de ronde. Zeg 'volgende stap' als jullie zover zijn.") == \
        "Dat was de ronde. Druk op 'Volgende stap' (toets S) als jullie zover zijn."
    assert by_hand("We pauzeren; zeg eerst 'verder'.") == "We pauzeren; druk eerst op 'Verder' (spatiebalk)."
    assert by_hand("Is er tijd? Zeg ja of nee.") == "Is er tijd? Kies op het scherm ja of nee."
    assert by_hand("Weet je even niets, zeg dan: ik pas.") == "Weet je even niets, zeg dan: ik pas."  # to the group
