"""Half-duplex: how many cues does the recognizer hear back during a run? (must be 0)

    .venv/bin/python benchmarks/voice_echo.py

A simulated room: the microphone hears the participants (Korean espeak-ng speech with
command phrases, for the Korean test model) plus the loudspeaker, which plays the Dutch
cues the Speaker renders in reply to each command and on a timer. Run once with the gate
(the product) and once without it, to show the cues would otherwise be heard.
"""

from __future__ import annotations

import tempfile
import threading

import numpy as np
from voice_common import KO_COMMANDS, KO_SETTINGS, SENTENCES, build, header, ko_model_path, peak_rss_mb

from facilitator.events import Command, SpeechActivity, Utterance
from voice.asr import load_model
from voice.audio import SAMPLE_RATE, frames_from_pcm
from voice.commands import CommandTable
from voice.gate import Gate
from voice.player import Clip, Player, RecordingSink
from voice.speaker import Speaker

REPLIES = {
    "pause": "We pauzeren. Zeg verder als jullie klaar zijn.",
    "resume": "We gaan verder. Volgende stap.",
    "repeat": "Ik herhaal: stel een open vraag, geen advies.",
    "next_turn": "Dank je wel. Het woord is aan de volgende.",
    "pass": "Je past. Het woord is aan de volgende.",
}
TIMER_CUE = "Nog één minuut voor deze stap. Ik pas de tijd aan."
ECHO_GAIN = 0.6  # the loudspeaker as the microphone hears it


class WaitingSink(RecordingSink):
    """Records plays and lets the room wait until a queued cue has reached the loudspeaker."""

    def __init__(self):
        super().__init__()
        self._cond = threading.Condition()

    def play(self, clip: Clip, at: float) -> None:
        with self._cond:
            super().play(clip, at)
            self._cond.notify_all()

    def wait_for(self, count: int) -> None:
        with self._cond:
            self._cond.wait_for(lambda: len(self.played) >= count, timeout=10)


class Room:
    """Microphone frames: the participants plus every cue the loudspeaker is playing."""

    def __init__(self, pcm: bytes, sink: WaitingSink):
        self.pcm, self.sink, self.now = pcm, sink, 0.0
        self._tracks: list[tuple[float, np.ndarray]] = []
        self._seen = 0

    def __iter__(self):
        for frame in frames_from_pcm(self.pcm):
            for at, clip in self.sink.played[self._seen:]:
                t = np.arange(0, clip.duration, 1 / SAMPLE_RATE)
                resampled = np.interp(t, np.arange(len(clip.samples)) / clip.rate, clip.samples.astype(np.float64))
                self._tracks.append((at, resampled * ECHO_GAIN))
            self._seen = len(self.sink.played)
            mix = np.frombuffer(frame.pcm, dtype="<i2").astype(np.float64)
            for at, track in self._tracks:
                i0 = int(round((frame.start - at) * SAMPLE_RATE))
                if i0 + len(mix) <= 0 or i0 >= len(track):
                    continue
                lo, hi = max(0, -i0), min(len(mix), len(track) - i0)
                mix[lo:hi] += track[i0 + lo:i0 + hi]
            self.now = frame.end
            yield frame.__class__(np.clip(mix, -32768, 32767).astype("<i2").tobytes(), frame.start)


def run(model, table, pcm, marks, cache: str, gated: bool) -> dict:
    sink = WaitingSink()
    gate = Gate(tail=0.3)
    room = Room(pcm, sink)
    player = Player(sink=sink, gate=gate, clock=lambda: room.now)
    speaker = Speaker(cache, player=player)
    import voice.pipeline as _pipeline; Listener = _pipeline.Listener

    listener = Listener(room, model, commands=table, gate=gate if gated else None)
    events, next_timer, cues = [], 20.0, 0
    for heard in listener:
        events.append(heard)
        say = None
        if isinstance(heard.event, Command):
            say = REPLIES[heard.event.kind]
        elif isinstance(heard.event, SpeechActivity) and not heard.event.speaking and heard.at >= next_timer:
            # A considerate chair: time warnings wait until the speaker pauses.
            say, next_timer = TIMER_CUE, heard.at + 20.0
        if say:
            speaker.say(say)
            cues += 1
            sink.wait_for(cues)
    speaker.close()
    spans = [(at, at + clip.duration) for at, clip in sink.played]

    def inside(a: float, b: float) -> bool:
        return any(a < e and b > s for s, e in spans)

    heard_back = {
        "utterances": sum(1 for h in events if isinstance(h.event, Utterance) and inside(h.event.start, h.event.end)),
        "speech starts": sum(1 for h in events if isinstance(h.event, SpeechActivity) and h.event.speaking
                             and inside(h.event.at, h.event.at + 0.01)),
        "commands": sum(1 for h in events if isinstance(h.event, Command) and inside(h.decision.start,
                                                                                     h.decision.end)),
    }
    kinds = {p: k for k, ps in KO_COMMANDS.items() for p in ps}
    said = [(text, s, e) for text, s, e in marks if text in kinds]
    under_cue = [m for m in said if inside(m[1], m[2])]
    right, false = 0, 0
    for h in events:
        if isinstance(h.event, Command):
            match = [m for m in said if m[1] - 0.3 <= h.decision.start <= m[2] and kinds[m[0]] == h.event.kind]
            right, false = (right + 1, false) if match else (right, false + 1)
    return {"cues": len(spans), "cue_seconds": sum(e - s for s, e in spans), "heard_back": heard_back,
            "said": len(said), "under_cue": len(under_cue), "right": right, "false": false,
            "gated_frames": listener.stats["gated_frames"]}


def main() -> None:
    header("voice half-duplex: cues heard back by the recognizer")
    phrases = [p for ps in KO_COMMANDS.values() for p in ps]
    script = [line for i in range(10) for line in (SENTENCES[i % len(SENTENCES)], phrases[i % len(phrases)])]
    pcm, marks = build(script, gap=6.0)  # room for a reply cue (~4 s) after each line
    model = load_model(ko_model_path())
    table = CommandTable.from_phrases(KO_COMMANDS, **KO_SETTINGS)
    with tempfile.TemporaryDirectory() as cache:
        for gated in (True, False):
            r = run(model, table, pcm, marks, cache, gated)
            total = sum(r["heard_back"].values())
            label = "with the gate (product)" if gated else "without the gate       "
            print(f"{label}: {r['cues']} cues ({r['cue_seconds']:.0f} s) over {len(pcm) / 32000:.0f} s; "
                  f"heard back: {total} {r['heard_back']}")
            print(f"    commands said {r['said']} ({r['under_cue']} while a cue played), recognised {r['right']}, "
                  f"false {r['false']}; gated frames {r['gated_frames']}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
