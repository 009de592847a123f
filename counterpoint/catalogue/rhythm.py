"""S: the rhythm each species writes against the cantus firmus, rests, and ties in florid counterpoint.

These rules read only the timing of the counterpoint's notes (start, end), never their pitches. A bar is
seen as segments: the part of each note that sounds in it, with whether the note is struck there or
tied in from the bar before.
"""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.catalogue.base import WARNING, Example, Hit, rule

CP_SPECIES = frozenset({1, 2, 3, 4, 5})
VALUE_NAMES = {16: "whole note", 12: "dotted half", 8: "half note", 6: "dotted quarter", 4: "quarter",
               3: "dotted eighth", 2: "eighth", 1: "sixteenth"}
SPECIES_WORDS = {1: "a whole note", 2: "two half notes", 3: "four quarters",
                 4: "two half notes, the first tied from the bar before", 5: "halves, quarters and pairs of eighths"}
FUX_CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
FIG33 = ("A4:2 D5:2 | A4:2 B4:2 | C5:2 G4:2 | A4:2 D5:2 | B4:2 C5:2 | D5:2 A4:2 | C5:2 D5:2"
         " | E5:2 B4:2 | D5:2 A4:2 | B4:2 C#5:2 | D5:1")
FIG82 = ("r:2 A4:2~ | A4:4 D4:4 E4:4 F4:4 | G4:4 F4:4 E4:4 G4:4 | F4:4 D4:4 D5:2~ | D5:4 C5:4 Bb4:4 G4:4"
         " | A4:4 B4:4 C5:2~ | C5:2 F5:2~ | F5:4 E5:8 D5:8 E5:2~ | E5:4 A4:4 D5:2~ | D5:2 C#5:2 | D5:1")


def _value(ticks: int) -> str:
    return VALUE_NAMES.get(ticks, f"{ticks}/16 note")


def segments(ctx, bar: int) -> list[tuple[int, int, bool]]:
    """(offset, length, struck here) for each counterpoint note sounding in ``bar``; reads timings only."""
    bt = ctx.bar_ticks
    t0, t1 = bar * bt, (bar + 1) * bt
    out = []
    for a in ctx.line:
        if a.end <= t0:
            continue
        if a.start >= t1:
            break
        s, e = max(a.start, t0), min(a.end, t1)
        out.append((s - t0, e - s, a.start >= t0))
    return out


@dataclass(frozen=True)
class RhythmOptions:
    penultimate_whole: bool = False  # species 2 and 3: a whole note in the penultimate bar
    quarter_rest_opening: bool = True  # species 3: the line may begin after a quarter rest
    penultimate_tie: bool = False  # species 2: the penultimate bar may begin with a half tied in (a cadence syncopation)
    halves_in_first: bool = False  # species 1: a bar may hold two halves, or a whole note tied into a half
    dotted_half: bool = False  # species 5: a dotted half on the beat
    late_entry_bars: int = 0  # the line may enter up to this many whole bars late (after the usual opening rest)


def _fits(ctx, bar, seg, opts) -> bool:
    off, length, struck = seg
    bt, sp = ctx.bar_ticks, ctx.species
    half, quarter = bt // 2, bt // 4
    if bar == ctx.last_bar:
        return seg == (0, bt, True)
    if sp == 1:
        if opts.halves_in_first and length == half and off in (0, half):
            return True  # two halves, or the half a whole note was tied into
        return seg == (0, bt, True) or (opts.halves_in_first and seg == (0, bt, False))
    if sp in (2, 3) and bar == ctx.last_bar - 1 and opts.penultimate_whole and seg == (0, bt, True):
        return True
    if sp == 2 and bar == ctx.last_bar - 1 and opts.penultimate_tie and seg == (0, half, False):
        return True
    if sp == 5 and opts.dotted_half and length == 3 * quarter and off == 0:
        return True
    if sp == 2:
        return struck and length == half and off in (0, half)
    if sp == 3:
        return struck and length == quarter and off % quarter == 0
    if sp == 4:
        return length == half and (off == 0 or (off == half and struck))
    # species 5: halves on the half bar, quarters on the beat, eighths on the half beat; ties across bar lines
    if length == half:
        return off in (0, half)
    if length == quarter:
        return off % quarter == 0
    if length == bt // 8:
        return off % length == 0
    return False


@rule(
    code="S101", name="species-rhythm-wrong", message="the bar's rhythm is not the species' rhythm",
    species=CP_SPECIES, scope="bars", reach=(0, 0), weight=10, options=RhythmOptions,
    what="Flags a bar whose counterpoint rhythm is not that of its species: whole notes in first species, "
         "two halves in second, four quarters in third, tied halves in fourth, halves, quarters and eighths "
         "on their beats in fifth; a whole note in the last bar; and an opening that enters too late (after "
         "a half rest at most, or a quarter rest in third species).",
    why="Each species isolates one rhythmic relation to the cantus firmus; writing another rhythm is "
        "writing another exercise. The first bar may open with a rest so that the counterpoint enters "
        "off the beat, and the last bar is always a whole note on the final.",
    wrong=Example(cf=FUX_CF, cp=FIG33.replace("B4:2 C5:2 |", "B4:4 A4:4 B4:4 C5:4 |"), species=2, bars=(5,)),
    right=Example(cf=FUX_CF, cp=FIG33, species=2),
    source="Fux, Gradus ad Parnassum (1725), Book II, Chs. 1-5 (the five species and their rhythms, with a "
           "half rest before the second, fourth and fifth); Jeppesen, Counterpoint (1931), Part II.",
)
def species_rhythm_wrong(ctx, bar, opts):
    segs = segments(ctx, bar)
    t0 = bar * ctx.bar_ticks
    entry = ctx.line[0].bar if ctx.line else 0
    late = 0 < entry <= opts.late_entry_bars  # entering a bar or more late, as the rulebook allows
    if bar == (entry if late else 0):
        first = segs[0][0] if segs else ctx.bar_ticks
        starts = {1: (0,), 2: (0, 8), 3: (0, 4, 8) if opts.quarter_rest_opening else (0, 8), 4: (0, 8), 5: (0, 8)}
        allowed = tuple(s * ctx.bar_ticks // 16 for s in starts[ctx.species])
        if first not in allowed:
            rest = _value(first) if first < ctx.bar_ticks else "whole bar"
            return Hit(t0, f"the counterpoint enters after a rest of a {rest}")
    for seg in segs:
        if not _fits(ctx, bar, seg, opts):
            off, length, struck = seg
            what = _value(length) + ("" if struck else " tied in from the bar before")
            want = "a whole note" if bar == ctx.last_bar else SPECIES_WORDS[ctx.species]
            return Hit(t0 + off, f"a {what} on beat {1 + off / (ctx.bar_ticks // 4):g}, where species "
                                 f"{ctx.species} writes {want}", end=t0 + off + length - 1)
    return None


@dataclass(frozen=True)
class RestOptions:
    chain_restart: bool = False  # species 4: a half rest on a downbeat that starts the syncopation chain again


@rule(
    code="S102", name="rest-inside-line", message="a rest after the counterpoint has begun",
    species=CP_SPECIES, scope="notes", reach=(1, 0), weight=10, options=RestOptions,
    what="Flags a rest between two notes of the counterpoint; only the opening may be a rest. With "
         "`chain_restart`, fourth species may break its chain with a half rest on a downbeat, the next note "
         "entering on the half bar and tied over, as at the opening.",
    why="A species exercise is one unbroken line against the cantus firmus. Rests belong to the opening (to "
        "let the counterpoint enter off the beat) and, in free composition, to phrase endings, not to the "
        "middle of a two-voice exercise.",
    wrong=Example(cf=FUX_CF, cp=FIG33.replace("C5:2 D5:2 |", "C5:2 r:2 |"), species=2, bars=(7,)),
    right=Example(cf=FUX_CF, cp=FIG33, species=2),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 2 (the half rest only at the beginning); Jeppesen, "
           "Counterpoint (1931), Part II.",
)
def rest_inside_line(ctx, i, opts):
    if i == 0:
        return None
    prev, a = ctx.line[i - 1], ctx.line[i]
    if a.start <= prev.end:
        return None
    half = ctx.bar_ticks // 2
    if (opts.chain_restart and ctx.species == 4 and prev.end % ctx.bar_ticks == 0 and a.start - prev.end == half
            and a.tied_over):
        return None
    return Hit(prev.end, f"a rest of {a.start - prev.end} sixteenths before the note on beat "
                         f"{ctx.beat(a.start):g} of bar {a.bar + 1}", end=a.start - 1)


@rule(
    code="S103", name="florid-rhythm-monotonous", message="three bars of fifth species in the same rhythm",
    species={5}, scope="bars", reach=(2, 0), severity=WARNING, weight=2,
    what="Notes three consecutive bars of a fifth-species line with exactly the same rhythm (including "
         "ties).",
    why="Florid counterpoint mixes the values of the other species; repeating one bar's rhythm turns it back "
        "into a single species and loses the rhythmic independence the fifth species is meant to teach.",
    wrong=Example(cf=FUX_CF, cp=FIG82.replace("F4:4 D4:4 D5:2~ | D5:4 C5:4", "F4:4 D4:4 E4:4 F4:4 | D5:4 C5:4"),
                  species=5, bars=(5,)),
    right=Example(cf=FUX_CF, cp=FIG82, species=5),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 5 (florid counterpoint combines the other species); "
           "Jeppesen, Counterpoint (1931), Part II, fifth species; Salzer & Schachter, Counterpoint in "
           "Composition (1969), Ch. 6.",
)
def florid_rhythm_monotonous(ctx, bar, opts):
    if bar < 3 or bar >= ctx.last_bar:
        return None
    a, b, c = segments(ctx, bar - 2), segments(ctx, bar - 1), segments(ctx, bar)
    if a == b == c:
        return Hit(bar * ctx.bar_ticks, f"bars {bar - 1}-{bar + 1} repeat the rhythm "
                                        f"{', '.join(_value(s[1]) for s in c)}", end=(bar + 1) * ctx.bar_ticks - 1)
    return None


@rule(
    code="S104", name="tie-misplaced", message="a tie that is not a half note tied over the bar line",
    species={5}, scope="notes", reach=(0, 0), severity=WARNING, weight=3,
    what="Notes a fifth-species tie over the bar line that does not start from a half note on the half bar, "
         "or that ties a note into a longer one.",
    why="In florid counterpoint the syncopation keeps the fourth species' shape: a half note on the weak half "
        "of the bar tied to a half or quarter. Jeppesen rejects a short note tied to a longer one, which "
        "sounds like a rhythmic stumble rather than a syncopation.",
    wrong=Example(cf=FUX_CF, cp=FIG82.replace("A4:4 B4:4 C5:2~ | C5:2 F5:2~", "A4:4 B4:4 C5:4 D5:4~ | D5:2 C5:4 F5:4~"),
                  species=5, bars=(6, 7)),
    right=Example(cf=FUX_CF, cp=FIG82, species=5),
    source="Jeppesen, Counterpoint (1931), Part II, fifth species (ties); Fux, Gradus ad Parnassum (1725), "
           "Book II, Ch. 5 (figs. 82-88 tie only half notes from the half bar).",
)
def tie_misplaced(ctx, i, opts):
    a = ctx.line[i]
    if not a.tied_over:
        return None
    bt = ctx.bar_ticks
    downbeat = (a.bar + 1) * bt
    before, after = downbeat - a.start, a.end - downbeat
    if before == bt // 2 and after <= before:
        return None
    why = "into a longer note" if after > before else f"from a {_value(before)} on beat {ctx.beat(a.start):g}"
    return Hit(a.start, f"{_value(before)} tied over bar line {a.bar + 1}|{a.bar + 2} {why}", end=a.end - 1)


@rule(
    code="S105", name="florid-without-syncopation", message="fifth species with no tie over a bar line",
    species={5}, scope="whole", reach=(0, 0), severity=WARNING, weight=3,
    what="Notes a fifth-species counterpoint that never ties a note over a bar line.",
    why="Florid counterpoint combines all the species, and the syncopation (with its suspensions) is the "
        "heart of the fourth; a florid line without any is a third-species line with longer notes.",
    wrong=Example(cf="D4 F4 E4 D4", cp="A4:2 G4:4 F4:4 | A4:2 B4:4 C5:4 | B4:4 A4:4 C#5:2 | D5:1",
                  species=5, bars=(1,)),
    right=Example(cf=FUX_CF, cp=FIG82, species=5),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 5 (figs. 82-88 all use ties); Jeppesen, "
           "Counterpoint (1931), Part II, fifth species.",
)
def florid_without_syncopation(ctx, i, opts):
    if not ctx.line or any(a.tied_over for a in ctx.line):
        return None
    return Hit(ctx.line[0].start, "the line never ties a note over a bar line")


RULES = (species_rhythm_wrong, rest_inside_line, florid_rhythm_monotonous, tie_misplaced, florid_without_syncopation)
