"""The default gate after a cue: the cue's tail (output latency, room echo) is never heard as speech."""

from __future__ import annotations

import numpy as np
import pytest

from facilitator.events import SpeechActivity, Utterance
from room_audio import Room
from voice.audio import frames_from_pcm
from voice.gate import Gate
from voice.pipeline import Listener
from voice_helpers import ko_table

pytestmark = pytest.mark.slow

CUE = "Nu de volgende stap: de vragenronde. Stel open vragen."
LATENCY = 0.2  # the cue leaves the loudspeaker this much later than the player's clock says


def test_the_end_of_a_cue_is_not_heard_within_the_default_gate(ko_model, pcm_of):
    samples = np.frombuffer(pcm_of(CUE, "nl"), dtype="<i2")
    loud = np.nonzero(np.abs(samples.astype(np.int32)) > 300)[0]
    cue = samples[loud[0]:loud[-1] + 1]  # the cue's sound from its first to its last audible sample
    room = Room()
    room.pause(1.0 + LATENCY)
    room.say(cue, gap=2.0)
    played_from, played_to = 1.0, 1.0 + len(cue) / 16000  # what the player knows
    gate = Gate()  # the default tail, as the live wiring builds it
    gate.close(played_from, played_to)
    items = list(Listener(frames_from_pcm(room.pcm()), ko_model, commands=ko_table(), gate=gate))
    heard = [h.event for h in items if isinstance(h.event, (SpeechActivity, Utterance))]
    assert heard == []
