"""`facilitator methods ...`: browse, show and validate meeting methods."""

from __future__ import annotations

import json
from pathlib import Path

import click

from methods import Method, Step, minutes_json, minutes_text, validate_files
from facilitator.cli.common import CliContext

ROLE_WORDS = {
    "inbrenger": "inbrenger",
    "deelnemers": "deelnemers",
    "procesbegeleider": "procesbegeleider",
    "iedereen": "iedereen",
}


@click.group()
def methods() -> None:
    """Methoden bekijken en controleren."""


@methods.command("list")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@click.pass_obj
def list_methods(ctx: CliContext, as_json: bool) -> None:
    """Alle methoden: id, naam, stappen, minuten, groepsgrootte."""
    library = ctx.library
    if as_json:
        click.echo(json.dumps([method_summary(m) for m in library], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        # Piped: one line per method with whole ids, for grep and scripts.
        for m in library:
            group = f"{m.group_size[0]}-{m.group_size[1]}" if m.group_size else "-"
            click.echo(f"{m.id}\t{m.name}{' *' if m.name_inferred else ''}\t{len(m.steps)} stappen\t"
                       f"{total_text(m)} min\t{group}\t{m.source[:3]}")
        return
    table = Table(title=f"{len(library)} methoden", title_justify="left")
    table.add_column("id", style="bold")
    table.add_column("naam")
    table.add_column("stappen", justify="right")
    table.add_column("minuten", justify="right")
    table.add_column("groep", justify="right")
    table.add_column("bron")
    for m in library:
        name = m.name + (" *" if m.name_inferred else "") + (" (eigen)" if m.user else "")
        group = f"{m.group_size[0]}–{m.group_size[1]}" if m.group_size else "–"
        table.add_row(m.id, name, str(len(m.steps)), total_text(m), group, m.source[:3])
    console.print(table)
    console.print("* naam afgeleid: de bron verloor de titel.  Details: facilitator methods show ID")


@methods.command("show")
@click.argument("method_id")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@click.pass_obj
def show_method(ctx: CliContext, method_id: str, as_json: bool) -> None:
    """Alle stappen van één methode, met wat de gespreksleider zegt."""
    method = ctx.method(method_id)
    if as_json:
        click.echo(json.dumps(method_detail(method), ensure_ascii=False, indent=2))
        return
    click.echo(render_method(method))


@methods.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def validate(ctx: CliContext, paths: tuple[Path, ...]) -> None:
    """Controleer zelfgeschreven methodebestanden."""
    errors = validate_files(paths, ctx.user_methods_dir)
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        raise SystemExit(1)
    click.echo(f"In orde: {len(paths)} bestand{'en' if len(paths) != 1 else ''}.")


@methods.command("folder")
@click.pass_obj
def folder(ctx: CliContext) -> None:
    """Waar je eigen methodebestanden neerzet."""
    click.echo(str(ctx.user_methods_dir))


# -- shaping -----------------------------------------------------------------

def total_text(method: Method) -> str:
    low, high = method.step_minutes
    steps = minutes_text((low, high) if low != high else low)
    if method.total_minutes is None:
        return steps
    stated = minutes_text(method.total_minutes)
    return stated if stated == steps else f"{stated} (stappen {steps})"


def method_summary(method: Method) -> dict:
    return {
        "id": method.id,
        "name": method.name,
        "name_inferred": method.name_inferred,
        "steps": len(method.steps),
        "total_minutes": minutes_json(method.total_minutes),
        "step_minutes": minutes_json(_pair(method.step_minutes)),
        "group_size": list(method.group_size) if method.group_size else None,
        "source": method.source,
        "user": method.user,
    }


def _pair(pair: tuple[float, float]):
    return pair if pair[0] != pair[1] else pair[0]


def step_detail(step: Step) -> dict:
    round_ = None
    if step.round is not None:
        r = step.round
        round_ = {
            "item": r.item,
            "item_word": r.item_word,
            "per_person": r.per_person,
            "order": r.order,
            "who": r.who,
            "repeat_until_all_pass": r.repeat_until_all_pass,
            "max_rounds": r.max_rounds,
            "pass_allowed": r.pass_allowed,
            "turn_seconds": r.turn_seconds,
            "turn_cue": r.turn_cue,
            "inbrenger_responds": r.inbrenger_responds,
        }
    return {
        "id": step.id,
        "title": step.title,
        "minutes": minutes_json(step.minutes),
        "minutes_default": step.minutes_default,
        "minutes_note": step.minutes_note,
        "speakers": list(step.speakers),
        "listeners": list(step.listeners),
        "silence": step.silence,
        "transcribe": step.transcribe,
        "round": round_,
        "outcome": step.outcome,
        "cue": step.cue,
        "warning": step.warning,
        "end": step.end,
        "prompts": list(step.prompts),
        "examples": list(step.examples),
        "description": step.description,
    }


def method_detail(method: Method) -> dict:
    data = method_summary(method)
    data.update(
        {
            "name_note": method.name_note,
            "credit": method.credit,
            "purpose": method.purpose,
            "group_size_note": method.group_size_note,
            "total_note": method.total_note,
            "rules": list(method.rules),
            "closing_questions": list(method.closing_questions),
            "preparation": list(method.preparation),
            "invite_preparation": list(method.invite_preparation),
            "inbrenger_choice": method.inbrenger_choice.model_dump() if method.inbrenger_choice else None,
            "steps": [step_detail(s) for s in method.steps],
            "path": method.path,
        }
    )
    return data


def _roles(roles) -> str:
    return ", ".join(ROLE_WORDS[r] for r in roles) if roles else "niemand"


def round_text(step: Step) -> str:
    r = step.round
    assert r is not None
    who = "iedereen" if r.who == "iedereen" else "de deelnemers (niet de inbrenger)"
    parts = [f"{r.per_person} {r.item_word if r.per_person == 1 else r.item_plural} per persoon",
             f"met de klok mee, {who}"]
    if r.repeat_until_all_pass:
        parts.append("rondes tot iedereen past")
    elif r.max_rounds:
        parts.append(f"{r.max_rounds} ronde{'s' if r.max_rounds > 1 else ''}")
    parts.append("passen mag" if r.pass_allowed else "passen mag niet")
    if r.turn_seconds:
        parts.append(f"±{r.turn_seconds} s per beurt")
    return "; ".join(parts)


def render_method(method: Method) -> str:
    lines = [method.name + ("  (naam afgeleid)" if method.name_inferred else ""), "=" * len(method.name), ""]
    lines.append(method.purpose)
    lines.append("")
    group = f"{method.group_size[0]}–{method.group_size[1]} personen" if method.group_size else "groepsgrootte niet genoemd"
    lines.append(f"Groep: {group}.  Tijd: {total_text(method)} minuten.  Bron: {method.source}")
    if method.credit:
        lines.append(f"Credit: {method.credit}")
    if method.name_note:
        lines.append(f"Naam: {method.name_note}")
    if method.total_note:
        lines.append(f"Tijd: {method.total_note}")
    if method.rules:
        lines += ["", "Spelregels:"] + [f"  - {r}" for r in method.rules]
    for number, step in enumerate(method.steps, start=1):
        minutes = minutes_text(step.minutes) + " min" + (" (standaard)" if step.minutes_default else "")
        lines += ["", f"Stap {number}. {step.title}  [{minutes}]"]
        if step.silence:
            lines.append("  Stilte: niemand spreekt.")
        else:
            lines.append(f"  Spreekt: {_roles(step.speakers)}")
        if step.listeners:
            lines.append(f"  Luistert (zwijgt): {_roles(step.listeners)}")
        if step.round:
            lines.append(f"  Ronde: {round_text(step)}")
        if step.outcome:
            lines.append(f"  Vastgelegd: {step.outcome.replace('_', ' ')}")
        if not step.transcribe:
            lines.append("  Geen transcript in deze stap.")
        lines.append(f'  Gespreksleider: "{step.cue}"')
        if step.nest is not None:
            first, *others = step.nest.choices
            lines.append(f"  Hierin loopt een hele werkvorm: {first} (standaard)" + "".join(f", {o}" for o in others)
                         + f". Kies met --nested {step.id}=ID.")
        if step.prompts:
            lines.append("  Daarna, één voor één:")
            lines += [f'    - "{p}"' for p in step.prompts]
        if step.examples:
            lines.append("  Voorbeelden:")
            lines += [f"    - {e}" for e in step.examples]
        if step.minutes_note:
            lines.append(f"  ({step.minutes_note})")
    if method.closing_questions:
        lines += ["", "Na afloop:"] + [f"  - {q}" for q in method.closing_questions]
    return "\n".join(lines)


@methods.command("guides")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def guides(as_json: bool) -> None:
    """De checklists voor de procesbegeleider en de spelregels van intervisie."""
    from methods.guides import checklists, load_guides, spelregels

    if as_json:
        click.echo(json.dumps(load_guides(), ensure_ascii=False, indent=2))
        return
    rules = spelregels()
    lines = [rules.title, ""] + [f"{i}. {r}" for i, r in enumerate(rules.rules, start=1)]
    for checklist in checklists().checklists:
        lines += ["", f"Checklist {checklist.title.lower()}", ""]
        lines += [f"[ ] {i}. {item}" for i, item in enumerate(checklist.items, start=1)]
    click.echo("\n".join(lines))
