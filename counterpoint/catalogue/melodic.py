"""M: the melodic line on its own: forbidden intervals (M1xx) and the handling of leaps (M2xx).

These rules read ``ctx.line``: the counterpoint in species 1-5, or the cantus firmus checked alone
(species 0). Tied notes are one attack, so a fourth-species syncopation is not a repeated note.
"""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.catalogue.base import WARNING, WITH_CANTUS, Example, Hit, rule
from counterpoint.catalogue.helpers import direction_word, step
from counterpoint.model.interval import Interval

FUX_CH1 = "Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (first species, Mann tr. The Study of Counterpoint)"
JEPPESEN_MEL = "Jeppesen, Counterpoint (1931), Part II, 'The Melodic Line' (rules for the single voice)"
SALZER = "Salzer & Schachter, Counterpoint in Composition (1969), Ch. 1-2 (the melodic line)"


def _move(ctx, i):
    """The melodic interval arriving at attack ``i`` (None for the first attack)."""
    return step(ctx.line[i - 1], ctx.line[i]) if i > 0 else None


def _leap_text(a, b, iv) -> str:
    return f"{direction_word(iv)} {iv.description} {a.pitch.pretty}→{b.pitch.pretty}"


def _interval_hit(ctx, i, iv):
    a, b = ctx.line[i - 1], ctx.line[i]
    return Hit(b.start, _leap_text(a, b, iv))


def _is_seventh_or_beyond(iv) -> bool:
    return iv.number == 7 or iv.number > 8


# ---------------------------------------------------------------------------------------------- M1xx
@dataclass(frozen=True)
class AugmentedOptions:
    allow_chromatic_semitone: bool = False  # the chromatic semitone (B-flat to B) between two notes


@rule(
    code="M101", name="augmented-melodic-interval", message="a melodic move by an augmented interval",
    species=WITH_CANTUS, scope="notes", reach=(1, 0), weight=10, options=AugmentedOptions,
    what="Flags a move from one note to the next by an augmented interval: the augmented second (F-G♯), "
         "the augmented fourth (the tritone F-B), the augmented fifth, or the chromatic semitone (F-F♯), which `allow_chromatic_semitone` accepts.",
    why="Augmented intervals are hard to sing in tune and foreign to the diatonic modal line; 'mi contra fa' "
        "is the devil in music. A chromatic semitone breaks the diatonic scale that the line moves in. "
        "Augmented sevenths and leaps beyond the octave are reported by M103 and M104 instead.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D5 C5 A4 F4 B4 A4 C#5 D5", bars=(5,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D5 C5 A4 F4 G4 A4 C#5 D5"),
    source=f"{FUX_CH1} (the tritone and augmented leaps are forbidden); {JEPPESEN_MEL}; {SALZER}.",
)
def augmented_melodic_interval(ctx, i, opts):
    iv = _move(ctx, i)
    if iv is not None and iv.quality in ("A", "AA") and not _is_seventh_or_beyond(iv):
        if opts.allow_chromatic_semitone and iv.number == 1 and iv.quality == "A":
            return None
        return _interval_hit(ctx, i, iv)
    return None


@rule(
    code="M102", name="diminished-melodic-interval", message="a melodic move by a diminished interval",
    species=WITH_CANTUS, scope="notes", reach=(1, 0), weight=10,
    what="Flags a move by a diminished interval: the diminished fifth (B up to F, or F down to B), diminished fourth (C♯-F), "
         "diminished third or diminished octave. The diminished seventh is reported by M103.",
    why="Like the augmented intervals, the diminished ones are outside the vocal, diatonic style of strict "
        "counterpoint; the diminished fifth B-F is the tritone's inversion and as awkward to sing.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D5 F5 B4 C5 B4 A4 C#5 D5", bars=(3,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D5 F5 E5 C5 B4 A4 C#5 D5"),
    source=f"{FUX_CH1}; {JEPPESEN_MEL}; Schubert, Modal Counterpoint, Renaissance Style (1999), Ch. 1.",
)
def diminished_melodic_interval(ctx, i, opts):
    iv = _move(ctx, i)
    if iv is not None and iv.quality in ("d", "dd") and not _is_seventh_or_beyond(iv):
        return _interval_hit(ctx, i, iv)
    return None


@rule(
    code="M103", name="seventh-leap", message="a leap of a seventh",
    species=WITH_CANTUS, scope="notes", reach=(1, 0), weight=10,
    what="Flags a leap of a seventh of any quality, up or down.",
    why="The seventh is a dissonant leap that no singer of the style would make; Fux forbids it outright "
        "together with the major sixth and all augmented leaps.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 A4 G4 F5 E5 D5 C#5 D5", bars=(4,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 A4 G4 F4 E4 A4 C#5 D5"),
    source=f"{FUX_CH1}; {JEPPESEN_MEL}.",
)
def seventh_leap(ctx, i, opts):
    iv = _move(ctx, i)
    if iv is not None and iv.number == 7:
        return _interval_hit(ctx, i, iv)
    return None


@rule(
    code="M104", name="leap-beyond-octave", message="a leap larger than an octave",
    species=WITH_CANTUS, scope="notes", reach=(1, 0), weight=10,
    what="Flags a leap wider than an octave: a ninth, tenth or more.",
    why="The octave is the largest leap of the vocal style; anything larger tears the line apart and leaves "
        "the singer's comfortable range.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 A4 G4 A5 G5 E5 C#5 D5", bars=(4,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 A4 G4 A4 B4 A4 C#5 D5"),
    source=f"{FUX_CH1}; {JEPPESEN_MEL}.",
)
def leap_beyond_octave(ctx, i, opts):
    iv = _move(ctx, i)
    if iv is not None and iv.number > 8:
        return _interval_hit(ctx, i, iv)
    return None


@dataclass(frozen=True)
class SixthOptions:
    allow_descending_minor_sixth: bool = False  # Fux's own figures use it (41, 42, 57, 75)
    allow_major_sixth: bool = False  # modern tonal textbooks allow the major sixth


@rule(
    code="M105", name="sixth-leap", message="a leap of a major sixth, or of a minor sixth downward",
    species=WITH_CANTUS, scope="notes", reach=(1, 0), weight=8, options=SixthOptions,
    what="Flags a leap of a major sixth in either direction and a leap of a minor sixth downward; only the "
         "ascending minor sixth is allowed.",
    why="Fux and Jeppesen admit among the sixths only the ascending minor sixth; the major sixth and the falling "
        "sixth are hard to pitch and sound instrumental. Options relax the falling minor sixth (which Fux's "
        "own figures use) and the major sixth (allowed by tonal textbooks).",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 F4 D5 C5 B4 A4 C#5 D5", bars=(3,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 E4 C5 B4 G4 A4 C#5 D5"),
    source=f"{FUX_CH1}; Jeppesen, Counterpoint (1931), Part II (the minor sixth only ascending); {SALZER}.",
    exceptions="Augmented and diminished sixths are reported by M101 and M102.",
)
def sixth_leap(ctx, i, opts):
    iv = _move(ctx, i)
    if iv is None or iv.number != 6:
        return None
    if iv.quality == "M" and not opts.allow_major_sixth:
        return _interval_hit(ctx, i, iv)
    if iv.quality == "m" and iv.semitones < 0 and not opts.allow_descending_minor_sixth:
        return _interval_hit(ctx, i, iv)
    return None


def _sign(a, b) -> int:
    d = b.pitch.midi - a.pitch.midi
    return (d > 0) - (d < 0)


def run_start(line, i: int, max_moves: int) -> int | None:
    """Where the run in one direction that turns at line[i] began, when it has at most ``max_moves`` moves;
    None if line[i] is no turning point (the run goes on, or it arrives by repetition) or the run is longer.
    Reads line[i - max_moves - 1] .. line[i + 1]."""
    if i == 0:
        return None
    d = _sign(line[i - 1], line[i])
    if d == 0:
        return None
    if i + 1 < len(line) and _sign(line[i], line[i + 1]) == d:
        return None  # the run goes on
    start = i - 1
    while start > 0 and i - start < max_moves and _sign(line[start - 1], line[start]) == d:
        start -= 1
    if start > 0 and _sign(line[start - 1], line[start]) == d:
        return None  # a longer run spans a wider frame
    return start


@dataclass(frozen=True)
class OutlineOptions:
    allow_resolved_diminished_fifth: bool = False  # a diminished fifth outline turned back inward by step passes


@rule(
    code="M106", name="outlined-tritone", message="a run in one direction outlines a tritone",
    species=WITH_CANTUS, scope="notes", reach=(5, 1), weight=3, severity=WARNING, options=OutlineOptions,
    what="Flags a run of notes moving in one direction (by step or leap) whose first and last notes form an "
         "augmented fourth (F up to B) or a diminished fifth (B up to F), for example F4 G4 A4 B4 turning back.",
    why="The tritone outlined by the turning points of a line is heard as clearly as a tritone leap; when "
        "the line goes on by step through the tritone (F G A B C) the frame is a fifth and nothing is flagged. "
        "Mann's note to Fux (fig. 14-15) calls for avoiding it; Fux's own figures 14, 15 and 21 show it, so it "
        "is a weighted warning. Option allow_resolved_diminished_fifth passes a diminished fifth whose line "
        "turns back inward by step (C5 A4 G4 F♯4 G4), as modern texts allow.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 F4 E4 D4", cp="A4 A4 G4 F4 G4 A4 B4 A4 C#5 D5", bars=(7,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 F4 E4 D4", cp="A4 A4 G4 F4 G4 A4 C5 B4 C#5 D5"),
    source=f"{FUX_CH1}, Mann's note to fig. 14; Jeppesen, Counterpoint (1931), Part II (the tritone outlined); {SALZER}; "
           "Schubert, Modal Counterpoint, Renaissance Style (1999), Ch. 1 (melodic tritones).",
)
def outlined_tritone(ctx, i, opts):
    line = ctx.line
    start = run_start(line, i, 4)  # five moves or more span more than a fifth
    if start is None or i - start < 2:
        return None  # no turning point, or a single leap: M101/M102
    d = _sign(line[i - 1], line[i])
    iv = step(line[start], line[i])
    if iv.simple_name in ("A4", "d5") and iv.number <= 5:
        if opts.allow_resolved_diminished_fifth and iv.quality == "d" and i + 1 < len(line):
            back = step(line[i], line[i + 1])
            if back.is_step and back.direction == -d:
                return None
        notes = " ".join(a.pitch.pretty for a in line[start:i + 1])
        return Hit(line[i].start, f"{notes} outlines {'an' if iv.quality == 'A' else 'a'} {iv.description} "
                                  f"{line[start].pitch.pretty}–{line[i].pitch.pretty}")
    return None


# ---------------------------------------------------------------------------------------------- M2xx
@dataclass(frozen=True)
class RecoveryOptions:
    min_number: int = 5  # leaps of this interval number or more need recovering (5: a fifth)
    by_step: bool = True  # the recovery must be a step (False: any move in the opposite direction)


@rule(
    code="M201", name="leap-not-recovered", message="a large leap not followed by a step the other way",
    species=WITH_CANTUS, severity=WARNING, scope="notes", reach=(1, 1), weight=3, options=RecoveryOptions,
    what="Flags a leap of a fifth or more (option min_number) whose next move does not turn back by step: "
         "the line goes on in the same direction, repeats the note, or (option by_step) turns back by leap.",
    why="A large leap leaves a gap that the ear expects to be filled; turning back by step balances the line. "
        "Fux's lower counterpoints sometimes leap up a fifth and continue upward (fig. 6, 21, 23), so this is a "
        "preference, weighted, not a prohibition.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 A4 G4 F4 C5 D5 C#5 D5", bars=(5,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 A4 G4 F4 C5 B4 C#5 D5"),
    source=f"{JEPPESEN_MEL}; {SALZER}; Fux, Gradus ad Parnassum (1725), Book II, Ch. 1.",
)
def leap_not_recovered(ctx, i, opts):
    line = ctx.line
    if i == 0 or i + 1 >= len(line):
        return None
    iv = step(line[i - 1], line[i])
    if iv.number < opts.min_number or iv.steps == 0:
        return None
    nxt = step(line[i], line[i + 1])
    turns = nxt.direction == -iv.direction
    if turns and (nxt.is_step or not opts.by_step):
        return None
    how = ("repeats the note" if nxt.steps == 0 else
           f"turns back by a {nxt.description}" if turns else f"goes on {direction_word(nxt)} by a {nxt.description}")
    return Hit(line[i].start, f"{_leap_text(line[i - 1], line[i], iv)}, then {how} to {line[i + 1].pitch.pretty}",
               end=line[i + 1].start)


@dataclass(frozen=True)
class TwoLeapOptions:
    allow_triad: bool = True  # two leaps outlining a major or minor triad (or a 5+4 octave) within an octave pass


def _outlines_chord(pitches) -> bool:
    """Three pitches in one direction that arpeggiate a major or minor triad, or split an octave into 5th + 4th."""
    lo, mid, hi = sorted(pitches, key=lambda p: (p.midi, p.diatonic))
    outer = Interval.between(lo, hi)
    if outer.number > 8:
        return False
    if outer.name == "P8":
        return Interval.between(lo, mid).name in ("P4", "P5")
    trio = (lo, mid, hi)
    for r, root in enumerate(trio):
        shape = set()
        for k, p in enumerate(trio):
            if k != r:
                iv = Interval.between(root, p)
                shape.add((iv.steps % 7, iv.semitones % 12))
        if shape in ({(2, 4), (4, 7)}, {(2, 3), (4, 7)}):
            return True
    return False


@rule(
    code="M202", name="consecutive-leaps-same-direction", message="two leaps in a row in the same direction",
    species=WITH_CANTUS, severity=WARNING, scope="notes", reach=(2, 0), weight=3, options=TwoLeapOptions,
    what="Flags two successive leaps in the same direction, unless (option allow_triad) the three notes "
         "arpeggiate a major or minor triad, or an octave divided into fifth and fourth, within an octave.",
    why="Leaps piled up in one direction overshoot the line's range and sound like broken chords of no "
        "chord; outlining a consonant triad keeps them intelligible. Fux's bass lines at the cadence outline a "
        "seventh (D3 A3 C♯4 D4, fig. 35), a licence counted here as a weighted warning.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 F4 A4 E5 D5 B4 C#5 D5", bars=(4,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 F4 A4 G4 E4 A4 C#5 D5"),
    source=f"{JEPPESEN_MEL}; {SALZER} (successive leaps should outline a triad); "
           "Schubert, Modal Counterpoint, Renaissance Style (1999), Ch. 1.",
)
def consecutive_leaps_same_direction(ctx, i, opts):
    line = ctx.line
    if i < 2:
        return None
    a, b, c = line[i - 2], line[i - 1], line[i]
    x, y = step(a, b), step(b, c)
    if not (x.is_leap and y.is_leap and x.direction == y.direction):
        return None
    if opts.allow_triad and _outlines_chord((a.pitch, b.pitch, c.pitch)):
        return None
    frame = step(a, c)
    return Hit(c.start, f"{a.pitch.pretty}→{b.pitch.pretty}→{c.pitch.pretty}: {x.description} and {y.description} "
                        f"{direction_word(x)}, spanning a {frame.description}")


MAX_LEAPS_CAP = 4


@dataclass(frozen=True)
class LeapCountOptions:
    max_leaps: int = 2  # leaps in a row that pass (at most 4)


@rule(
    code="M203", name="too-many-consecutive-leaps", message="too many leaps in a row",
    species=WITH_CANTUS, severity=WARNING, scope="notes", reach=(MAX_LEAPS_CAP + 1, 0), weight=2,
    options=LeapCountOptions,
    what="Flags a chain of more than two leaps in a row (option max_leaps), whatever their directions, at "
         "every leap too many: a chain of n leaps is reported n - max_leaps times, so its cost grows with "
         "its length (weight × (n - max_leaps)).",
    why="A line made of leaps has no melodic continuity; the style is basically stepwise with leaps as "
        "contrast, and each further leap in a chain makes it worse. Fux's bass lines do sometimes leap three "
        "or more times in a row near the cadence.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 A4 F4 D4 G4 A4 C#5 D5", bars=(4, 5)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 A4 F4 E4 G4 A4 C#5 D5"),
    source=f"{SALZER}; {JEPPESEN_MEL}.",
)
def too_many_consecutive_leaps(ctx, i, opts):
    line = ctx.line
    k = max(1, min(opts.max_leaps, MAX_LEAPS_CAP)) + 1  # leaps that make a fault
    if i < k:
        return None
    if not all(step(line[j - 1], line[j]).is_leap for j in range(i - k + 1, i + 1)):
        return None
    notes = " ".join(a.pitch.pretty for a in line[i - k:i + 1])
    return Hit(line[i].start, f"{k} leaps in a row: {notes}")


MAX_RUN_CAP = 10


@dataclass(frozen=True)
class RunOptions:
    max_steps: int = 7  # steps in one direction that pass (7: a scale of an octave; at most 10)


@rule(
    code="M204", name="stepwise-run-too-long", message="a long scale run in one direction",
    species=WITH_CANTUS, severity=WARNING, scope="notes", reach=(MAX_RUN_CAP + 2, 0), weight=1,
    options=RunOptions,
    what="Flags a run of more than seven steps in one direction (option max_steps): a scale beyond the octave. "
         "It is reported once, at the first step too many.",
    why="A long scale is monotonous and pushes the line to the edge of its range; good lines turn within "
        "about an octave. Fux's third-species lines run up to a ninth, so this is a light preference.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4 F4 E4 D4",
                  cp="C4 D4 E4 F4 G4 A4 B4 C5 D5 C5 D5", bars=(9,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4 F4 E4 D4",
                  cp="E4 F4 G4 A4 B4 C5 D5 E5 D5 C#5 D5"),
    source=f"{SALZER}; Kennan, Counterpoint (4th ed. 1999), Ch. 2 (the melodic line).",
)
def stepwise_run_too_long(ctx, i, opts):
    line = ctx.line
    k = max(1, min(opts.max_steps, MAX_RUN_CAP)) + 1
    if i < k:
        return None
    first = step(line[i - k], line[i - k + 1])
    if not first.is_step:
        return None
    for j in range(i - k + 2, i + 1):
        iv = step(line[j - 1], line[j])
        if not (iv.is_step and iv.direction == first.direction):
            return None
    if i - k >= 1:
        before = step(line[i - k - 1], line[i - k])
        if before.is_step and before.direction == first.direction:
            return None
    return Hit(line[i].start, f"{k} steps {direction_word(first)} in a row, "
                              f"{line[i - k].pitch.pretty} to {line[i].pitch.pretty}")


RULES = (augmented_melodic_interval, diminished_melodic_interval, seventh_leap, leap_beyond_octave, sixth_leap,
         outlined_tritone, leap_not_recovered, consecutive_leaps_same_direction, too_many_consecutive_leaps,
         stepwise_run_too_long)
