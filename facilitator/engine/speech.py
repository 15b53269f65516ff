"""Speech: who has the word when, who talked how long, and what became a transcript line.

A final utterance arrives a second or two after it was spoken, maybe after the turn moved
on, so it is attributed by when it started (the `attributions` history), not by arrival.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from facilitator.events import Effect, Heard, OutcomeNoted, SpeechActivity, Utterance
from facilitator.engine.state import GROUP, Attribution, Line, State, Stretch

_KEEP_ATTRIBUTIONS = 32


def _current(state: State) -> tuple[str, Optional[int], Optional[str]]:
    """Who has the word now as far as the method tells, with the turn and the item."""
    if state.status != "running":
        return GROUP, None, None
    turns = state.round
    item = state.step.round.item if state.step.round is not None else None
    if turns is not None:
        if turns.turn:
            return turns.turn, turns.turn_id, item
        if turns.responding:
            return state.inbrenger or GROUP, turns.turn_id, "reactie"
    speakers = state.step.speakers
    if speakers == ("inbrenger",) and state.inbrenger and state.awaiting is None:
        return state.inbrenger, None, None
    if speakers == ("procesbegeleider",) and state.setup.procesbegeleider:
        return state.setup.procesbegeleider, None, None
    return GROUP, None, None


def speaker_now(state: State) -> str:
    return _current(state)[0]


def mark(state: State, now: float) -> State:
    """Remember who has the word from `now` on."""
    if state.status == "ready":
        return state  # nothing is attributed before the start (and ticks then must not leave traces)
    who, turn_id, item = _current(state)
    talk = state.speech
    if talk.since is not None and state.status == "running" and talk.who != who:
        # The word moved while someone kept talking: book the stretch so far on who had it.
        state = end_segment(state, now)
        talk = state.speech
    entry = Attribution(now, who, turn_id, item, state.step_index)
    if talk.attributions and talk.attributions[-1].same_word(entry):
        return state
    return state.evolve(speech=talk.evolve(attributions=(talk.attributions + (entry,))[-_KEEP_ATTRIBUTIONS:]))


def _attribution_at(state: State, t: float) -> Attribution:
    chosen = None
    for entry in state.speech.attributions:
        if entry.at <= t + 1e-9:
            chosen = entry
        else:
            break
    if chosen is None:
        if state.speech.attributions:
            return state.speech.attributions[0]
        return Attribution(t, *_current(state), state.step_index)
    return chosen


def end_segment(state: State, now: float) -> State:
    """Book the running stretch of speech and keep listening under the new attribution."""
    talk = state.speech
    if talk.since is None:
        return state
    spent = max(0.0, now - talk.since)
    booked = talk.booked
    if spent > 0:
        booked = booked + (Stretch(talk.who or GROUP, state.step_index, spent),)
    if state.status == "running":
        return state.evolve(speech=talk.evolve(booked=booked, since=now, who=speaker_now(state)))
    return state.evolve(speech=talk.evolve(booked=booked, since=None, who=None))


def activity(state: State, event: SpeechActivity, now: float, out: list[Effect]) -> State:
    at = min(event.at, now)
    talk = state.speech
    if event.speaking:
        if talk.since is not None or state.status != "running":
            return state
        return state.evolve(speech=talk.evolve(since=at, who=speaker_now(state)))
    if talk.since is None:
        return state
    state = end_segment(state, max(at, talk.since))
    return state.evolve(speech=state.speech.evolve(since=None, who=None))


def utterance(state: State, utt: Utterance, now: float, out: list[Effect]) -> State:
    if state.status == "ready" or (state.status == "finished" and not utt.final):
        return state
    if not utt.final:
        if not state.step.transcribe or state.step.silence:
            return state
        out.append(Heard(utt.text.strip(), speaker_now(state)))  # shown, never kept
        return state
    pieces = _split_at_step_changes(state, utt)
    if len(pieces) > 1:
        # Someone spoke on while the step changed: each part is a line of its own step.
        for piece in pieces:
            state = utterance(state, piece, now, out)
        return state
    text = utt.text.strip()
    said = _attribution_at(state, min(utt.start, now))
    step = state.method.steps[said.step_index]
    if not text or not step.transcribe or step.silence:
        # Silence and untranscribed steps: speech counts as activity only, never as text.
        return state
    if utt.id is not None:
        index = next((i for i in range(len(state.transcript) - 1, -1, -1)
                      if state.transcript[i].source_id == utt.id), None)
        if index is not None:
            # Re-sent (a replay) or revised: Whisper gives a Vosk line its text a moment later.
            # A line someone corrected by hand keeps their text. (Whether words are a command is the
            # listener's decision: a command's words never arrive here as an utterance.)
            line = state.transcript[index]
            if line.corrected or line.text == text:
                return state
            return replace_line(state, index, text=text)
        if any((line.source_id or "").startswith(f"{utt.id}#") for line in state.transcript):
            return state  # split at a step change before; the revision does not cross it: keep the parts
    number = state.speech.lines_made + 1
    line = Line(id=f"u{number}", step_index=said.step_index, speaker=said.speaker, text=text,
                start=utt.start, end=utt.end, type=said.item, turn_id=said.turn_id, source_id=utt.id)
    state = state.evolve(speech=state.speech.evolve(lines_made=number, transcript=state.transcript + (line,)))
    if said.item and said.item != "reactie":
        out.append(OutcomeNoted(said.item, line=line))
    return state


def _split_at_step_changes(state: State, utt: Utterance) -> list[Utterance]:
    groups: list[list] = []
    last = None
    for word in utt.words:
        index = _attribution_at(state, word.start).step_index
        if index != last:
            groups.append([])
            last = index
        groups[-1].append(word)
    if len(groups) <= 1:
        return [utt]
    return [Utterance(" ".join(w.word for w in g), g[0].start, g[-1].end, final=True, words=tuple(g),
                      confidence=utt.confidence, id=f"{utt.id}#{k}" if utt.id else None)
            for k, g in enumerate(groups)]


def holder(state: State) -> tuple[str, Optional[int], Optional[str]]:
    """Who has the turn now, the turn's number and what the round collects (None outside a turn)."""
    return _current(state)


def add_note(state: State, by: Optional[str], text: str, now: float, item: Optional[str] = None,
             turn_id: Optional[int] = None) -> tuple[State, Line]:
    number = state.speech.lines_made + 1
    line = Line(id=f"n{number}", step_index=state.step_index, speaker=by or "notitie",
                text=text, start=now, end=now, type=item or "notitie", turn_id=turn_id)
    return state.evolve(speech=state.speech.evolve(lines_made=number, transcript=state.transcript + (line,))), line


def find_line(state: State, ref) -> Optional[int]:
    for i in range(len(state.transcript) - 1, -1, -1):
        line = state.transcript[i]
        if line.id == ref or (ref is not None and line.source_id == ref):
            return i
    return None


def replace_line(state: State, index: int, **changes) -> State:
    lines = list(state.transcript)
    lines[index] = replace(lines[index], **changes)
    return state.evolve(speech=state.speech.evolve(transcript=tuple(lines)))
