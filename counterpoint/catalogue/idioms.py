"""M: species idioms of the single line, from legal to idiomatic (issue 7).

The rules here catch what a strict teacher marks down in lines that break no law: back-and-forth swings
in quarter notes, repeated notes in florid counterpoint, a climax that is a dissonance, a mere neighbour
note or the first note, sevenths and tritones outlined between turning points or between downbeats, and
transposed sequences. Like melodic.py they read ``ctx.line`` (tied notes are one attack).
"""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.catalogue.base import ALL_SPECIES, WARNING, WITH_CANTUS, Example, Hit, rule
from counterpoint.catalogue.dissonance import against
from counterpoint.catalogue.helpers import restruck_tie, step
from counterpoint.catalogue.melodic import run_start
from counterpoint.catalogue.melodic_shape import oscillates, peak_groups

JEPPESEN = "Jeppesen, Counterpoint (1931), Part II"
JEPPESEN_MEL = "Jeppesen, Counterpoint (1931), Part II, 'The Melodic Line'"
SALZER = "Salzer & Schachter, Counterpoint in Composition (1969)"
SCHUBERT = "Schubert, Modal Counterpoint, Renaissance Style (1999)"
FUX = "Fux, Gradus ad Parnassum (1725), Book II"
FLORID = frozenset({2, 3, 4, 5})
QUARTER = 4


# ---------------------------------------------------------------------------------------------- M405
@rule(
    code="M405", name="quarter-note-oscillation", message="quarter notes swing back and forth between two notes",
    species={3}, severity=WARNING, scope="notes", reach=(3, 0), weight=4,
    what="Flags, in third species, every quarter note that continues a swing between two pitches (A B A B): "
         "the fourth note of the swing is reported, and each further note of it again, so the cost grows "
         "with the swing's length. M403 judges the same figure in the other species.",
    why="Four quarters to the bar give the line room to go somewhere; swinging between two notes fills the "
        "bar without moving, and in quick notes it sounds like a trill, not a melody. Fux swings in three "
        "of his six third-species solutions, once each and mostly by leap near the cadence (fig. 58 A3 D4 A3 D4, "
        "fig. 59 C4 E4 C4 E4): one such swing costs its weight once, and his lines still rank in the top 1 % of "
        "the generator's (docs/benchmarks.md), while a line that keeps swinging pays for every note of it.",
    wrong=Example(cf="D4 F4 E4 D4", cp="D5:4 C5:4 D5:4 C5:4 | A4:4 B4:4 C5:4 A4:4 | B4:4 A4:4 B4:4 C#5:4 | D5:1",
                  species=3, bars=(1, 3)),
    right=Example(cf="D4 F4 E4 D4", cp="D5:4 C5:4 B4:4 G4:4 | A4:4 B4:4 C5:4 A4:4 | G4:4 A4:4 B4:4 C#5:4 | D5:1",
                  species=3),
    source=f"{FUX} Ch. 3 (third species: the line moves through the bar); {JEPPESEN}, third species; "
           f"{SALZER}, Ch. 1; Kennan, Counterpoint (4th ed. 1999), Ch. 2.",
)
def quarter_note_oscillation(ctx, i, opts):
    line = ctx.line
    if oscillates(line, i):
        notes = " ".join(a.pitch.pretty for a in line[i - 3:i + 1])
        return Hit(line[i].start, f"{notes} swings between two notes in quarters", end=line[i].start)
    return None


# ---------------------------------------------------------------------------------------------- M406
def anticipation(ctx, i) -> bool:
    """line[i - 1] anticipates line[i]: a quarter (or shorter) off the downbeat, reached by a step down, struck
    again on an accented beat (the downbeat or the half bar), as where a suspension's resolution is repeated
    to prepare the next tie (Fux figs. 86a, 87a, 88b). Reads line[i - 2] .. line[i]."""
    if i < 2:
        return False
    before, a, b = ctx.line[i - 2], ctx.line[i - 1], ctx.line[i]
    return (a.duration <= QUARTER and a.offset != 0 and step(before, a).steps == -1
            and b.offset in (0, ctx.bar_ticks // 2))


@dataclass(frozen=True)
class FloridRepeatOptions:
    allow_anticipation: bool = True  # Fux's two-voice anticipations (figs. 86a, 87a, 88b); none in three or four voices


@rule(
    code="M406", name="repeated-note-florid", message="a note repeated straight away in florid counterpoint",
    species={5}, severity=WARNING, scope="notes", reach=(2, 0), weight=4, options=FloridRepeatOptions,
    what="Flags a note struck again immediately in fifth species, except the anticipation: a quarter off "
         "the beat, reached by a step down, repeated on the downbeat or the half bar (often as the "
         "preparation of the next tie). A half note restruck over the bar line is S106.",
    why="Florid counterpoint is the freest species, and a repeated note in it stalls the line at once; Fux "
        "repeats a note only as an anticipation, in four of his twelve fifth-species solutions (figs. 86a, "
        "87a twice, 88b), a figure Jeppesen describes as the portamento; the one other repetition, a half note "
        "struck again over the bar line (fig. 85b), is S106's.",
    wrong=Example(cf="D4 F4 G4 E4 D4", cp="r:2 A4:2~ | A4:4 D5:4 C5:4 C5:4 | B4:4 C5:4 D5:2~ | D5:2 C#5:2 | D5:1",
                  species=5, bars=(2,)),
    right=Example(cf="D4 F4 G4 E4 D4",
                  cp="r:2 A4:2~ | A4:4 G4:4 A4:4 C5:4 | B4:4 C5:4 D5:2~ | D5:4 C#5:4 C#5:2 | D5:1", species=5),
    source=f"{FUX} Ch. 5 (figs. 86a, 87a, 88b: the repeated quarter prepares a tie); {JEPPESEN}, fifth "
           "species (the anticipation, or portamento); Schubert, Modal Counterpoint, Renaissance Style (1999).",
    exceptions="The anticipation (portamento) figure, unless `allow_anticipation` is false (fux sets it so in three "
               "voices or more, where none of Fux's ten florid voices strikes a note twice); a restruck half note "
               "over the bar line is S106's.",
)
def repeated_note_florid(ctx, i, opts):
    line = ctx.line
    if i == 0 or line[i - 1].pitch != line[i].pitch:
        return None
    if (opts.allow_anticipation and anticipation(ctx, i)) or restruck_tie(ctx, i):
        return None
    return Hit(line[i].start, f"{line[i].pitch.pretty} struck again straight after itself", end=line[i].start)


# ---------------------------------------------------------------------------------------------- M305-M306
def _climax_groups(ctx):
    return peak_groups(ctx.line) if ctx.line else []


@rule(
    code="M305", name="climax-dissonant", message="the highest note is a dissonance",
    species=FLORID, severity=WARNING, scope="whole", weight=4,
    what="Flags a line whose highest note is dissonant with the cantus firmus where it is struck: a passing "
         "or neighbouring dissonance at the peak. A tied note that becomes dissonant (a suspension) was "
         "struck as a consonance and is not flagged.",
    why="The climax is the one note every listener hears; it should be a point of arrival, consonant with "
        "the cantus firmus. Put on a passing or neighbour dissonance, it passes by unheard as a goal. Fux's "
        "peaks are consonant where they are struck in all 46 of his two-voice solutions.",
    wrong=Example(cf="D4 F4 E4 D4", cp="D5:4 E5:4 D5:4 C5:4 | A4:4 B4:4 C5:4 A4:4 | B4:4 A4:4 B4:4 C#5:4 | D5:1",
                  species=3, bars=(1,)),
    right=Example(cf="D4 F4 E4 D4", cp="A4:4 B4:4 C5:4 D5:4 | C5:4 A4:4 B4:4 C5:4 | B4:4 A4:4 B4:4 C#5:4 | D5:1",
                  species=3),
    source=f"{JEPPESEN_MEL} (the climax); {SALZER}, Ch. 1 (the high point); {SCHUBERT}.",
)
def climax_dissonant(ctx, i, opts):
    for a in _climax_groups(ctx):
        v = ctx.vertical_at(a.start)
        if v is not None and v.cp_attacked and not v.consonant:
            yield Hit(a.start, f"the peak {a.pitch.pretty} is {against(v)}", voice="both")


def neighbour_peak(line, k) -> bool:
    """line[k] is an upper neighbour: reached by a step up and left by a step back to the same note."""
    if k == 0 or k + 1 >= len(line):
        return False
    return line[k - 1].pitch == line[k + 1].pitch and step(line[k - 1], line[k]).steps == 1


def unaccented(ctx, a) -> bool:
    """The attack is struck off the species' accented beats: every note is accented in a cantus firmus and in
    first species; the downbeat in second and fourth species; the downbeat and the half bar in third and fifth."""
    if ctx.species in (0, 1):
        return False
    if ctx.species in (2, 4):
        return a.offset != 0
    return a.offset not in (0, ctx.bar_ticks // 2)


@rule(
    code="M306", name="climax-neighbour-note", message="the highest note is a neighbour note",
    species=WITH_CANTUS, severity=WARNING, scope="whole", weight=3,
    what="Flags a line (a counterpoint, or a cantus firmus alone) whose highest note is an upper neighbour: "
         "reached by a step up and left by the step back down to the note before it (G A G with A the peak). "
         "In second to fifth species only an unaccented neighbour counts: one struck off the downbeat (and, in "
         "third and fifth species, off the half bar).",
    why="A climax should be reached and left as a goal; a neighbour note only decorates the note beside it, "
        "so the line's real high point is the note it ornaments and the peak sounds like an accident. Fux's "
        "florid lines often touch their peak as a neighbour, but always on an accented beat (figs. 36, 40, "
        "58, 83, 85a), where it carries weight; in whole notes he does it once (fig. 13).",
    wrong=Example(cf="D4 F4 E4 G4 A4 G4 F4 E4 D4", bars=(5,)),
    right=Example(cf="D4 F4 E4 G4 A4 F4 G4 E4 D4"),
    source=f"{JEPPESEN_MEL} (the climax as a goal); {SALZER}, Ch. 1 (the melodic high point); {SCHUBERT}, Ch. 1.",
)
def climax_neighbour_note(ctx, i, opts):
    line = ctx.line
    for a in _climax_groups(ctx):
        if neighbour_peak(line, a.index) and (ctx.species in (0, 1) or unaccented(ctx, a)):
            yield Hit(a.start, f"the peak {a.pitch.pretty} is an upper neighbour of {line[a.index - 1].pitch.pretty}",
                      end=line[a.index + 1].start)


@rule(
    code="M307", name="climax-at-start", message="the line begins on its highest note",
    species={1, 2, 3, 4, 5}, severity=WARNING, scope="whole", weight=3,
    what="Flags a counterpoint whose first note is already its highest: the line never rises above where "
         "it began.",
    why="A line is shaped as an arch or a wave that rises to a climax and settles; one that starts at the "
        "top can only sink, and its peak is a beginning, not a goal. Fux starts on his highest note in four "
        "of 46 solutions (figs. 23, 75, 84a, 85b), each time returning to it later.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D5 C5 G4 A4 B4 A4 C#5 D5", bars=(1,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 C5 G4 A4 B4 D5 C#5 D5"),
    source=f"{JEPPESEN_MEL} (the curve of the line); {SALZER}, Ch. 1 (the high point as a goal); {SCHUBERT}, Ch. 1.",
)
def climax_at_start(ctx, i, opts):
    groups = _climax_groups(ctx)
    if groups and groups[0].index == 0:
        a = ctx.line[0]
        return Hit(a.start, f"the line begins on its highest note, {a.pitch.pretty}")
    return None


# ---------------------------------------------------------------------------------------------- M107-M108
MAX_SEVENTH_MOVES = 4


@dataclass(frozen=True)
class SeventhOptions:
    max_moves: int = 3  # the longest run (in moves) whose seventh frame counts (at most 4)


@rule(
    code="M107", name="outlined-seventh", message="a run in one direction outlines a seventh",
    species=WITH_CANTUS, severity=WARNING, scope="notes", reach=(MAX_SEVENTH_MOVES + 1, 1), weight=3,
    options=SeventhOptions,
    what="Flags a run of two or three moves in one direction (option max_moves) whose first and last notes, "
         "the turning points, lie a seventh apart, such as D4 F4 A4 C5 turning back: the arpeggio of a "
         "seventh chord. A single leap of a seventh is M103.",
    why="The turning points of a line are its skeleton; a seventh reached in two or three moves is heard as "
        "a seventh leap broken up, a dissonant frame the style avoids as it avoids the tritone (M106). A "
        "longer, mostly stepwise run through a seventh is heard as a scale, and Fux writes such runs freely "
        "(figs. 40, 59, 84b), so only the short frames count; an octave frame, or a line that goes on "
        "through the seventh to the octave, is fine.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 F4 A4 C5 G4 A4 C#5 D5", bars=(4,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D4 F4 A4 D5 G4 A4 C#5 D5", above=True),
    source=f"{JEPPESEN_MEL} (the seventh outlined by the extremes of a motion); {SALZER}, Ch. 1; "
           f"{SCHUBERT}, Ch. 1 (outlined dissonant intervals).",
)
def outlined_seventh(ctx, i, opts):
    line = ctx.line
    start = run_start(line, i, max(2, min(opts.max_moves, MAX_SEVENTH_MOVES)))
    if start is None or i - start < 2:
        return None
    iv = step(line[start], line[i])
    if iv.number != 7:
        return None
    notes = " ".join(a.pitch.pretty for a in line[start:i + 1])
    frame = f"{line[start].pitch.pretty}–{line[i].pitch.pretty}"
    return Hit(line[i].start, f"{notes} outlines a {iv.description} {frame}",
               end=line[i].start)


def _monotone(notes) -> bool:
    signs = {(b.pitch.midi > a.pitch.midi) - (b.pitch.midi < a.pitch.midi) for a, b in zip(notes, notes[1:])}
    return len(signs) == 1 and 0 not in signs


@rule(
    code="M108", name="tritone-between-downbeats", message="successive downbeats form a tritone",
    species=FLORID, severity=WARNING, scope="bars", reach=(1, 0), weight=3,
    what="Flags two successive downbeats on which the counterpoint sounds notes a tritone apart (an augmented "
         "fourth or diminished fifth, F and B), when the notes between do not simply run from one to the other "
         "(a run is judged by M106).",
    why="The accented notes form a line of their own, the one a listener remembers; F on one downbeat and B "
        "on the next is a tritone leap in that structural line, however the weak beats decorate it "
        "(Jeppesen warns against the tritone between the prominent notes of a line as well as between "
        "adjacent ones).",
    wrong=Example(cf="D4 F4 G4 E4 D4", cp="A4:4 B4:4 C5:4 E5:4 | F5:4 D5:4 E5:4 C5:4 | B4:4 C5:4 D5:4 B4:4"
                                          " | G4:4 A4:4 B4:4 C#5:4 | D5:1", species=3, bars=(3,)),
    right=Example(cf="D4 F4 G4 E4 D4", cp="A4:4 B4:4 C5:4 E5:4 | D5:4 E5:4 F5:4 D5:4 | B4:4 C5:4 D5:4 B4:4"
                                          " | G4:4 A4:4 B4:4 C#5:4 | D5:1", species=3),
    source=f"{JEPPESEN}, second species (the tritone between accented notes); Fux, Gradus ad Parnassum (1725), "
           f"Book II, Ch. 1 (mi contra fa); {SCHUBERT}.",
)
def tritone_between_downbeats(ctx, bar, opts):
    a, b = ctx.downbeat(bar - 1), ctx.downbeat(bar)
    if a is None or b is None or bar == 0:
        return None
    iv = step(ctx.cp[a.cp_index], ctx.cp[b.cp_index])
    if iv.simple_name not in ("A4", "d5") or iv.number > 5:
        return None
    if _monotone(ctx.cp[a.cp_index:b.cp_index + 1]):
        return None  # a run through the tritone: M106 judges its frame
    return Hit(b.start, f"{a.cp.pretty} on the downbeat of bar {a.bar + 1}, {b.cp.pretty} on the next: "
                        f"{'an' if iv.quality == 'A' else 'a'} {iv.description}", voice="cp")


# ---------------------------------------------------------------------------------------------- M109
INFLECTION_SPAN = 4  # notes back in which a note's other form counts as close


@dataclass(frozen=True)
class InflectionOptions:
    allow_leading_tone: bool = True  # the raised leading tone as the line's penultimate note, after its natural form


@rule(
    code="M109", name="chromatic-inflection", message="a note and its other form close together in one line",
    species=ALL_SPECIES, severity=WARNING, scope="notes", reach=(INFLECTION_SPAN, 1), weight=2,
    options=InflectionOptions,
    what="Flags a note whose letter the line sounded with another accidental within the four notes before it "
         "(B flat and B, C and C sharp, F and F sharp): each such note once, so that a line wavering between the "
         "two forms pays for every turn. With `allow_leading_tone` (the default) the raised leading tone as the "
         "penultimate note, rising to the final, is not flagged: the cadence's sharp may follow the mode's "
         "natural note. A direct chromatic step is M101's.",
    why="The two forms of one degree close together blur the mode: the ear hears the line change key and "
        "change back. Fux keeps them apart; his 46 two-voice solutions bring them within four notes nine "
        "times: five at the final cadence's leading tone, which this rule lets pass, and four it flags, an "
        "inner cadence's F sharp in fig. 86a, B and B flat twice in fig. 55 and B flat and B in fig. 82.",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 Bb4 G4 B4 G4 A4 C#5 D5", bars=(4,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="A4 A4 G4 A4 B4 A4 C#5 D5"),
    source="Fux, Gradus ad Parnassum (1725), Book II (ficta only where the mode needs it); Artinfuser "
           "counterpoint rules (MGen), 'Close positioning of two forms of VI or VII degree'; measured on the 46 "
           "two-voice solutions (tests/data/fux_gradus).",
)
def chromatic_inflection(ctx, i, opts):
    line = ctx.line
    p = line[i].pitch
    if opts.allow_leading_tone and i == len(line) - 2 and line[i + 1].pitch.midi - p.midi == 1 and p.alter > 0:
        return None
    for a in line[max(0, i - INFLECTION_SPAN):i]:
        q = a.pitch
        if q.letter == p.letter and q.alter != p.alter:
            return Hit(line[i].start, f"{q.pretty} then {p.pretty} within {INFLECTION_SPAN} notes")
    return None


# ---------------------------------------------------------------------------------------------- M407
SEQ_NOTES = 4  # a figure of three intervals


def _sequence_at(line, i) -> bool:
    """Notes i-7..i are a four-note figure and its repetition at another pitch (the same diatonic steps)."""
    n = SEQ_NOTES
    if i - 2 * n + 1 < 0:
        return False
    first, second = line[i - 2 * n + 1:i - n + 1], line[i - n + 1:i + 1]
    shape = [b.pitch.diatonic - a.pitch.diatonic for a, b in zip(first, first[1:])]
    again = [b.pitch.diatonic - a.pitch.diatonic for a, b in zip(second, second[1:])]
    if shape != again or len(set(shape)) == 1 or 0 in shape:
        return False  # different figures, a plain scale or arpeggio, or a repeated note
    return second[0].pitch.diatonic != first[0].pitch.diatonic


@rule(
    code="M407", name="transposed-sequence", message="a melodic figure repeated at another pitch",
    species=WITH_CANTUS, severity=WARNING, scope="notes", reach=(2 * SEQ_NOTES, 0), weight=2,
    what="Flags a figure of four notes (three intervals) sung again at once at another pitch with the same "
         "steps and leaps, such as D4 E4 F4 D4 E4 F4 G4 E4; a longer sequence is reported once. A plain scale "
         "or arpeggio, or a group with a repeated note, is not a figure. An exact repetition at the same pitch "
         "is M402.",
    why="A sequence is a device of later, instrumental music: the ear predicts the next link and the line "
        "stops inventing. Species exercises avoid sequences as they avoid literal repetition. Fux lets a "
        "figure return a step away once in a while (figs. 55, 59, 84b), so it is a light preference.",
    wrong=Example(cf="D4 F4 E4 D4", cp="D5:4 E5:4 F5:4 D5:4 | C5:4 D5:4 E5:4 C5:4 | B4:4 A4:4 B4:4 C#5:4 | D5:1",
                  species=3, bars=(2,)),
    right=Example(cf="D4 F4 E4 D4", cp="D5:4 E5:4 F5:4 D5:4 | C5:4 B4:4 A4:4 C5:4 | B4:4 A4:4 B4:4 C#5:4 | D5:1",
                  species=3),
    source=f"{SALZER}, Ch. 1 (avoid sequences in species exercises); {JEPPESEN_MEL}; {SCHUBERT}, Ch. 1.",
)
def transposed_sequence(ctx, i, opts):
    line = ctx.line
    if not _sequence_at(line, i) or _sequence_at(line, i - 1):
        return None
    n = SEQ_NOTES
    a = " ".join(x.pitch.pretty for x in line[i - 2 * n + 1:i - n + 1])
    b = " ".join(x.pitch.pretty for x in line[i - n + 1:i + 1])
    return Hit(line[i - n + 1].start, f"the figure {a} is repeated at another pitch as {b}", end=line[i].start)


RULES = (quarter_note_oscillation, repeated_note_florid, climax_dissonant, climax_neighbour_note, climax_at_start,
         outlined_seventh, tritone_between_downbeats, chromatic_inflection, transposed_sequence)
