"""Render a rule's documentation, for `counterpoint rules CODE` and the generated docs/rules.md."""

from __future__ import annotations

import dataclasses
import inspect
import io
import textwrap
import tokenize
from functools import lru_cache

from counterpoint.catalogue.base import Example, Rule

SPECIES_WORDS = {0: "cantus firmus", 1: "1", 2: "2", 3: "3", 4: "4", 5: "5"}


def species_label(rule: Rule) -> str:
    nums = sorted(s for s in rule.species if s)
    label = ", ".join(str(s) for s in nums)
    if 0 in rule.species:
        label = (label + "; " if label else "") + "cantus firmus"
    return label


VOICE_WORDS = {"line": "each free voice", "cantus": "the cantus firmus", "pair": "every pair of voices",
               "outer": "the outer voices (in three voices or more)", "adjacent": "neighbouring voices (in three voices or more)",
               "two": "two-voice exercises only", "texture": "all voices together (three or more)"}


def _example(ex: Example) -> list[str]:
    if ex.voices:
        lines = [f"voice {k}{' (cantus firmus)' if k == ex.cf_voice else '':16}  {v}" for k, v in enumerate(ex.voices, 1)]
        if ex.bars:
            lines.append(f"flagged at bar {', '.join(map(str, ex.bars))}")
        return lines
    lines = [f"cantus firmus:  {ex.cf}"]
    if ex.cp:
        where = "above" if ex.above else "below"
        lines.append(f"counterpoint:   {ex.cp}   (species {ex.species}, {where})")
    if ex.mode:
        lines.append(f"mode:           {ex.mode}")
    if ex.bars:
        lines.append(f"flagged at bar {', '.join(map(str, ex.bars))}")
    return lines


def _options(rule: Rule) -> list[tuple[str, str, str]]:
    """Each option's name, default and meaning: the field's ``doc`` metadata, else the comment that ends the
    line declaring it in the options class (``max_run: int = 3  # the most thirds ...``)."""
    comments = _field_comments(rule.options)
    out = []
    for f in dataclasses.fields(rule.options):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        out.append((f.name, repr(default), (f.metadata or {}).get("doc") or comments.get(f.name, "")))
    return out


@lru_cache(maxsize=None)
def _field_comments(cls: type) -> dict[str, str]:
    """Field name -> the comment on its declaring line, read from the class's source (empty if none is at hand)."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))  # a class defined in a function is indented
    except (OSError, TypeError):
        return {}
    out: dict[str, str] = {}
    name, depth = None, 0
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NEWLINE:  # the end of a logical line (a field may span several in brackets)
            name = None
        elif tok.type == tokenize.INDENT:
            depth += 1
        elif tok.type == tokenize.DEDENT:
            depth -= 1
        elif tok.type == tokenize.NAME and name is None and depth == 1 and tok.start[1] > 0:
            name = tok.string
        elif tok.type == tokenize.COMMENT and name is not None:
            out[name] = tok.string.lstrip("#").strip()
    return out


def rule_text(rule: Rule, setting=None, texture_setting=None) -> str:
    """Plain text for the terminal; ``texture_setting``, the rule as the rulebook sets it in three voices or
    more, adds the options that differ there."""
    sev = setting.severity if setting else rule.severity
    weight = setting.weight if setting else rule.weight
    lines = [f"{rule.code} {rule.name}  ({rule.family}; {sev}, weight {weight:g}; species {species_label(rule)}; "
             f"voices: {VOICE_WORDS[rule.voices]})",
             "", rule.message, "", "What it does", f"  {rule.what}", "", "Why is this bad?", f"  {rule.why}"]
    if rule.exceptions:
        lines += ["", "Exceptions", f"  {rule.exceptions}"]
    lines += ["", "Example"] + [f"  {x}" for x in _example(rule.wrong)]
    lines += ["", "Use instead"] + [f"  {x}" for x in _example(rule.right)]
    opts = _options(rule)
    if opts:
        current = setting.options if setting else rule.default_options
        lines += ["", "Options (set in a rulebook under [options." + rule.code + "])"]
        for name, default, doc in opts:
            now = repr(getattr(current, name))
            lines.append(f"  {name} = {now}" + (f"   (default {default})" if now != default else "") + (f"  {doc}" if doc else ""))
        if texture_setting is not None:
            changed = [(name, repr(getattr(texture_setting.options, name))) for name, _, _ in opts
                       if getattr(texture_setting.options, name) != getattr(current, name)]
            if changed:
                lines += ["", f"In three voices or more (set under [texture.options.{rule.code}])"]
                lines += [f"  {name} = {value}" for name, value in changed]
    lines += ["", "Source", f"  {rule.source}"]
    return "\n".join(lines)


def rule_markdown(rule: Rule) -> str:
    lines = [f"### {rule.code} `{rule.name}`", "",
             f"*{rule.message}.* {rule.family.capitalize()}; default severity **{rule.severity}**, weight {rule.weight:g}; "
             f"species {species_label(rule)}; voices: {VOICE_WORDS[rule.voices]}.", "", "**What it does.** " + rule.what, "", "**Why is this bad?** " + rule.why, ""]
    if rule.exceptions:
        lines += ["**Exceptions.** " + rule.exceptions, ""]
    lines += ["**Example**", "", "```", *_example(rule.wrong), "```", "", "**Use instead**", "", "```", *_example(rule.right), "```", ""]
    opts = _options(rule)
    if opts:
        lines += ["**Options**", "", "| option | default | meaning |", "|---|---|---|"]
        lines += [f"| `{n}` | `{d}` | {doc} |" for n, d, doc in opts]
        lines.append("")
    lines += ["**Source.** " + rule.source, ""]
    return "\n".join(lines)
