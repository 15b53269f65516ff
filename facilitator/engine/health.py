"""Health: the microphone, speech output, the recogniser and the store; the meeting goes on."""

from __future__ import annotations

from facilitator.events import DeviceEvent, Effect
from facilitator.engine import cues, phrases
from facilitator.engine.state import Failure, Health, State
from facilitator.notices import notice as notice_text

MIC_LOST_NOTICE = notice_text("mic_lost")
_FAILED = {"speech_failed": "speech", "asr_failed": "asr", "store_failed": "store"}
_RESTORED = {"speech_restored": "speech", "asr_restored": "asr", "store_restored": "store"}


def device(state: State, event: DeviceEvent, now: float, out: list[Effect]) -> State:
    health = state.health
    if event.kind == "mic_lost":
        if not health.mic_ok:
            return state
        state = state.evolve(health=health.evolve(mic_ok=False, notices=health.notices + (MIC_LOST_NOTICE,)))
        return cues.say(state, out, phrases.mic_lost(), "warning", chime=True)
    if event.kind == "mic_restored":
        if health.mic_ok:
            return state
        notices = tuple(n for n in health.notices if n != MIC_LOST_NOTICE)
        state = state.evolve(health=health.evolve(mic_ok=True, notices=notices))
        return cues.say(state, out, phrases.mic_restored(), "info")
    if event.kind in _FAILED:
        # One notice per failing part: the newest cause replaces the older one.
        part = _FAILED[event.kind]
        notice = notice_text(event.kind, event.detail)  # the part's own words say what to do
        cleared = _clear(health, part)
        return state.evolve(health=cleared.evolve(notices=cleared.notices + (notice,),
                                                  failures=cleared.failures + (Failure(part, notice),)))
    return state.evolve(health=_clear(health, _RESTORED[event.kind]))


def _clear(health: Health, part: str) -> Health:
    gone = {f.notice for f in health.failures if f.part == part}
    return health.evolve(notices=tuple(n for n in health.notices if n not in gone),
                         failures=tuple(f for f in health.failures if f.part != part))
