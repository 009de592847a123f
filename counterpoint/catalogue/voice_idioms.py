"""Species idioms between the two voices (issue 7): a crossing held, a close or an opening on the unison
handled badly, fifths hidden behind consonant syncopations, and a half note restruck where it should be tied.
"""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.catalogue.base import WARNING, Example, Hit, rule
from counterpoint.catalogue.dissonance import against
from counterpoint.catalogue.helpers import is_perfect, moves_together, restruck_tie, step
from counterpoint.catalogue.suspension import FIG73, FUX_CF

CP_SPECIES = frozenset({1, 2, 3, 4, 5})
JEPPESEN = "Jeppesen, Counterpoint (1931), Part II"
SALZER = "Salzer & Schachter, Counterpoint in Composition (1969)"
FUX = "Fux, Gradus ad Parnassum (1725), Book II"
# Fux's phrygian cantus firmus with his first-species solution above it (fig. 11).
PHRYGIAN_CF = "E4 C4 D4 C4 A3 A4 G4 E4 F4 E4"
FIG11 = "B4 C5 F4 G4 A4 C5 B4 E5 D5 E5"


def _crossed(ctx, bar: int) -> bool:
    """Some vertical of the bar has the counterpoint on the wrong side of the cantus firmus."""
    return any(v.crossed for v in ctx.in_bar(bar))


MAX_HELD_CAP = 4


@dataclass(frozen=True)
class HeldOptions:
    max_bars: int = 2  # bars in a row that a crossing may last before each further bar costs (at most 4)


@rule(
    code="H109", name="crossing-held", message="the counterpoint stays on the wrong side of the cantus firmus",
    species=CP_SPECIES, severity=WARNING, scope="bars", reach=(MAX_HELD_CAP, 0), weight=3, options=HeldOptions,
    what="Flags every bar of a crossing after its first `max_bars` (2): a counterpoint that stays below the "
         "cantus firmus it should sound above (or above the one it should sound under) costs once more for each "
         "further bar, so a line that lives on the wrong side for most of the exercise costs the most. H108 "
         "counts every crossed bar; H104 makes a crossing longer than its rulebook allows an error.",
    why="A brief crossing lets a line find room; a held one exchanges the voices, so that the counterpoint "
        "written above is heard as the lower part and every interval is turned upside down. Fux crosses for "
        "three or four bars in figs. 14, 39 and 59 only.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 E4 D4 C4 D4 D5 C#5 D5", bars=(4, 5)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 E4 D4 F4 B4 D5 C#5 D5"),
    source=f"{JEPPESEN} (crossing only briefly and for good reason); {SALZER}, Ch. 3 (crossing of voices); "
           f"{FUX}, figs. 14, 39, 59.",
    voices="adjacent",
)
def crossing_held(ctx, bar, opts):
    k = max(1, min(opts.max_bars, MAX_HELD_CAP))
    if bar < k or not all(_crossed(ctx, b) for b in range(bar - k, bar + 1)):
        return None
    v = next(v for v in ctx.in_bar(bar) if v.crossed)
    side = "below" if ctx.cp_above else "above"
    return Hit(v.start, f"the counterpoint has stayed {side} the cantus firmus since bar {bar - k + 1} "
                        f"({v.cp.pretty} against {v.cf.pretty})", voice="both")


@rule(
    code="C109", name="unison-close-by-crossing",
    message="the counterpoint crosses the cantus firmus to close on a unison",
    species=CP_SPECIES, severity=WARNING, scope="bars", reach=(1, 0), weight=5,
    what="Flags a close on the unison that the counterpoint reaches from the wrong side of the cantus firmus: "
         "in the penultimate bar it passes below the cantus firmus it should sound above (or above the one it "
         "should sound under) and then steps onto the final in unison.",
    why="Each voice keeps its own cadence formula: the upper voice closes 7-1 into the octave, the lower 2-1. "
        "Crossing under the cantus firmus to take the tenor's clausula in unison exchanges the voices at the "
        "one moment the ear must hear them clearly (above a phrygian cantus firmus, D4 E4 under F4 E4 "
        "instead of D5 E5). Fux never closes so.",
    wrong=Example(cf=PHRYGIAN_CF, cp=FIG11.replace("E5 D5 E5", "G4 D4 E4"), mode="E phrygian", bars=(9,)),
    right=Example(cf=PHRYGIAN_CF, cp=FIG11, mode="E phrygian"),
    source=f"{FUX} Ch. 1 (figs. 11-12: the upper voice closes by the major sixth to the octave); {JEPPESEN}, "
           f"first species (the cadence); {SALZER}, Ch. 3 (the cadence in two voices).",
)
def unison_close_by_crossing(ctx, bar, opts):
    if bar != ctx.last_bar or bar == 0:
        return None
    final = ctx.downbeat(bar)
    if final is None or final.interval.number != 1 or final.crossed:
        return None
    v = next((v for v in ctx.in_bar(bar - 1) if v.crossed), None)
    if v is None:
        return None
    side = "below" if ctx.cp_above else "above"
    return Hit(v.start, f"{v.cp.pretty} goes {side} the cantus firmus's {v.cf.pretty} to close in unison on "
                        f"{final.cp.pretty}", voice="both", end=final.start)


@rule(
    code="C110", name="unison-opening-left-by-leap", message="the voices leave an opening unison by leap",
    species=CP_SPECIES, severity=WARNING, scope="notes", reach=(1, 0), weight=3,
    what="Flags a counterpoint that begins in unison with the cantus firmus and leaves that unison by a leap.",
    why="From a unison the two voices must first become two: moving apart by step (in contrary or oblique "
        "motion) makes the second voice audible, while a leap out of the unison sounds like one voice "
        "jumping, and lands on a bare interval with no line behind it.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 A3 C4 B3 B3 D4 C#4 D4", above=False, bars=(2,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 C4 G3 A3 B3 D4 C#4 D4", above=False),
    source=f"{JEPPESEN}, first species (the unison at the beginning); {SALZER}, Ch. 3 (the opening); "
           "Schubert, Modal Counterpoint, Renaissance Style (1999), Ch. 2.",
)
def unison_opening_left_by_leap(ctx, i, opts):
    line = ctx.line
    if i != 1:
        return None
    v = ctx.vertical_at(line[0].start)
    if v is None or v.interval.number != 1:
        return None
    iv = step(line[0], line[1])
    if not iv.is_leap:
        return None
    return Hit(line[1].start, f"from the unison {line[0].pitch.pretty} the counterpoint leaps a {iv.description} "
                              f"to {line[1].pitch.pretty}")


@rule(
    code="V112", name="fifths-behind-six-five", message="fifths on successive weak beats behind a 6-5 syncopation",
    species={4}, severity=WARNING, scope="bars", reach=(1, 0), weight=4,
    what="Flags, in fourth species, perfect fifths struck on the weak halves of two successive bars in similar "
         "motion, when the tie between them is a consonance that moves on by step: the 6-5 syncopation "
         "(above; 6-5 rising in the lower voice), chained. Dissonant suspensions between perfect intervals "
         "are V111's.",
    why="A consonant syncopation does not delay anything: behind the 6-5 the real progression is fifth to "
        "fifth, and a chain of them is a row of parallel fifths displaced by half a bar. V105 and V106 judge "
        "downbeats in the other species; in fourth species the struck notes are on the weak beat. Where the "
        "tie is left by leap (Fux's 5-3-5 chains below the cantus firmus, figs. 76, 78), the line moves on "
        "and nothing is flagged.",
    wrong=Example(cf="D4 A4 G4 F4 E4 D4", cp="r:2 A4:2~ | A4:2 E5:2~ | E5:2 D5:2~ | D5:2 C5:2~ | C5:2 C#5:2 | D5:1",
                  species=4, bars=(3, 4)),
    right=Example(cf=FUX_CF, cp=FIG73, species=4),
    source=f"{FUX} Ch. 4 (the 5-6 and 6-5 progressions of the ligature); {JEPPESEN}, fourth species "
           "(consonant syncopations); Schubert, Modal Counterpoint, Renaissance Style (1999).",
)
def fifths_behind_six_five(ctx, bar, opts):
    d = ctx.downbeat(bar)
    if bar == 0 or d is None or d.cp_attacked or not d.consonant:
        return None
    held = ctx.cp[d.cp_index]
    if held.bar != bar - 1 or d.cp_index + 1 >= len(ctx.cp):
        return None
    nxt = ctx.cp[d.cp_index + 1]
    if nxt.bar != bar or not step(held, nxt).is_step:
        return None
    a, b = ctx.vertical_at(held.start), ctx.vertical_at(nxt.start)
    if a is None or b is None or not moves_together(a, b) or not (is_perfect(a, 5) and is_perfect(b, 5)):
        return None
    return Hit(b.start, f"{a.label} (bar {a.bar + 1}) to {b.label} behind the tie {d.label}: "
                        f"{d.interval.simple_number}-5 after a fifth", voice="both")


@rule(
    code="S106", name="restruck-tie", message="a half note struck again over the bar line instead of tied",
    species={4, 5}, severity=WARNING, scope="notes", reach=(1, 0), weight=4,
    what="Flags a downbeat struck on the same pitch as the half note before it, on the half bar: the note "
         "is re-attacked where the species ties it over the bar line.",
    why="In fourth and fifth species a half note on the weak beat that the next bar keeps is tied over "
        "as a syncopation; striking it again breaks the syncopation and repeats a note for no reason, the "
        "worst of both. Fux does it once in his florid solutions (fig. 85b, bar 10).",
    wrong=Example(cf=FUX_CF, cp=FIG73.replace("C5:2 Bb4:2~ | Bb4:2 G4:2", "C5:2 Bb4:2 | Bb4:2 G4:2"),
                  species=4, bars=(5,)),
    right=Example(cf=FUX_CF, cp=FIG73, species=4),
    source=f"{FUX} Ch. 4 (the ligature binds the weak half note to the next downbeat) and Ch. 5; {JEPPESEN}, "
           "fourth species; Salzer & Schachter, Counterpoint in Composition (1969), Ch. 5.",
)
def restruck_tie_rule(ctx, i, opts):
    if not restruck_tie(ctx, i):
        return None
    a, b = ctx.line[i - 1], ctx.line[i]
    v = ctx.vertical_at(b.start)
    where = f" ({against(v)})" if v is not None else ""
    return Hit(b.start, f"{b.pitch.pretty}{where} is struck again on the downbeat of bar {b.bar + 1} instead of "
                        f"tied from bar {a.bar + 1}", end=b.start)


RULES = (crossing_held, unison_close_by_crossing, unison_opening_left_by_leap, fifths_behind_six_five,
         restruck_tie_rule)
