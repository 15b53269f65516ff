"""The terminal runner: chair a meeting from the laptop's keyboard, with a live screen.

On a terminal it reads single keys; with a pipe on stdin it reads one key or word a
line, so scripts and tests can drive it. Cues are shown (and spoken when voice is on).
It never drives time: the room's Ticker does (facilitator.room); this only reads and shows.
"""

from __future__ import annotations

import os
import select
import sys

from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

from facilitator.clock_text import clock
from facilitator.events import Effect, Rejected, Say

KEYS: dict[str, tuple[str, str]] = {
    "\r": ("next_turn", "volgende beurt"),
    "\n": ("next_turn", "volgende beurt"),
    "n": ("next_turn", "volgende beurt"),
    "p": ("pass", "ik pas"),
    "s": ("next_step", "volgende stap"),
    "v": ("previous_step", "vorige stap"),
    " ": ("toggle_pause", "pauze/verder"),
    "+": ("extend", "+1 minuut"),
    "h": ("repeat", "herhaal"),
    "r": ("remaining", "tijd over"),
    "t": ("tip", "tip"),
    "m": ("note", "notitie"),
    "q": ("quit", "stoppen"),
    "j": ("answer", "ja"),
    "x": ("answer", "nee"),
    # The seat number chooses who brings the case, in methods that choose during the meeting.
    **{str(n): ("choose_inbrenger", f"plaats {n} brengt in") for n in range(1, 10)},
}
WORDS = {"start": "start", "pass": "p", "pas": "p", "volgende": "n", "stap": "s", "vorige": "v", "pauze": " ",
         "verder": " ", "meer": "+", "herhaal": "h", "tijd": "r", "tip": "t", "notitie": "m", "stop": "q"}
HELP = "[Enter] volgende beurt  [p] ik pas  [s] volgende stap  [v] vorige  [spatie] pauze  [+] minuut  " \
       "[h] herhaal  [r] tijd  [t] tip  [m] notitie  [1-9] wie inbrengt  [j/x] ja/nee  [q] stop"


class TerminalRunner:
    def __init__(self, service, meeting_id: str, *, speak: Optional[Callable[[str, str], None]] = None,
                 stdin=None, stdout=None, poll_seconds: float = 0.25):
        self.service = service
        self.meeting_id = meeting_id
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.poll_seconds = poll_seconds  # how often the screen refreshes and the end is checked
        self.cues: deque[str] = deque(maxlen=6)
        self.message: Optional[str] = None
        self.speak = speak
        service.on_effect(self._effect)

    def _effect(self, meeting_id: str, effect: Effect) -> None:
        if meeting_id != self.meeting_id:
            return
        if isinstance(effect, Say):
            self.cues.append(effect.text)
            if self.speak is not None:
                self.speak(effect.text, effect.kind)
            elif not self.interactive:
                print(f"» {effect.text}", file=self.stdout, flush=True)
        elif isinstance(effect, Rejected):
            self.message = effect.reason
            if not self.interactive:
                print(f"! {effect.reason}", file=self.stdout, flush=True)

    @property
    def interactive(self) -> bool:
        return self.stdin.isatty() and self.stdout.isatty()

    def run(self) -> None:
        view = self.service.view(self.meeting_id)
        if view["status"] == "ready":
            self.service.command(self.meeting_id, "start", source="keyboard")
        elif view["status"] == "finished":
            print("Deze bijeenkomst is al afgerond. Zie 'facilitator export "
                  f"{self.meeting_id}'.", file=self.stdout)
            return
        if self.interactive:
            self._run_screen()
        else:
            self._run_lines()
        self._goodbye()

    def _goodbye(self) -> None:
        view = self.service.view(self.meeting_id)
        if view["status"] == "finished":
            print(f"Klaar. Verslag: facilitator export {self.meeting_id}", file=self.stdout)
        else:
            print(f"Onderbroken. Verder gaan: facilitator run --resume {self.meeting_id}", file=self.stdout)

    # -- commands -------------------------------------------------------------

    def handle(self, key: str, read_line: Callable[[str], str]) -> bool:
        """Do what a key asks; False when the runner should stop."""
        action = KEYS.get(key)
        if action is None:
            return True
        kind = action[0]
        if kind == "quit":
            return False
        if kind == "toggle_pause":
            kind = "resume" if self.service.view(self.meeting_id)["status"] == "paused" else "pause"
        args = {}
        if kind == "choose_inbrenger":
            args["seat"] = int(key)
        if kind == "answer":
            args["answer"] = action[1]
        if kind == "note":
            text = read_line("Notitie: ").strip()
            if not text:
                return True
            args["text"] = text
        self.message = None
        self.service.command(self.meeting_id, kind, source="keyboard", **args)
        return self.service.view(self.meeting_id)["status"] != "finished"

    def _run_lines(self) -> None:
        """Piped input: one key or word per line; the room's clock keeps running in between."""
        fd = self.stdin.fileno()
        buffer = b""
        while True:
            if self.service.view(self.meeting_id)["status"] == "finished":
                return
            ready, _, _ = select.select([fd], [], [], self.poll_seconds)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                return
            buffer += chunk
            while b"\n" in buffer:
                raw, buffer = buffer.split(b"\n", 1)
                line = raw.decode("utf-8", "replace")
                word = line.strip().lower()
                if word.startswith("m ") or word.startswith("notitie "):
                    note = line.split(" ", 1)[1]
                    self.service.command(self.meeting_id, "note", source="keyboard", text=note)
                    continue
                key = WORDS.get(word, word[:1] if word else "\n")
                if not self.handle(key, lambda prompt: ""):
                    return

    # -- the live screen --------------------------------------------------------

    def _run_screen(self) -> None:
        from rich.live import Live

        with _cbreak(self.stdin), Live(self._render(), auto_refresh=False, screen=False,
                                       console=_console(self.stdout)) as live:
            while True:
                live.update(self._render(), refresh=True)
                ready, _, _ = select.select([self.stdin], [], [], self.poll_seconds)
                if ready:
                    key = os.read(self.stdin.fileno(), 1).decode("utf-8", "replace")

                    def read_line(prompt: str) -> str:
                        live.stop()
                        with _cooked(self.stdin):
                            text = input(prompt)
                        live.start()
                        return text

                    if not self.handle(key, read_line):
                        break
                if self.service.view(self.meeting_id)["status"] == "finished":
                    live.update(self._render(), refresh=True)
                    break

    def _render(self):
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        v = self.service.view(self.meeting_id)
        step = v["step"]
        grid = Table.grid(padding=(0, 2))
        grid.add_column(justify="left")
        title = Text(f"Stap {step['index'] + 1}/{step['count']}: {step['title']}", style="bold")
        if v["status"] == "paused":
            title.append("   (gepauzeerd)", style="yellow")
        grid.add_row(title)
        left = step["remaining_seconds"]
        if step["planned_seconds"] <= 0:  # an untimed step: show how long it has run
            grid.add_row(Text(f"{clock(step['elapsed_seconds'])} (geen vaste tijd)", style="bold"))
        else:
            style = "bold red" if step["time_up"] else ("bold yellow" if step["near_end"] else "bold green")
            grid.add_row(Text(clock(left), style=style))
        rnd = step["round"]
        if step["silence"]:
            grid.add_row(Text("Stilte", style="italic"))
        elif rnd:
            if rnd["turn"]:
                line = f"Ronde {rnd['number']}: {rnd['turn']} heeft het woord ({rnd['item_word']})"
                if rnd["next"]:
                    line += f"; daarna {rnd['next']}"
            elif rnd["responding"]:
                line = f"{v['inbrenger']} reageert"
            else:
                line = "De ronde is klaar"
            grid.add_row(Text(line))
            if rnd["passed"]:
                grid.add_row(Text("Gepast: " + ", ".join(rnd["passed"]), style="dim"))
        talk = v["speaking"]
        if talk:
            grid.add_row(Text("Spreektijd: " + ", ".join(f"{k} {clock(s)}" for k, s in
                                                         sorted(talk.items(), key=lambda kv: -kv[1])), style="dim"))
        for notice in v["notices"]:
            grid.add_row(Text(notice, style="yellow"))
        for cue in list(self.cues)[-3:]:
            grid.add_row(Text("» " + cue, style="cyan"))
        if self.message:
            grid.add_row(Text(self.message, style="red"))
        grid.add_row(Text(HELP, style="dim"))
        return Panel(grid, title=f"{v['method']['name']} · inbrenger {v['inbrenger']}", border_style="blue")


def _console(stdout):
    from rich.console import Console

    return Console(file=stdout)


@contextmanager
def _cbreak(stream) -> Iterator[None]:
    import termios
    import tty

    fd = stream.fileno()
    old = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


@contextmanager
def _cooked(stream) -> Iterator[None]:
    import termios

    fd = stream.fileno()
    old = termios.tcgetattr(fd)
    new = termios.tcgetattr(fd)
    new[3] |= termios.ICANON | termios.ECHO
    termios.tcsetattr(fd, termios.TCSADRAIN, new)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


