"""M: the shape of the whole line: range and climax (M3xx), repetition and monotony (M4xx).

Like the interval rules in melodic.py they read ``ctx.line``: the counterpoint, or a lone cantus firmus
(species 0). Tied notes are one attack.
"""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.catalogue.base import ALL_SPECIES, WARNING, WITH_CANTUS, Example, Hit, rule
from counterpoint.catalogue.helpers import restruck_tie
from counterpoint.model.interval import Interval

JEPPESEN_MEL = "Jeppesen, Counterpoint (1931), Part II, 'The Melodic Line'"
SALZER = "Salzer & Schachter, Counterpoint in Composition (1969), Ch. 1 (the melodic line)"
FUX = "Fux, Gradus ad Parnassum (1725), Book II"


def _height(a) -> tuple[int, int]:
    return (a.pitch.midi, a.pitch.diatonic)


def _extremes(line):
    lo = min(line, key=_height)
    hi = max(line, key=_height)
    return lo, hi


# ---------------------------------------------------------------------------------------------- M3xx
@dataclass(frozen=True)
class WideOptions:
    max_number: int = 10  # the widest range allowed, as an interval number (10: a tenth)


@rule(
    code="M301", name="range-too-wide", message="the line spans more than a tenth",
    species=WITH_CANTUS, scope="whole", weight=5, options=WideOptions,
    what="Flags a line whose lowest and highest notes lie more than a tenth apart (option max_number).",
    why="Each line is written for one singer, whose comfortable compass in the style is about an octave "
        "to a tenth; a wider range also makes the line lose its shape.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", cp="D4 E4 F4 A4 C5 E5 F5 G5 E5 C#5 D5", bars=(1,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 A4 G4 F4 E4 D5 C#5 D5"),
    source=f"{JEPPESEN_MEL} (the range of a voice); {SALZER}; Schubert, Modal Counterpoint, Renaissance Style "
           "(1999), Ch. 1 (range of a tenth at most).",
)
def range_too_wide(ctx, i, opts):
    line = ctx.line
    if not line:
        return None
    lo, hi = _extremes(line)
    span = _span(lo, hi)
    if span.number <= opts.max_number:
        return None
    first, second = sorted((lo, hi), key=lambda a: a.start)
    return Hit(first.start, f"range {lo.pitch.pretty}–{hi.pitch.pretty} spans a {span.description}",
               end=second.start)


def _span(lo, hi) -> Interval:
    return Interval.between(lo.pitch, hi.pitch)


@dataclass(frozen=True)
class NarrowOptions:
    min_number: int = 5  # the narrowest acceptable range, as an interval number (5: a fifth)


@rule(
    code="M302", name="range-too-narrow", message="the line moves within less than a fifth",
    species=WITH_CANTUS, severity=WARNING, scope="whole", weight=2, options=NarrowOptions,
    what="Flags a line whose lowest and highest notes lie less than a fifth apart (option min_number).",
    why="A line cramped into a third or fourth has no room for a climax or for contrast between steps and "
        "leaps; it circles instead of going somewhere.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="F4 A4 G4 F4 G4 A4 E4 F4", bars=(1,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 A4 G4 F4 E4 D5 C#5 D5"),
    source=f"{SALZER}; Kennan, Counterpoint (4th ed. 1999), Ch. 2.",
)
def range_too_narrow(ctx, i, opts):
    line = ctx.line
    if len(line) < 2:
        return None
    lo, hi = _extremes(line)
    span = _span(lo, hi)
    if span.number >= opts.min_number:
        return None
    what = "stays on one note" if span.number == 1 else f"spans only a {span.description}"
    return Hit(line[0].start, f"the line {what}, {lo.pitch.pretty}–{hi.pitch.pretty}", end=line[-1].start)


def peak_groups(line):
    """The attacks on the highest pitch, grouping immediate repetitions into one."""
    top = max(_height(a) for a in line)
    groups = []
    for k, a in enumerate(line):
        if _height(a) == top and not (k and _height(line[k - 1]) == top):
            groups.append(a)
    return groups


@rule(
    code="M303", name="climax-not-unique", message="the highest note is reached more than once",
    species=WITH_CANTUS, severity=WARNING, scope="whole", weight=2,
    what="Flags a line whose highest note is reached again after the line has left it (an immediate "
         "repetition counts once); reported where the peak returns.",
    why="A line with one climax has a clear arch; returning to the same peak weakens it. Fux's own "
        "counterpoints often touch their high note twice, so it is a preference.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 D5 C5 B4 D5 A4 C#5 D5", bars=(5, 8)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 A4 G4 F4 E5 D5 C#5 D5"),
    source=f"{JEPPESEN_MEL}; {SALZER}; Schubert, Modal Counterpoint, Renaissance Style (1999), Ch. 1.",
)
def climax_not_unique(ctx, i, opts):
    line = ctx.line
    if not line:
        return
    groups = peak_groups(line)
    for a in groups[1:]:
        yield Hit(a.start, f"the peak {a.pitch.pretty} returns in bar {a.bar + 1} "
                           f"(first reached in bar {groups[0].bar + 1})")


@rule(
    code="M304", name="climax-coincides-with-cf-climax", message="both voices reach their highest notes together",
    species=ALL_SPECIES, severity=WARNING, scope="whole", weight=2,
    what="Flags a counterpoint whose highest note sounds at the same time as the cantus firmus's highest note.",
    why="When the two climaxes coincide the voices peak together and the texture loses its independence; "
        "staggered high points keep each line audible.",
    wrong=Example(cf="D4 F4 E4 D4 G4 A4 F4 E4 D4", cp="F4 A4 G4 F4 B4 C5 B4 G4 F4", bars=(6,)),
    right=Example(cf="D4 F4 E4 D4 G4 A4 F4 E4 D4", cp="A4 A4 G4 A4 B4 C5 D5 C#5 D5"),
    source=f"{SALZER} (the two climaxes should not coincide); Kennan, Counterpoint (4th ed. 1999), Ch. 3.",
)
def climax_coincides_with_cf_climax(ctx, i, opts):
    if not ctx.cp or not ctx.cf:
        return
    cp_top = max(_height(a) for a in ctx.cp)
    cf_top = max(_height(a) for a in ctx.cf)
    tops = [a for a in ctx.cp if _height(a) == cp_top]
    for c in ctx.cf:
        if _height(c) != cf_top:
            continue
        a = next((a for a in tops if a.start < c.end and c.start < a.end), None)
        if a is not None:
            yield Hit(max(a.start, c.start), f"the counterpoint's peak {a.pitch.pretty} sounds with the cantus "
                                             f"firmus's peak {c.pitch.pretty}", voice="both")


# ---------------------------------------------------------------------------------------------- M4xx
def _repeat_hit(ctx, i):
    line = ctx.line
    if i == 0:
        return None
    a, b = line[i - 1], line[i]
    if a.pitch == b.pitch:
        return Hit(b.start, f"{b.pitch.pretty} struck again straight after itself")
    return None


@dataclass(frozen=True)
class RepeatOptions:
    into_final: bool = False  # the penultimate note may be struck again as the last


@rule(
    code="M401", name="repeated-note", message="a note repeated straight away",
    species=frozenset({2, 3}), scope="notes", reach=(1, 0), weight=8, options=RepeatOptions,
    what="Flags a note struck again immediately (not tied) in second or third species; with `into_final`, a "
         "last note that repeats the one before is accepted.",
    why="In the species of moving notes the counterpoint must move: a repeated half or quarter note stalls the "
        "line and sounds like a mistake. Fux's second- and third-species solutions never repeat a note; in "
        "first species the repetition is tolerated (see M404).",
    wrong=Example(cf="D4 F4 E4 D4", cp="A4:2 B4:2 | C5:2 C5:2 | B4:2 C#5:2 | D5:1", species=2, bars=(2,)),
    right=Example(cf="D4 F4 E4 D4", cp="A4:2 B4:2 | C5:2 A4:2 | B4:2 C#5:2 | D5:1", species=2),
    source=f"{FUX} Ch. 2-3 (second and third species); Jeppesen, Counterpoint (1931), Part II, second species "
           "(tone repetition is not permitted).",
)
def repeated_note(ctx, i, opts):
    if opts.into_final and i == len(ctx.line) - 1:
        return None
    return _repeat_hit(ctx, i)


@rule(
    code="M404", name="repeated-long-note", message="a note repeated straight away",
    species=frozenset({0, 1, 4}), severity=WARNING, scope="notes", reach=(1, 0), weight=2,
    what="Flags a note struck again immediately in a cantus firmus, in first species, or (untied) in fourth "
         "species. A half note restruck over the bar line where it could be tied is S106; fifth species "
         "has its own rule, M406.",
    why="Repetition brings the line to a standstill. Fux tolerates it in first species (fig. 5, 13, 15, 23), "
        "so it is a weighted preference there rather than a prohibition.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 A4 G4 F4 E4 D5 C#5 D5", bars=(2,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 F4 G4 F4 E4 D5 C#5 D5"),
    source=f"{FUX} Ch. 1 (figures 5, 13, 15); Jeppesen, Counterpoint (1931), Part II, first species; {SALZER}.",
)
def repeated_long_note(ctx, i, opts):
    if restruck_tie(ctx, i):
        return None  # S106
    return _repeat_hit(ctx, i)


MAX_FIGURE = 4


@dataclass(frozen=True)
class FigureOptions:
    min_notes: int = 3  # the shortest figure whose immediate repetition counts (3 or 4)


def _figure_at(line, i, n) -> bool:
    """Notes i-2n+1..i are a group of n notes played twice."""
    if i - 2 * n + 1 < 0:
        return False
    first = [a.pitch for a in line[i - 2 * n + 1:i - n + 1]]
    second = [a.pitch for a in line[i - n + 1:i + 1]]
    return first == second and len(set(first)) > 1


@rule(
    code="M402", name="repeated-pattern", message="a melodic figure repeated immediately",
    species=WITH_CANTUS, severity=WARNING, scope="notes", reach=(2 * MAX_FIGURE, 0), weight=3,
    options=FigureOptions,
    what="Flags a group of three or four notes (option min_notes) sung twice in a row at the same pitch, such as "
         "C5 B4 A4 C5 B4 A4.",
    why="An immediate literal repetition turns the line into a loop; in the style, melodic invention never "
        "restates a figure at once at the same pitch.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 F4 E4 D4", cp="A4 G4 F4 A4 G4 F4 E4 A4 C#5 D5", bars=(4,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 F4 E4 D4", cp="A4 G4 F4 A4 B4 C5 E5 D5 C#5 D5"),
    source=f"{JEPPESEN_MEL}; {SALZER} (avoid sequences and literal repetition in species exercises).",
)
def repeated_pattern(ctx, i, opts):
    line = ctx.line
    for n in range(max(3, min(opts.min_notes, MAX_FIGURE)), MAX_FIGURE + 1):
        if _figure_at(line, i, n) and not _figure_at(line, i - 1, n):
            notes = " ".join(a.pitch.pretty for a in line[i - n + 1:i + 1])
            return Hit(line[i - n + 1].start, f"the figure {notes} is sung twice in a row", end=line[i].start)
    return None


def oscillates(line, i) -> bool:
    if i < 3:
        return False
    a, b, c, d = (x.pitch for x in line[i - 3:i + 1])
    return a == c and b == d and a != b


@dataclass(frozen=True)
class OscillationOptions:
    allow_florid_figures: bool = False  # excuse a fifth-species swing through a syncopation or an eighth-note ornament


def florid_figure(ctx, line, i) -> bool:
    """The swing ending at line[i] is a florid figure, not a line marking time: in fifth species, one of its
    notes is tied over the bar line (a syncopation, most often a suspension and its resolution) or is shorter
    than a quarter (an eighth-note ornament, as in C5 | B4 A4 B4 A4 with the first B4 A4 in eighths). Reads
    line[i - 3] .. line[i]."""
    return ctx.species == 5 and any(a.tied_over or a.duration < ctx.bar_ticks // 4 for a in line[i - 3:i + 1])


@rule(
    code="M403", name="oscillation", message="the line swings back and forth between two notes",
    species=WITH_CANTUS - {3}, severity=WARNING, scope="notes", reach=(5, 0), weight=3, options=OscillationOptions,
    what="Flags four notes alternating between two pitches (A B A B); a longer swing is reported once. In "
         "third species the swing in quarters is M405, whose cost grows with the swing.",
    why="Going back and forth between two notes makes the line mark time without direction.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 A4 G4 A4 G4 D5 C#5 D5", bars=(5,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 A4 G4 A4 B4 D5 C#5 D5"),
    source=f"{SALZER}; Kennan, Counterpoint (4th ed. 1999), Ch. 2; {JEPPESEN_MEL}.",
    exceptions="With `allow_florid_figures` (fux sets it), a fifth-species swing one of whose notes is tied over "
               "the bar line or shorter than a quarter: the suspension figure and the eighth-note ornament that "
               "Fux's own fifth-species lines swing in, all nine of their swings (figs. 83, 84a, 84b twice, 85a "
               "twice, 85b twice, 87a), each of four notes only. A swing in even values, and one that goes on "
               "past its four notes, is still reported in every species.",
)
def oscillation(ctx, i, opts):
    line = ctx.line

    def counted(k: int) -> bool:  # a swing of four ending at line[k], unless a florid figure excuses it
        # (only a swing's first four notes: one that goes on swinging marks time, figure or not)
        return oscillates(line, k) and not (opts.allow_florid_figures and florid_figure(ctx, line, k)
                                            and not oscillates(line, k - 1))

    if counted(i) and not counted(i - 1):  # once a swing, where it first counts
        notes = " ".join(a.pitch.pretty for a in line[i - 3:i + 1])
        return Hit(line[i].start, f"{notes} swings between two notes")
    return None


RULES = (range_too_wide, range_too_narrow, climax_not_unique, climax_coincides_with_cf_climax, repeated_note,
         repeated_pattern, oscillation, repeated_long_note)
