"""`facilitator serve`: the dashboard in the browser, served by waitress, in a room built by facilitator.room."""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import sys
import threading
import webbrowser
from typing import Optional

import click

from facilitator.cli.common import CliContext, ensure_private_dir, fail, say_which_voice, voice_options

log = logging.getLogger("facilitator.serve")
# Idle sockets (no request at all) cannot starve the dashboard: many may wait, none for long, and
# poll() instead of select(), which breaks past 1024 descriptors.
CONNECTION_LIMITS = {"connection_limit": 1000, "channel_timeout": 15, "cleanup_interval": 2,
                     "asyncore_use_poll": True}


def is_loopback_host(host: str) -> bool:
    from web.security import host_name, is_loopback

    return host == "localhost" or is_loopback(host_name(host))


def lan_names(host: str) -> list[str]:
    """Names and addresses other devices may use to reach this laptop (for the Host check)."""
    names: set[str] = set()
    if host not in ("0.0.0.0", "::"):
        return [host]
    hostname = socket.gethostname()
    names.update({hostname, f"{hostname}.local"})
    try:
        for info in socket.getaddrinfo(hostname, None):
            names.add(info[4][0])
    except OSError:
        pass
    primary = primary_address()
    if primary:
        names.add(primary)
    return sorted(n.lower() for n in names if n and not n.startswith("127.") and n != "::1")


def primary_address() -> Optional[str]:
    """The address of the interface that would reach the LAN; no packet is sent."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only, nothing goes out
        return probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()


def url(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def bind_error(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"Poort {port} is al in gebruik (draait het dashboard al?). "
                f"Kies een andere poort met --port, of stop het andere programma.")
    if exc.errno in (errno.EADDRNOTAVAIL, socket.EAI_NONAME if hasattr(socket, "EAI_NONAME") else -2):
        return f"Het adres {host} hoort niet bij deze computer; gebruik 127.0.0.1 of 0.0.0.0 (heel het netwerk)."
    if exc.errno == errno.EACCES:
        return f"Poort {port} mag niet worden gebruikt zonder beheerrechten; kies een poort boven 1024."
    return f"Kan niet luisteren op {host}:{port} ({exc.strerror or exc})."


def can_open_browser() -> bool:
    # Without a display, webbrowser would start a text browser inside this terminal.
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adres om op te luisteren. 127.0.0.1: alleen deze computer. 0.0.0.0: ook andere apparaten "
                   "in het netwerk (die koppelen met een code).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="Poort.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAAM",
              help="Nog een naam waaronder het dashboard bereikbaar is (herhaalbaar).")
@click.option("--threads", default=48, show_default=True, type=click.IntRange(8, 512),
              help="Werkthreads; elk open scherm houdt er één vast (live-updates).")
@click.option("--no-browser", is_flag=True, help="Open geen browser.")
@click.option("--no-voice", is_flag=True, help="Geen aanwijzingen uitspreken en de ruimte niet beluisteren.")
@voice_options
@click.option("--model", "model_path", default=None, help="Map van het Vosk-model (of $FACILITATOR_MODEL).")
@click.option("--engine", type=click.Choice(["auto", "vosk", "whisper"]), default="auto", show_default=True,
              help="Spraakherkenner: auto (Vosk voor commando's, Whisper geeft elke regel daarna zijn tekst, "
                   "wat er is), vosk of whisper.")
@click.option("--device", default=None, help="Microfoon: naam of nummer (zie 'facilitator devices').")
@click.option("--commands", "commands_path", default=None,
              help="Eigen bestand met gesproken commando's (of $FACILITATOR_COMMANDS).")
@click.pass_obj
def serve(ctx: CliContext, host: str, port: int, allow_hosts: tuple[str, ...], threads: int, no_browser: bool,
          no_voice: bool, voice_engine: str, voice_name: Optional[str], model_path: Optional[str],
          device: Optional[str], commands_path: Optional[str],
          engine: str) -> None:
    """Start het dashboard in de browser (standaard alleen op deze computer)."""
    from waitress import create_server

    from facilitator.room import Room, RoomSettings
    from web import create_app, login_link, pairing_code, stop_streams

    # FACILITATOR_LOG_LEVEL=INFO also tells what the voice room went through (never what was said).
    level = logging.getLevelName(os.environ.get("FACILITATOR_LOG_LEVEL", "WARNING").upper())
    logging.basicConfig(level=level if isinstance(level, int) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    data_dir = ensure_private_dir(ctx.data_dir)
    room = Room(RoomSettings(data_dir, ctx.library, speak=not no_voice, listen=not no_voice, model_path=model_path,
                             device=device, commands_path=commands_path, voice_engine=voice_engine,
                             voice_name=voice_name, engine=engine))
    service = room.service
    for notice in room.notices:
        click.echo(notice, err=True)
    loopback = is_loopback_host(host)
    extra = list(allow_hosts) + ([] if loopback else lan_names(host))
    app = create_app(service, {
        "HOST": host, "PORT": port, "EXTRA_HOSTS": tuple(extra), "THREADS": threads,
        "MAX_STREAMS": max(4, threads - 8), "DATA_DIR": data_dir, "HOST_LOGIN": True,
    })
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="facilitator",
                               clear_untrusted_proxy_headers=True, **CONNECTION_LIMITS)
    except OSError as exc:
        room.stop()
        fail(bind_error(exc, host, port))
    except ValueError as exc:  # waitress: an unparseable host
        room.stop()
        fail(f"Ongeldig adres '{host}' ({exc}).")

    local = url("127.0.0.1" if host in ("0.0.0.0", "::") else host, port)
    click.echo(f"Het dashboard draait op {local}")
    if not loopback:
        for name in extra:
            if name[0].isdigit() or ":" in name:
                click.echo(f"  in het netwerk: {url(name, port)}")
        code = pairing_code(app)
        click.echo(f"Koppelcode voor andere apparaten: {code[:3]} {code[3:]}")
        click.echo("Gekoppelde apparaten kijken mee; geef bediening op de pagina Apparaten.")
    click.echo(f"Inloggen (eenmalige link, een nieuwe staat in {data_dir / 'login-link'}): {login_link(app)}")
    click.echo(f"API-token voor scripts: {data_dir / 'api-token'}")
    click.echo("Stoppen: Ctrl+C")

    def stop(signum, frame):
        stop_streams(app)  # open live pages let go of their threads at once
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # The speech model takes seconds to load: the dashboard is up meanwhile.
    if room.voice is not None and room.voice.speak:
        say_which_voice(voice_engine, voice_name)
    room.start(on_notice=lambda notice: click.echo(notice, err=True))
    if not no_browser and can_open_browser():
        threading.Timer(0.5, webbrowser.open, args=(login_link(app),)).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        click.echo(room.stop())
        click.echo("Dashboard gestopt.")
