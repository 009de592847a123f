"""V: voice leading between the two voices: parallel and direct perfect intervals, contrary motion."""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.catalogue.base import ALL_SPECIES, WARNING, Example, Hit, rule
from counterpoint.catalogue.helpers import CONTRARY, SIMILAR, is_perfect, motion, moves_together, movement
from counterpoint.model.interval import Interval


def _parallels(ctx, bar: int, number: int):
    """Consecutive verticals, the second in ``bar``, that are both perfect ``number``s reached in similar motion."""
    for vi in ctx.bar_verticals[bar]:
        if vi == 0:
            continue
        a, b = ctx.verticals[vi - 1], ctx.verticals[vi]
        if is_perfect(a, number) and is_perfect(b, number) and moves_together(a, b):
            yield Hit(b.start, f"{movement(a, b)}: {a.interval.description} to {b.interval.description} in similar motion",
                      voice="both")


@rule(
    code="V101", name="parallel-fifths", message="two perfect fifths in a row in similar motion",
    species=ALL_SPECIES, scope="bars", reach=(1, 0), weight=10,
    what="Flags a perfect fifth (or twelfth) followed by another perfect fifth while both voices move the same way.",
    why="Parallel fifths fuse the two voices into one and destroy their independence; every tradition of "
        "strict counterpoint forbids them. A fifth moving to a twelfth is still a parallel fifth, while a "
        "diminished fifth moving to a perfect fifth is not (it is judged by V-family direct-motion rules).",
    wrong=Example(cf="D4 E4 F4 E4 D4", cp="A4 B4 A4 C#5 D5", bars=(2,)),
    right=Example(cf="D4 E4 F4 E4 D4", cp="A4 G4 A4 C#5 D5"),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (first species), the four fundamental rules; "
           "Jeppesen, Counterpoint (1931), Part II, first species.",
)
def parallel_fifths(ctx, bar, opts):
    return _parallels(ctx, bar, 5)


@rule(
    code="V102", name="parallel-octaves", message="two octaves or unisons in a row in similar motion",
    species=ALL_SPECIES, scope="bars", reach=(1, 0), weight=10,
    what="Flags an octave or unison (or any compound octave) followed by another while both voices move the same way.",
    why="Parallel octaves and unisons make the counterpoint a mere doubling of the cantus firmus, so that two "
        "voices sound as one.",
    wrong=Example(cf="D4 E4 F4 E4 D4", cp="D5 E5 A4 C#5 D5", bars=(2,)),
    right=Example(cf="D4 E4 F4 E4 D4", cp="D5 C5 A4 C#5 D5"),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1; Jeppesen, Counterpoint (1931), Part II, first species.",
)
def parallel_octaves(ctx, bar, opts):
    return _parallels(ctx, bar, 8)



# -- direct (hidden) perfect intervals -------------------------------------------------------------

@dataclass(frozen=True)
class DirectOptions:
    allow_upper_step: bool = False  # modern usage: allowed when the upper voice moves by step
    allow_lower_step: bool = False  # allowed when the lower voice moves by step
    allow_from_tenth: bool = False  # allowed when the voices come from a tenth (or third)


def _directs(ctx, bar: int, number: int, opts):
    """Consecutive verticals, the second in ``bar``, reaching a perfect ``number`` in similar (not parallel) motion."""
    for vi in ctx.bar_verticals[bar]:
        if vi == 0:
            continue
        a, b = ctx.verticals[vi - 1], ctx.verticals[vi]
        if not is_perfect(b, number) or is_perfect(a, number) or motion(a, b) != SIMILAR:
            continue  # perfect to perfect of the same kind is V101/V102's business (unison to octave too)
        upper = Interval.between(a.upper, b.upper)
        if opts.allow_upper_step and upper.is_step:
            continue
        if opts.allow_lower_step and Interval.between(a.lower, b.lower).is_step:
            continue
        if opts.allow_from_tenth and a.interval.simple_number == 3:
            continue
        yield Hit(b.start, f"{movement(a, b)}: both voices move {_updown(b.cp.midi - a.cp.midi)} into "
                  f"{_article(b.interval.description)} (from {_article(a.interval.description)})", voice="both")


def _updown(d: int) -> str:
    return "up" if d > 0 else "down"


def _article(text: str) -> str:
    return ("an " if text[0] in "aeiou" else "a ") + text


@rule(
    code="V103", name="direct-fifth", message="a perfect fifth reached in similar motion",
    species=ALL_SPECIES, scope="bars", reach=(1, 0), weight=8, options=DirectOptions,
    what="Flags a perfect fifth (or twelfth) approached by both voices moving in the same direction from "
         "another interval (a hidden or direct fifth). With `allow_upper_step` the progression is accepted "
         "when the upper voice moves by step, as modern textbooks teach.",
    why="Fux's first fundamental rule: from any interval to a perfect consonance one must go in contrary or "
        "oblique motion. Similar motion into a fifth lets the ear fill in the parallel fifth it implies, and "
        "in two voices the exposed perfect interval is conspicuous.",
    wrong=Example(cf="D4 E4 F4 G4 A4 F4 E4 D4", cp="A4 C5 A4 D5 C5 D5 C#5 D5", bars=(4,)),
    right=Example(cf="D4 E4 F4 G4 A4 F4 E4 D4", cp="A4 C5 A4 B4 C5 D5 C#5 D5"),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (the four fundamental rules: to a perfect "
           "consonance only in contrary or oblique motion); Salzer & Schachter, Counterpoint in Composition "
           "(1969), Ch. 3 (direct fifths and octaves, allowed with a step in the upper voice).",
    voices="outer",
)
def direct_fifth(ctx, bar, opts):
    return _directs(ctx, bar, 5, opts)


@rule(
    code="V104", name="direct-octave", message="an octave or unison reached in similar motion",
    species=ALL_SPECIES, scope="bars", reach=(1, 0), weight=8, options=DirectOptions,
    what="Flags an octave or unison (or compound octave) approached by both voices moving in the same "
         "direction from another interval (a hidden or direct octave). With `allow_upper_step` the "
         "progression is accepted when the upper voice moves by step.",
    why="Fux's first fundamental rule forbids similar motion into a perfect consonance; an octave reached "
        "that way sounds like a doubling that the two voices fall into together.",
    wrong=Example(cf="D4 F4 E4 G4 A4 F4 E4 D4", cp="A4 A4 C5 G5 F5 D5 C#5 D5", bars=(4,)),
    right=Example(cf="D4 F4 E4 G4 A4 F4 E4 D4", cp="A4 A4 C5 B4 C5 D5 C#5 D5"),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (the four fundamental rules); Salzer & "
           "Schachter, Counterpoint in Composition (1969), Ch. 3; Jeppesen, Counterpoint (1931), Part II.",
    voices="outer",
)
def direct_octave(ctx, bar, opts):
    return _directs(ctx, bar, 8, opts)


# -- perfect intervals on successive downbeats -----------------------------------------------------

@dataclass(frozen=True)
class DownbeatOptions:
    max_between: int = 1  # the rule applies when at most this many counterpoint notes lie between the downbeats
    rescuing_leap: int = 4  # a leap of at least this interval number into the next note hides them (0: never)


def _downbeat_parallels(ctx, bar: int, number: int, opts):
    a, b = ctx.downbeat(bar - 1), ctx.downbeat(bar)
    if a is None or b is None or not (a.cp_attacked and b.cp_attacked):
        return None
    if not (is_perfect(a, number) and is_perfect(b, number)) or not moves_together(a, b):
        return None
    between = [x for x in ctx.cp if a.start < x.start < b.start]
    if not between or len(between) > opts.max_between:
        return None
    leap = Interval.between(a.cp, between[0].pitch)
    if opts.rescuing_leap and leap.number >= opts.rescuing_leap:
        return None
    via = ", ".join(x.pitch.pretty for x in between)
    how = "step" if leap.is_step else f"{leap.description} leap"
    return Hit(b.start, f"{a.label} (bar {a.bar + 1}) to {b.label}: {a.interval.description} to "
               f"{b.interval.description} on successive downbeats, only {via} between (a {how})", voice="both")


@rule(
    code="V105", name="fifths-on-successive-downbeats", message="perfect fifths on successive downbeats",
    species={2, 3, 5}, scope="bars", reach=(1, 0), weight=6, options=DownbeatOptions,
    what="Flags perfect fifths on two successive downbeats reached in similar motion when the only note "
         "between them (`max_between`) is reached by a step or a third. A leap of a fourth or more into the "
         "intervening note (`rescuing_leap`) separates them enough.",
    why="A single half note does not hide fifths that fall on the accented beats: the ear connects the "
        "downbeats. Fux shows that a skip of a third cannot save them, while a larger skip can "
        "(his own figs. 36, 40 and 42 place perfect intervals on successive downbeats across a leap of a fourth).",
    wrong=Example(cf="D4 G4 F4 E4 D4", cp="D5:2 F5:2 | D5:2 B4:2 | C5:2 A4:2 | C#5:2 E5:2 | D5:1",
                  species=2, bars=(3,)),
    right=Example(cf="D4 G4 F4 E4 D4", cp="D5:2 F5:2 | D5:2 B4:2 | A4:2 C5:2 | C#5:2 E5:2 | D5:1",
                  species=2),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 2 (second species: fifths or octaves on successive "
           "downbeats separated by the skip of a third); Jeppesen, Counterpoint (1931), Part II, second species.",
)
def fifths_on_successive_downbeats(ctx, bar, opts):
    return _downbeat_parallels(ctx, bar, 5, opts)


@rule(
    code="V106", name="octaves-on-successive-downbeats", message="octaves on successive downbeats",
    species={2, 3, 5}, scope="bars", reach=(1, 0), weight=6, options=DownbeatOptions,
    what="Flags octaves (or unisons) on two successive downbeats reached in similar motion when the only "
         "note between them is reached by a step or a third; a leap of a fourth or more separates them.",
    why="As with fifths: one weak half note reached by a small interval does not break the octaves the "
        "accented beats make.",
    wrong=Example(cf="D4 G4 F4 E4 D4", cp="D5:2 A5:2 | G5:2 E5:2 | F5:2 D5:2 | C#5:2 E5:2 | D5:1",
                  species=2, bars=(3,)),
    right=Example(cf="D4 G4 F4 E4 D4", cp="D5:2 A5:2 | G5:2 E5:2 | D5:2 A4:2 | C#5:2 E5:2 | D5:1",
                  species=2),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 2 (second species); Jeppesen, Counterpoint (1931), "
           "Part II, second species.",
)
def octaves_on_successive_downbeats(ctx, bar, opts):
    return _downbeat_parallels(ctx, bar, 8, opts)


# -- independence of the voices --------------------------------------------------------------------

@dataclass(frozen=True)
class ContraryShareOptions:
    min_share: float = 0.3  # the smallest share of contrary motion among the moves where both voices move
    min_moves: int = 4  # judge only lines with at least this many such moves


@rule(
    code="V107", name="contrary-motion-too-rare", message="too little contrary motion between the voices",
    species=ALL_SPECIES, severity=WARNING, scope="whole", reach=(0, 0), weight=3, options=ContraryShareOptions,
    what="Counts the progressions in which both voices move and flags the exercise when fewer than "
         "`min_share` (30%) of them are in contrary motion.",
    why="Contrary motion is what makes two lines independent; Fux calls it the safest motion, and a "
        "counterpoint that mostly moves with the cantus firmus sounds like an accompaniment to it.",
    wrong=Example(cf="D4 E4 F4 G4 A4 G4 F4 E4 D4", cp="A4 C5 D5 E5 F5 E5 D5 C#5 D5", bars=(2,)),
    right=Example(cf="D4 E4 F4 G4 A4 G4 F4 E4 D4", cp="A4 G4 A4 B4 C5 E5 D5 C#5 D5"),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (contrary motion to be preferred); Salzer & "
           "Schachter, Counterpoint in Composition (1969), Ch. 3; Schubert, Modal Counterpoint (1999), Ch. 4.",
)
def contrary_motion_too_rare(ctx, _, opts):
    pairs = [(a, b) for a, b in zip(ctx.verticals, ctx.verticals[1:])
             if a.cp != b.cp and a.cf != b.cf]
    if len(pairs) < opts.min_moves:
        return None
    contrary = sum(motion(a, b) == CONTRARY for a, b in pairs)
    if contrary / len(pairs) < opts.min_share:
        first = pairs[0][1]
        return Hit(first.start, f"only {contrary} of {len(pairs)} progressions where both voices move are in "
                   f"contrary motion (less than {opts.min_share:.0%})", voice="both", end=pairs[-1][1].start)
    return None


@dataclass(frozen=True)
class LeapOptions:
    min_leap: int = 3  # the smallest leap (as an interval number) that counts: 3 includes thirds


@rule(
    code="V108", name="simultaneous-leaps", message="both voices leap in the same direction",
    species=ALL_SPECIES, severity=WARNING, scope="bars", reach=(1, 0), weight=2, options=LeapOptions,
    what="Flags a progression in which the counterpoint and the cantus firmus both leap (a third or more, "
         "`min_leap`) in the same direction.",
    why="When both voices leap together the texture lurches as a block and the voices lose their "
        "independence; one voice should move by step, or they should leap in opposite directions.",
    wrong=Example(cf="D4 F4 E4 G4 A4 F4 E4 D4", cp="A4 A4 C5 E5 C5 D5 C#5 D5", bars=(4,)),
    right=Example(cf="D4 F4 E4 G4 A4 F4 E4 D4", cp="A4 A4 C5 B4 C5 D5 C#5 D5"),
    source="Salzer & Schachter, Counterpoint in Composition (1969), Ch. 3 (simultaneous leaps); Jeppesen, "
           "Counterpoint (1931), Part II; Schubert, Modal Counterpoint (1999), Ch. 4.",
)
def simultaneous_leaps(ctx, bar, opts):
    for vi in ctx.bar_verticals[bar]:
        if vi == 0:
            continue
        a, b = ctx.verticals[vi - 1], ctx.verticals[vi]
        if not (b.cp_attacked and b.cf_attacked):
            continue
        lcp, lcf = Interval.between(a.cp, b.cp), Interval.between(a.cf, b.cf)
        if min(lcp.number, lcf.number) >= max(opts.min_leap, 2) and lcp.direction == lcf.direction != 0:
            yield Hit(b.start, f"{movement(a, b)}: the counterpoint leaps {_article(lcp.description)} and the "
                      f"cantus firmus {_article(lcf.description)}, both {_updown(lcp.semitones)}", voice="both")


@rule(
    code="V109", name="cross-relation", message="a false relation between the voices",
    species=ALL_SPECIES, scope="bars", reach=(1, 0), weight=6,
    what="Flags a chromatic contradiction split between the voices from one sonority to the next: a note in "
         "one voice followed at once by the same letter with another accidental in the other voice "
         "(F against a following F-sharp, B against a following B-flat).",
    why="The cross relation (relatio non harmonica) sounds like a wrong note: the ear has just heard the "
        "diatonic pitch and the other voice contradicts it. Strict style keeps a chromatic inflection "
        "within one voice, if at all.",
    wrong=Example(cf="D4 F4 D4 E4 D4", cp="D5 A4 F#4 C#5 D5", mode="D dorian", bars=(3,)),
    right=Example(cf="D4 F4 D4 E4 D4", cp="D5 A4 B4 C#5 D5", mode="D dorian"),
    source="Fux, Gradus ad Parnassum (1725), Book II (mi contra fa; the relatio non harmonica); Jeppesen, "
           "Counterpoint (1931), Part II; Morris, Contrapuntal Technique in the Sixteenth Century (1922).",
)
def cross_relation(ctx, bar, opts):
    for vi in ctx.bar_verticals[bar]:
        if vi == 0:
            continue
        a, b = ctx.verticals[vi - 1], ctx.verticals[vi]
        if a.cp == b.cp or a.cf == b.cf:
            continue  # a voice holds its note: any clash is a vertical one, judged by the H and D rules
        for first, then, before, voice, other in ((a.cf, b.cp, a.cp, "cantus firmus", "counterpoint"),
                                                  (a.cp, b.cf, a.cf, "counterpoint", "cantus firmus")):
            if first.step == then.step and first.alter != then.alter:
                if before.step == then.step:
                    continue  # the voice itself carries the inflection (a chromatic step, judged by M rules)
                yield Hit(b.start, f"{first.pretty} in the {voice} is followed by {then.pretty} in the {other}",
                          voice="both")


@rule(
    code="V110", name="antiparallel-perfects", message="perfect fifths or octaves in contrary motion",
    species=ALL_SPECIES, severity=WARNING, scope="bars", reach=(1, 0), weight=3,
    what="Flags two perfect intervals of the same kind in a row reached in contrary motion: a fifth to a "
         "twelfth, an octave to a unison or a double octave (antiparallel or contrary fifths and octaves).",
    why="Contrary motion between perfect consonances satisfies Fux's letter, but the two voices still "
        "sound the same consecutive fifths or octaves an octave apart. Many modern books forbid them "
        "outright in two voices; for Fux they are at most a blemish.",
    wrong=Example(cf="D4 E4 F4 E4 D4", cp="A4 A3 A4 C#5 D5", above=True, bars=(2,)),
    right=Example(cf="D4 E4 F4 E4 D4", cp="A4 G4 A4 C#5 D5"),
    source="Salzer & Schachter, Counterpoint in Composition (1969), Ch. 3 (fifths and octaves by contrary "
           "motion); Schubert, Modal Counterpoint (1999), Ch. 4; Fux, Gradus ad Parnassum (1725), Book II, Ch. 1.",
)
def antiparallel_perfects(ctx, bar, opts):
    for vi in ctx.bar_verticals[bar]:
        if vi == 0:
            continue
        a, b = ctx.verticals[vi - 1], ctx.verticals[vi]
        if motion(a, b) != CONTRARY:
            continue
        for number in (5, 8):
            if is_perfect(a, number) and is_perfect(b, number):
                yield Hit(b.start, f"{movement(a, b)}: {a.interval.description} to {b.interval.description} "
                          f"in contrary motion", voice="both")


@dataclass(frozen=True)
class MaskedOptions:
    include_fifths: bool = False  # also flag fifths on both sides of a suspension (a chain of 4-5s below)


@rule(
    code="V111", name="octaves-masked-by-suspension", message="octaves before and after a dissonant suspension",
    species={4, 5}, scope="bars", reach=(1, 0), weight=6, options=MaskedOptions,
    what="Flags a dissonant suspension whose preparation and resolution both make an octave (or unison) "
         "with the cantus firmus, as in a 9-8 prepared by an octave or a chain of 9-8s. With `include_fifths` "
         "fifths on both sides count too.",
    why="The suspension only delays the counterpoint's note: behind the dissonance the real progression is "
        "octave to octave in similar motion. Consonant syncopations separate perfect intervals (Fux, fig. 75), "
        "and Fux accepts a chain of fifths behind lower-voice 4-5 suspensions (fig. 76), but not octaves.",
    wrong=Example(cf="D4 C4 B3 A3 D4", cp="r:2 D5:2~ | D5:2 C5:2~ | C5:2 B4:2 | C#5:1 | D5:1",
                  species=4, bars=(2, 3)),
    right=Example(cf="D4 C4 B3 A3 D4", cp="r:2 F4:2~ | F4:2 E4:2~ | E4:2 D4:2~ | D4:2 C#4:2 | D4:1",
                  species=4),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 4 (the ninth resolving to the octave); Jeppesen, "
           "Counterpoint (1931), Part II, fourth species (series of 9-8 suspensions give octaves).",
)
def octaves_masked_by_suspension(ctx, bar, opts):
    d = ctx.downbeat(bar)
    if d is None or d.cp_attacked or d.consonant:
        return None
    held = ctx.cp[d.cp_index]
    if held.bar != bar - 1:
        return None
    prep = ctx.vertical_at(held.start)
    res = next((ctx.verticals[i] for i in ctx.bar_verticals[bar] if ctx.verticals[i].cp_attacked), None)
    if prep is None or res is None or not moves_together(prep, res):
        return None
    for number in (8, 5) if opts.include_fifths else (8,):
        if is_perfect(prep, number) and is_perfect(res, number):
            return Hit(res.start, f"{prep.label} to {res.label} behind the suspension {d.label} "
                       f"({d.interval.description}): {prep.interval.description} to {res.interval.description}",
                       voice="both")
    return None


RULES = (parallel_fifths, parallel_octaves, direct_fifth, direct_octave, fifths_on_successive_downbeats,
         octaves_on_successive_downbeats, contrary_motion_too_rare, simultaneous_leaps, cross_relation,
         antiparallel_perfects, octaves_masked_by_suspension)
