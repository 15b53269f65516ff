"""Spoken commands: the phrase table (data in voice/data/commands.toml) and the rules that
decide whether something heard is a command said on its own, or words inside a sentence."""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from facilitator.events import COMMAND_KINDS, Command, Utterance, Word

DEFAULT_TABLE = Path(__file__).parent / "data" / "commands.toml"
UNK = "[unk]"


def normalize(text: str) -> str:
    """Lower case, no punctuation, single spaces: the form phrases are written in."""
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"[^\w\s\[\]]", " ", text)  # keep [unk]; "oké!" -> "oké"
    return " ".join(text.split())


@dataclass(frozen=True)
class Settings:
    min_confidence: float = 0.6
    max_seconds: float = 2.5
    segment_slack: float = 0.8
    max_extra_words: int = 1
    fillers: frozenset[str] = frozenset()
    # How recognizers spell our phrases: "ik pass", "volgen de stap", "nog 1 minuut" (spoken -> phrase words).
    variants: Mapping[str, str] = field(default_factory=dict)
    # Whisper's word probabilities run lower than Vosk's confidences for the same clear word.
    whisper_min_confidence: float = 0.3


@dataclass(frozen=True)
class CommandPhrase:
    phrase: str
    kind: str
    args: Mapping[str, Any] = field(default_factory=dict)


class CommandTable:
    """Phrase -> command kind, loaded from data. Which kinds change the step is the engine's
    (facilitator.events.STEP_CHANGING), not the phrase table's."""

    def __init__(self, entries: Iterable[CommandPhrase], *, settings: Settings = Settings()):
        self.entries: dict[str, CommandPhrase] = {}
        for e in entries:
            key = normalize(e.phrase)
            if key in self.entries and self.entries[key].kind != e.kind:
                raise ValueError(f"phrase {e.phrase!r} is used for both {self.entries[key].kind} and {e.kind}")
            self.entries[key] = CommandPhrase(key, e.kind, dict(e.args))
        phrase_words = {w for key in self.entries for w in key.split()}
        # A filler that is also part of a phrase is not a filler ("ja" could be a command somewhere).
        self.settings = replace(settings, fillers=frozenset(settings.fillers) - phrase_words)

    @classmethod
    def load(cls, path: Optional[Union[str, Path]] = None) -> "CommandTable":
        path = Path(path) if path else DEFAULT_TABLE
        with open(path, "rb") as fh:
            return cls.from_data(tomllib.load(fh), source=str(path))

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, source: str = "<data>") -> "CommandTable":
        raw = dict(data.get("settings", {}))
        raw["fillers"] = frozenset(normalize(f) for f in raw.get("fillers", ()))
        raw["variants"] = {normalize(k): normalize(v) for k, v in dict(raw.get("variants", {})).items()}
        # Older tables have act_on_partials: the Listener now always decides when voice activity
        # ends (the recognizers are flushed then), so the setting has nothing left to switch.
        raw.pop("act_on_partials", None)
        unknown = set(raw) - set(Settings.__dataclass_fields__)
        if unknown:
            raise ValueError(f"{source}: unknown setting(s) {sorted(unknown)}")
        entries = []
        for kind, spec in data.get("commands", {}).items():
            if kind not in COMMAND_KINDS:
                raise ValueError(f"{source}: commands.{kind}: not a command kind ({', '.join(COMMAND_KINDS)})")
            # phrase_args: a phrase with arguments of its own ("warm" rates W, "acht" scores 8).
            by_phrase = spec.get("phrase_args") or {}
            if not isinstance(by_phrase, Mapping) or not all(isinstance(v, Mapping) for v in by_phrase.values()):
                raise ValueError(f"{source}: commands.{kind}.phrase_args: a table of phrase = {{ arg = value }}")
            phrases = list(spec.get("phrases") or [])
            phrases += [p for p in by_phrase if p not in phrases]
            if not phrases:
                raise ValueError(f"{source}: commands.{kind}: needs at least one phrase")
            for p in phrases:
                entries.append(CommandPhrase(p, kind, {**spec.get("args", {}), **by_phrase.get(p, {})}))
        return cls(entries, settings=Settings(**raw))

    @classmethod
    def from_phrases(cls, mapping: Mapping[str, Sequence[str]], **settings: Any) -> "CommandTable":
        """A table from {kind: [phrases]} (tests, other languages)."""
        if "fillers" in settings:
            settings["fillers"] = frozenset(settings["fillers"])
        return cls((CommandPhrase(p, k) for k, ps in mapping.items() for p in ps), settings=Settings(**settings))

    @property
    def phrases(self) -> list[str]:
        """The phrase list for a grammar-mode recognizer."""
        return sorted(self.entries)

    def tokens(self, text: str) -> list[str]:
        """The words of `text` as our phrases spell them: normalized, variants replaced, fillers out."""
        tokens = normalize(text).split()
        variants = self.settings.variants
        if variants:
            longest = max(len(k.split()) for k in variants)
            out, i = [], 0
            while i < len(tokens):
                for n in range(min(longest, len(tokens) - i), 0, -1):
                    key = " ".join(tokens[i:i + n])
                    if key in variants:
                        out += variants[key].split()
                        i += n
                        break
                else:
                    out.append(tokens[i])
                    i += 1
            tokens = out
        return [t for t in tokens if t not in self.settings.fillers]


@lru_cache(maxsize=1)
def default_table() -> CommandTable:
    return CommandTable.load()


@dataclass(frozen=True)
class Decision:
    """What the spotter made of one recognizer result; `reason` says why (for logs and tests)."""

    accepted: bool
    reason: str  # ok, empty, not_a_command, inside_sentence, unknown_words, low_confidence, too_long,
    #              cut_by_cue (set by the Listener: a cue cut into the speech)
    kind: Optional[str] = None
    phrase: Optional[str] = None
    start: Optional[float] = None
    end: Optional[float] = None
    confidence: Optional[float] = None
    args: Mapping[str, Any] = field(default_factory=dict)

    def command(self, by: Optional[str] = None) -> Command:
        if not self.accepted or self.kind is None:
            raise ValueError("not an accepted command")
        args = dict(self.args)
        if self.start is not None and self.end is not None:
            # Where in the stream the command was said, so its words are not kept as content.
            args["spoken"] = [round(self.start, 3), round(self.end, 3)]
        return Command(self.kind, source="voice", by=by, args=args)  # type: ignore[arg-type]


Result = Union[Utterance, Mapping[str, Any], str]


def _parse(result: Result) -> tuple[str, list[Word]]:
    """Text and timed words from an Utterance, a Vosk JSON dict, a JSON string, or plain text."""
    if isinstance(result, Utterance):
        return result.text, list(result.words)
    if isinstance(result, str):
        stripped = result.strip()
        if stripped.startswith("{"):
            result = json.loads(stripped)
        else:
            return stripped, []
    text = result.get("text", result.get("partial", "")) or ""
    items = result.get("result") or result.get("partial_result") or []
    return text, [Word(w["word"], float(w["start"]), float(w["end"]), float(w.get("conf", 1.0))) for w in items]


class CommandSpotter:
    """Decides whether a recognizer result is a spoken command.

    Only a short standalone utterance counts. Evidence, in order: the whole result
    (fillers aside) is exactly one phrase; grammar mode heard no other words ([unk]);
    the words are confident; it is short; the speech segment around it (voice activity)
    holds little else; the free-form transcript of that stretch has few other words.
    """

    def __init__(self, table: Optional[CommandTable] = None):
        self.table = table or default_table()
        self._longest = max((len(p.split()) for p in self.table.entries), default=1)

    def judge(
        self,
        result: Result,
        *,
        segment: Optional[tuple[float, float]] = None,
        transcript_words: Optional[Sequence[Word]] = None,
        min_confidence: Optional[float] = None,
    ) -> Decision:
        s = self.table.settings
        text, words = _parse(result)
        tokens = self.table.tokens(text)
        words = [w for w in words if normalize(w.word) not in s.fillers]
        if not tokens:
            return Decision(False, "empty")
        known = [t for t in tokens if t != UNK]
        if len(known) != len(tokens):
            # Grammar mode mapped other speech to [unk]: the phrase was part of something longer.
            reason = "inside_sentence" if self._contains_phrase(known) else "unknown_words"
            return Decision(False, reason)
        entry = self.table.entries.get(" ".join(tokens))
        if entry is None:
            reason = "inside_sentence" if self._contains_phrase(tokens) else "not_a_command"
            return Decision(False, reason)
        start = words[0].start if words else None
        end = words[-1].end if words else None
        conf = round(sum(w.conf for w in words) / len(words), 3) if words else None
        base = dict(kind=entry.kind, phrase=entry.phrase, start=start, end=end, confidence=conf, args=entry.args)
        if conf is not None and conf < (s.min_confidence if min_confidence is None else min_confidence):
            return Decision(False, "low_confidence", **base)
        spoken = (end - start) if (start is not None and end is not None) else 0.0
        if spoken > s.max_seconds:
            return Decision(False, "too_long", **base)
        if segment is not None:
            seg_len = segment[1] - segment[0]
            if seg_len - spoken > s.segment_slack + (0.0 if words else s.max_seconds):
                return Decision(False, "inside_sentence", **base)
        if transcript_words is not None:
            others = [w for w in transcript_words if normalize(w.word) not in s.fillers]
            if len(others) > len(tokens) + s.max_extra_words:
                return Decision(False, "inside_sentence", **base)
        return Decision(True, "ok", **base)

    def _contains_phrase(self, tokens: list[str]) -> bool:
        n = len(tokens)
        for size in range(1, min(self._longest, n) + 1):
            for i in range(n - size + 1):
                if " ".join(tokens[i:i + size]) in self.table.entries:
                    return True
        return False
