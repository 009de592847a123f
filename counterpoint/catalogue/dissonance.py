"""D1xx, D3xx: weak-beat dissonances (passing and neighbour tones, the cambiata) and fifth-species eighth notes.

Downbeat dissonances that are attacked belong to the H family; tied (suspended) dissonances to
counterpoint/catalogue/suspension.py. A "weak-beat dissonance" here is a counterpoint note attacked
after the downbeat, not tied over the bar line, that is dissonant with the cantus firmus where it
begins (the fourth counts as a dissonance).
"""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.catalogue.base import Example, Hit, rule
from counterpoint.catalogue.context import Attack, Vertical
from counterpoint.catalogue.helpers import direction_word, step

WEAK_SPECIES = frozenset({2, 3, 4, 5})
EIGHTH = 2  # ticks
# Fux's D-dorian cantus firmus with his second- and third-species solutions above it (figs. 33 and 55),
# the base of several examples below.
FUX_CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
FIG33 = ("A4:2 D5:2 | A4:2 B4:2 | C5:2 G4:2 | A4:2 D5:2 | B4:2 C5:2 | D5:2 A4:2 | C5:2 D5:2"
          " | E5:2 B4:2 | D5:2 A4:2 | B4:2 C#5:2 | D5:1")
FLORID = "r:2 A4:2~ | A4:4 G4:8 F4:8 G4:4 A4:4 | B4:4 C5:4 D5:2~ | D5:2 C#5:2 | D5:1"
FIG55 = ("D4:4 E4:4 F4:4 G4:4 | A4:4 B4:4 C5:4 D5:4 | E5:4 D5:4 B4:4 C5:4 | D5:4 C5:4 Bb4:4 A4:4"
          " | Bb4:4 C5:4 D5:4 E5:4 | F5:4 F4:4 A4:4 B4:4 | C5:4 A4:4 Bb4:4 C5:4"
          " | Bb4:4 A4:4 G4:4 Bb4:4 | A4:4 D4:4 E4:4 F4:4 | G4:4 A4:4 B4:4 C#5:4 | D5:1")
QUARTER = 4


# -- shared private helpers (also used by suspension.py, cadence.py and rhythm.py) ----------------------
def side(v: Vertical) -> str:
    """'over' or 'under': where the counterpoint actually sounds against the cantus firmus."""
    return "under" if v.cp.midi < v.cf.midi or (v.cp.midi == v.cf.midi and v.cp.diatonic < v.cf.diatonic) else "over"


def against(v: Vertical) -> str:
    """'a perfect fourth over C4'."""
    return f"{v.interval.description} {side(v)} {v.cf.pretty}"


def beat_label(ctx, a: Attack) -> str:
    return f"beat {ctx.beat(a.start):g}"


def move(a: Attack, b: Attack) -> str:
    """'a downward leap of a third from D4' style description of the motion a→b (for messages)."""
    iv = step(a, b)
    if iv.steps == 0:
        if iv.semitones == 0:
            return f"a repetition of {a.pitch.pretty}"
        return f"a chromatic {direction_word(iv)} inflection"
    kind = "step" if iv.is_step else "leap"
    return f"{'an' if direction_word(iv) == 'upward' else 'a'} {direction_word(iv)} {kind} of a {_simple_name(iv)}"


def _simple_name(iv) -> str:
    names = {1: "unison", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "octave"}
    return names.get(iv.number, f"{iv.number}th")


def weak_dissonance(ctx, i: int) -> Vertical | None:
    """The dissonant vertical where line[i] begins, if it is an untied note attacked after the downbeat."""
    a = ctx.line[i]
    if a.offset == 0 or a.tied_over:
        return None
    v = ctx.vertical_at(a.start)
    if v is None or not v.cp_attacked or v.consonant:
        return None
    return v


def is_cambiata(ctx, i: int, beats: tuple[int, ...]) -> bool:
    """line[i] is the dissonance of a nota cambiata: a quarter on an allowed beat, reached by a step down,
    left by a leap of a third down to a consonance, which then turns up by step."""
    line = ctx.line
    if i < 1 or i + 1 >= len(line):
        return False
    a, prev, nxt = line[i], line[i - 1], line[i + 1]
    if a.duration != QUARTER or ctx.beat(a.start) not in beats:
        return False
    if step(prev, a).steps != -1 or step(a, nxt).steps != -2:
        return False
    vn = ctx.vertical_at(nxt.start)
    if vn is None or not vn.consonant:
        return False
    if i + 2 < len(line):
        return step(nxt, line[i + 2]).steps == 1
    return True


def is_double_neighbour(ctx, j: int) -> bool:
    """line[j] and line[j + 1] are the two neighbours of a double neighbour (changing notes): the main note, a
    step to one side, a leap of a third to the other side, a step back to the main note (G F A G), both
    neighbours quarters or shorter. Reads line[j - 1] .. line[j + 2]."""
    line = ctx.line
    if j < 1 or j + 2 >= len(line):
        return False
    x, n1, n2, y = line[j - 1], line[j], line[j + 1], line[j + 2]
    if x.pitch != y.pitch or n1.duration > QUARTER or n2.duration > QUARTER:
        return False
    s1, s2, s3 = step(x, n1).steps, step(n1, n2).steps, step(n2, y).steps
    return abs(s1) == 1 and s3 == s1 and s2 == -2 * s1


@dataclass(frozen=True)
class DoubleNeighbourOptions:
    allow_double_neighbour: bool = False  # the double neighbour G F A G (Salzer & Schachter)


# -- D101-D104: weak-beat dissonances ------------------------------------------------------------------
@rule(
    code="D101", name="dissonance-not-approached-by-step", message="a weak-beat dissonance is reached by leap",
    species=WEAK_SPECIES, scope="notes", reach=(2, 1), weight=10, options=DoubleNeighbourOptions,
    what="Flags a dissonant counterpoint note on a weak beat (or weak part of a beat) that is reached by a "
         "leap or by repeating the previous note instead of by step. With `allow_double_neighbour` the second "
         "neighbour of a double neighbour (G F A G: the A) passes.",
    why="Off the beat, strict counterpoint admits a dissonance only as a passing or neighbouring motion: the "
        "ear accepts it because it lies on the way from one consonance to the next. A dissonance reached by "
        "leap stands on its own and is heard as a wrong note. The nota cambiata leaves its dissonance by leap, "
        "never approaches it so.",
    wrong=Example(cf=FUX_CF, cp=FIG33.replace("B4:2 C5:2", "E5:2 C5:2"), species=2, bars=(5,)),
    right=Example(cf=FUX_CF, cp=FIG33, species=2),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 2 (second species: the dissonance only by step, "
           "filling the space of a third) and Ch. 3 (third species); Jeppesen, Counterpoint (1931), Part II, "
           "second and third species.",
)
def dissonance_not_approached_by_step(ctx, i, opts):
    v = weak_dissonance(ctx, i)
    if v is None or i == 0:
        return None
    prev, a = ctx.line[i - 1], ctx.line[i]
    if step(prev, a).is_step:
        return None
    if opts.allow_double_neighbour and is_double_neighbour(ctx, i - 1):
        return None
    return Hit(a.start, f"{a.pitch.pretty} on {beat_label(ctx, a)} is {against(v)}, reached by "
                        f"{move(prev, a)} from {prev.pitch.pretty}", end=a.end - 1)


@dataclass(frozen=True)
class CambiataOptions:
    """Where the nota cambiata (dissonance left by a third down, then a step up) is allowed."""

    cambiata_species: tuple[int, ...] = (3, 5)  # species in which the cambiata is allowed
    cambiata_beats: tuple[int, ...] = (2,)  # beats (quarters from 1) on which its dissonance may fall
    allow_double_neighbour: bool = False  # the first neighbour of a double neighbour G F A G (Salzer & Schachter)


@rule(
    code="D102", name="dissonance-not-left-by-step", message="a weak-beat dissonance is left by leap",
    species=WEAK_SPECIES, scope="notes", reach=(1, 2), weight=10, options=CambiataOptions,
    what="Flags a dissonant counterpoint note on a weak beat that is left by a leap or a repeated note "
         "instead of by step, except the dissonance of the nota cambiata (third and fifth species) and, with "
         "`allow_double_neighbour`, the first neighbour of a double neighbour (G F A G: the F).",
    why="A weak-beat dissonance is justified only by where it goes: it must move on by step to a "
        "consonance. The one licensed exception is the cambiata: a dissonant second quarter, reached by a "
        "step down, that leaps down a third to a consonance and then turns back up by step.",
    wrong=Example(cf=FUX_CF, cp=FIG55.replace("B4:4 C5:4 | D5:4", "B4:4 G4:4 | D5:4"), species=3, bars=(3,)),
    right=Example(cf=FUX_CF, cp=FIG55, species=3),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 2-3 (the cambiata: Ch. 3, figs. 55-56); "
           "Jeppesen, Counterpoint (1931), Part II, third species (the cambiata).",
    exceptions="The nota cambiata in the species and on the beats its options name (by default the second "
               "quarter in third and fifth species, as in Fux figs. 55 and 56).",
)
def dissonance_not_left_by_step(ctx, i, opts):
    v = weak_dissonance(ctx, i)
    if v is None or i + 1 >= len(ctx.line):
        return None
    a, nxt = ctx.line[i], ctx.line[i + 1]
    if step(a, nxt).is_step:
        return None
    if ctx.species in opts.cambiata_species and is_cambiata(ctx, i, opts.cambiata_beats):
        return None
    if opts.allow_double_neighbour and is_double_neighbour(ctx, i):
        return None
    return Hit(a.start, f"{a.pitch.pretty} on {beat_label(ctx, a)} is {against(v)}, left by "
                        f"{move(a, nxt)} to {nxt.pitch.pretty}", end=nxt.end - 1)


@dataclass(frozen=True)
class NeighbourOptions:
    """Where a dissonant neighbour tone (step away and back) is allowed."""

    allowed_species: tuple[int, ...] = (3, 5)  # Fux: only passing dissonances in second species
    allow_upper: bool = True  # the dissonant upper neighbour (Jeppesen prefers the lower)
    allow_on_half_bar: bool = False  # a dissonant neighbour on the third quarter (the half bar)


@rule(
    code="D103", name="dissonant-neighbour-tone",
    message="a weak-beat dissonance is a neighbour tone, not a passing tone",
    species=WEAK_SPECIES, scope="notes", reach=(1, 1), weight=5, options=NeighbourOptions,
    what="Flags a dissonant weak-beat note reached by step and left by step in the opposite direction (a "
         "neighbour or auxiliary tone) where the rulebook does not allow it: by default in second and fourth "
         "species, and on the third quarter of the bar in any species.",
    why="In second species Fux admits a dissonance only as a passing note filling a third between two "
        "consonances; a neighbour note returns to where it came from and merely decorates it. In third and "
        "fifth species the lower neighbour on a weak quarter is normal (Jeppesen), but the half bar is too "
        "strong a place for it.",
    wrong=Example(cf=FUX_CF, cp=FIG33.replace("A4:2 B4:2", "C5:2 B4:2"), species=2, bars=(2,)),
    right=Example(cf=FUX_CF, cp=FIG33, species=2),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 2 (second species: the dissonance fills the space "
           "between two consonances a third apart); Jeppesen, Counterpoint (1931), Part II, third species "
           "(the auxiliary note).",
)
def dissonant_neighbour_tone(ctx, i, opts):
    v = weak_dissonance(ctx, i)
    if v is None or i == 0 or i + 1 >= len(ctx.line):
        return None
    prev, a, nxt = ctx.line[i - 1], ctx.line[i], ctx.line[i + 1]
    s_in, s_out = step(prev, a), step(a, nxt)
    if not (s_in.is_step and s_out.is_step) or (s_in.steps > 0) == (s_out.steps > 0):
        return None
    upper = s_in.steps > 0
    kind = "upper" if upper else "lower"
    on_half = a.offset == ctx.bar_ticks // 2
    allowed = (ctx.species in opts.allowed_species and (opts.allow_upper or not upper)
               and (opts.allow_on_half_bar or not on_half))
    if allowed:
        return None
    where = "on the half bar" if on_half and ctx.species in opts.allowed_species else f"in species {ctx.species}"
    return Hit(a.start, f"{prev.pitch.pretty}→{a.pitch.pretty}→{nxt.pitch.pretty}: {a.pitch.pretty} on "
                        f"{beat_label(ctx, a)} is a dissonant {kind} neighbour ({against(v)}) {where}", end=nxt.start)


@dataclass(frozen=True)
class ConsecutiveOptions:
    allow_double_passing: bool = False  # two passing dissonances in one direction filling a fourth (Salzer & Schachter)
    allow_double_neighbour: bool = False  # both neighbours of a double neighbour G F A G dissonant (Salzer & Schachter)


@rule(
    code="D104", name="consecutive-dissonances", message="two dissonances in a row off the beat",
    species=WEAK_SPECIES, scope="notes", reach=(2, 1), weight=5, options=ConsecutiveOptions,
    what="Flags a weak-beat dissonance that directly follows another dissonance of the counterpoint attacked "
         "off the downbeat, so that neither is framed by consonances.",
    why="A passing or neighbouring dissonance is heard against the consonances around it; two in succession "
        "(typically a fourth then a diminished fifth, or the reverse) leave the ear without a consonant "
        "reference. Fux moves from consonance through one dissonance to consonance; Salzer & Schachter admit "
        "the double passing tone (two passing notes in one direction filling a fourth) and the double "
        "neighbour (G F A G), options here.",
    wrong=Example(cf="D4 B3 C4 D4", cp="A4:4 G4:4 F4:4 E4:4 | D4:4 E4:4 F4:4 G4:4 | A4:4 G4:4 F4:4 E4:4 | D4:1",
                  species=3, mode="D dorian", bars=(2,)),
    right=Example(cf="D4 B3 C4 D4", cp="A4:4 G4:4 F4:4 E4:4 | D4:4 B3:4 D4:4 G4:4 | A4:4 G4:4 F4:4 E4:4 | D4:1",
                  species=3, mode="D dorian"),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 3 (each dissonant quarter lies between consonances); "
           "Jeppesen, Counterpoint (1931), Part II, third species.",
)
def consecutive_dissonances(ctx, i, opts):
    v = weak_dissonance(ctx, i)
    if v is None or i == 0:
        return None
    prev, a = ctx.line[i - 1], ctx.line[i]
    if prev.offset == 0 or prev.end != a.start:
        return None
    vp = ctx.vertical_at(prev.start)
    if vp is None or vp.consonant:
        return None
    if opts.allow_double_passing and i >= 2 and i + 1 < len(ctx.line):
        moves = [step(x, y).steps for x, y in zip(ctx.line[i - 2:i + 1], ctx.line[i - 1:i + 2])]
        if all(m == moves[0] for m in moves) and abs(moves[0]) == 1:
            return None
    if opts.allow_double_neighbour and is_double_neighbour(ctx, i - 1):
        return None
    return Hit(prev.start, f"{prev.pitch.pretty} ({against(vp)}) then {a.pitch.pretty} ({against(v)}): "
                           f"two dissonances in succession", end=a.end - 1)


# -- D301-D302: eighth notes in fifth species ------------------------------------------------------------
@dataclass(frozen=True)
class EighthOptions:
    beats: tuple[int, ...] = (2, 4)  # quarters whose time a pair of eighths may fill


@rule(
    code="D301", name="eighth-notes-misplaced", message="eighth notes not in a pair on a weak quarter",
    species={5}, scope="notes", reach=(1, 1), weight=5, options=EighthOptions,
    what="Flags an eighth note of a fifth-species line that is not one of a pair filling the time of a "
         "weak quarter (the second or fourth quarter of the bar).",
    why="In florid counterpoint eighth notes are a light ornament: two of them replace a weak quarter. A "
        "single eighth, or eighths on the beat, disturb the half-note pulse of the style.",
    wrong=Example(cf="D4 F4 G4 E4 D4", cp="r:2 A4:2~ | A4:4 G4:4 F4:8 G4:8 A4:4 | B4:4 C5:4 D5:2~ | D5:2 C#5:2 | D5:1",
                  species=5, bars=(2,)),
    right=Example(cf="D4 F4 G4 E4 D4", cp=FLORID, species=5),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 5 (florid counterpoint: eighth notes in pairs on "
           "the second or fourth quarter, figs. 82-88); Jeppesen, Counterpoint (1931), Part II, fifth species.",
)
def eighth_notes_misplaced(ctx, i, opts):
    line = ctx.line
    a = line[i]
    if a.duration != EIGHTH:
        return None
    q, rest = divmod(a.offset, QUARTER)
    if rest == 0:
        ok = q + 1 in opts.beats and i + 1 < len(line) and line[i + 1].duration == EIGHTH and line[i + 1].start == a.end
    else:
        ok = (q + 1 in opts.beats and i > 0 and line[i - 1].duration == EIGHTH
              and line[i - 1].end == a.start and line[i - 1].offset == q * QUARTER)
        if ok:
            return None  # the pair was judged at its first note
    if ok:
        return None
    beats = " or ".join(str(b) for b in opts.beats)
    return Hit(a.start, f"the eighth note {a.pitch.pretty} on {beat_label(ctx, a)} is not one of a pair "
                        f"filling beat {beats}", end=a.end - 1)


@dataclass(frozen=True)
class EighthLeapOptions:
    third_into_pair: bool = False  # the first eighth of a pair may be reached by a leap of a third down


@rule(
    code="D302", name="eighth-notes-leap", message="eighth notes reached or left by leap",
    species={5}, scope="notes", reach=(1, 1), weight=5, options=EighthLeapOptions,
    what="Flags an eighth note that is reached or left by a leap (or a repetition) rather than by step. With "
         "`third_into_pair`, the first eighth of a pair may be reached by a leap of a third down (a consonant "
         "eighth that then moves on by step).",
    why="A pair of eighths is a quick stepwise ornament, usually a passing or lower-neighbour figure; leaps "
        "in such short values are unsingable in the vocal style the species imitate.",
    wrong=Example(cf="D4 F4 G4 E4 D4", cp="r:2 A4:2~ | A4:4 C5:8 B4:8 A4:2 | B4:4 C5:4 D5:2~ | D5:2 C#5:2 | D5:1",
                  species=5, bars=(2,)),
    right=Example(cf="D4 F4 G4 E4 D4", cp=FLORID, species=5),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 5 (figs. 82-88: every eighth moves by step); "
           "Jeppesen, Counterpoint (1931), Part II, fifth species (eighth notes).",
)
def eighth_notes_leap(ctx, i, opts):
    line = ctx.line
    a = line[i]
    if a.duration != EIGHTH:
        return None
    before = line[i - 1] if i > 0 and line[i - 1].duration != EIGHTH else None  # a pair is judged once
    for x, y in ((before, a), (a, line[i + 1] if i + 1 < len(line) else None)):
        if x is None or y is None or x.end != y.start:
            continue
        if not step(x, y).is_step:
            if opts.third_into_pair and x is before and step(x, y).steps == -2 and _consonant_at(ctx, a):
                continue
            return Hit(a.start, f"the eighth note {a.pitch.pretty} on {beat_label(ctx, a)}: {x.pitch.pretty}→"
                                f"{y.pitch.pretty} is {move(x, y)}", end=a.end - 1)
    return None


def _consonant_at(ctx, a) -> bool:
    v = ctx.vertical_at(a.start)
    return v is not None and v.consonant


RULES = (dissonance_not_approached_by_step, dissonance_not_left_by_step, dissonant_neighbour_tone,
         consecutive_dissonances, eighth_notes_misplaced, eighth_notes_leap)
