"""F: the cantus firmus checked on its own (species 0): mode, beginning, ending and length.

A lone cantus firmus is also checked by the melodic rules (M family), which apply to species 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.catalogue.base import WARNING, Example, Hit, rule
from counterpoint.catalogue.helpers import direction_word, step

CANTUS = frozenset({0})
FUX_CF = "Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (the six cantus firmi on the finals D E F G A C)"
JEPPESEN_CF = "Jeppesen, Counterpoint (1931), Part II, Ch. 'The Cantus Firmus'"
SALZER_CF = "Salzer & Schachter, Counterpoint in Composition (1969), Ch. 1 (the cantus firmus)"


@rule(
    code="F101", name="cf-not-starting-on-final", message="the cantus firmus does not begin on the final",
    species=CANTUS, scope="notes", reach=(0, 0), weight=10,
    what="Flags a cantus firmus whose first note is not the final of its mode.",
    why="The cantus firmus states the mode: it begins and ends on the final, so that the ear knows the tonal "
        "centre from the first note. All of Fux's cantus firmi do.",
    wrong=Example(cf="F4 E4 F4 G4 A4 G4 F4 E4 D4", mode="D dorian", bars=(1,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", mode="D dorian"),
    source=f"{FUX_CF}; {JEPPESEN_CF}; {SALZER_CF}.",
)
def cf_not_starting_on_final(ctx, i, opts):
    if i != 0 or not ctx.line:
        return None
    a = ctx.line[0]
    if ctx.mode.is_final(a.pitch):
        return None
    return Hit(a.start, f"begins on {a.pitch.pretty}, not on the final {ctx.mode.final_name} of {ctx.mode.label}")


@rule(
    code="F102", name="cf-not-ending-on-final", message="the cantus firmus does not end on the final",
    species=CANTUS, scope="notes", reach=(0, 0), weight=10,
    what="Flags a cantus firmus whose last note is not the final of its mode.",
    why="The final closes the mode; ending elsewhere leaves the melody unfinished and contradicts the named mode.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 F4 E4", mode="D dorian", bars=(10,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", mode="D dorian"),
    source=f"{FUX_CF}; {JEPPESEN_CF}; {SALZER_CF}.",
)
def cf_not_ending_on_final(ctx, i, opts):
    if i != len(ctx.line) - 1:
        return None
    a = ctx.line[i]
    if ctx.mode.is_final(a.pitch):
        return None
    return Hit(a.start, f"ends on {a.pitch.pretty}, not on the final {ctx.mode.final_name} of {ctx.mode.label}")


@rule(
    code="F103", name="cf-final-not-approached-by-step", message="the cantus firmus leaps to its last note",
    species=CANTUS, scope="notes", reach=(1, 0), weight=10,
    what="Flags a cantus firmus whose last note is reached by a leap (or a repetition) instead of a step.",
    why="The cadence of the cantus firmus is the step into the final (re-do, or ti-do); the counterpoint's "
        "cadence formulas are built on it and do not work over a leap.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 F4 A4 D4", mode="D dorian", bars=(11,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", mode="D dorian"),
    source=f"{FUX_CF}; {JEPPESEN_CF}; {SALZER_CF}.",
)
def cf_final_not_approached_by_step(ctx, i, opts):
    line = ctx.line
    if i != len(line) - 1 or i == 0:
        return None
    iv = step(line[i - 1], line[i])
    if iv.is_step:
        return None
    how = "repeats the note" if iv.steps == 0 else f"leaps {direction_word(iv)} a {iv.description}"
    return Hit(line[i].start, f"{how} into the final, {line[i - 1].pitch.pretty}→{line[i].pitch.pretty}")


@rule(
    code="F106", name="cf-final-approached-from-below", message="the cantus firmus rises to its final",
    species=CANTUS, severity=WARNING, scope="notes", reach=(1, 0), weight=3,
    what="Flags a cantus firmus that reaches its final by a rising step (ti-do) instead of the falling "
         "step from the second degree (re-do).",
    why="Every cantus firmus of Fux ends 2-1, so that the counterpoint above or below can take the leading "
        "tone (7-1) in the cadence; a cantus ending 7-1 leaves the counterpoint the descending step, and the "
        "cadence formulas change.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 E4 C4 D4", mode="D dorian", bars=(11,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", mode="D dorian"),
    source=f"{FUX_CF}; {SALZER_CF} (the cantus firmus normally ends 2-1).",
)
def cf_final_approached_from_below(ctx, i, opts):
    line = ctx.line
    if i != len(line) - 1 or i == 0:
        return None
    iv = step(line[i - 1], line[i])
    if iv.is_step and iv.direction > 0:
        return Hit(line[i].start, f"rises {line[i - 1].pitch.pretty}→{line[i].pitch.pretty} into the final "
                                  "instead of falling from the second degree")
    return None


@dataclass(frozen=True)
class LengthOptions:
    min_notes: int = 8  # the fewest notes a cantus firmus may have
    max_notes: int = 16  # the most notes a cantus firmus may have


@rule(
    code="F104", name="cf-length-unusual", message="the cantus firmus is unusually short or long",
    species=CANTUS, severity=WARNING, scope="whole", weight=2, options=LengthOptions,
    what="Flags a cantus firmus of fewer than 8 or more than 16 notes (options min_notes, max_notes).",
    why="Fux's cantus firmi have 9 to 14 notes; a much shorter one leaves no room for a shaped counterpoint, a "
        "much longer one loses its arch. Teaching cantus firmi in modern texts have 8 to 16 notes.",
    wrong=Example(cf="D4 F4 E4 D4 E4 D4", mode="D dorian", bars=(1,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", mode="D dorian"),
    source=f"{SALZER_CF}; {FUX_CF}; Schubert, Modal Counterpoint, Renaissance Style (1999), Ch. 2.",
)
def cf_length_unusual(ctx, i, opts):
    line = ctx.line
    n = len(line)
    if not line or opts.min_notes <= n <= opts.max_notes:
        return None
    word = "only" if n < opts.min_notes else "as many as"
    return Hit(line[0].start, f"{word} {n} notes (usual: {opts.min_notes} to {opts.max_notes})", end=line[-1].start)


@rule(
    code="F105", name="cf-note-outside-mode", message="a note of the cantus firmus is foreign to the mode",
    species=CANTUS, scope="notes", reach=(0, 0), weight=10,
    what="Flags a note of the cantus firmus that does not belong to its mode; musica ficta (the raised leading "
         "tone, B-flat) is a matter for the counterpoint, not the cantus.",
    why="The cantus firmus is the given, diatonic melody that defines the mode; accidentals in it would "
        "change the mode itself.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 F4 C#4 D4", mode="D dorian", bars=(10,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", mode="D dorian"),
    source=f"{FUX_CF}; {JEPPESEN_CF} (the cantus firmus is strictly diatonic).",
)
def cf_note_outside_mode(ctx, i, opts):
    a = ctx.line[i]
    if ctx.mode.contains(a.pitch):
        return None
    kind = ctx.mode.ficta(a.pitch)
    extra = f" ({kind}, allowed only in the counterpoint)" if kind else ""
    return Hit(a.start, f"{a.pitch.pretty} is not in {ctx.mode.label}{extra}")


RULES = (cf_not_starting_on_final, cf_not_ending_on_final, cf_final_not_approached_by_step,
         cf_final_approached_from_below, cf_length_unusual, cf_note_outside_mode)
