"""C: opening and closing intervals, the clausula vera, the leading tone and the notes a mode admits.

The cadence is judged from the counterpoint's last two notes: the note that leads into the final (the
last note of the penultimate bar, in every species) and the final itself, against the cantus firmus.
"""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.catalogue.base import WARNING, Example, Hit, rule
from counterpoint.catalogue.dissonance import against, move
from counterpoint.catalogue.helpers import step
from counterpoint.model.mode import RAISED_THIRD

CP_SPECIES = frozenset({1, 2, 3, 4, 5})
RAISED = ("raised leading tone", "raised sixth")
# Fux's D-dorian cantus firmus with his first-species solutions above and below it (figs. 5 and 6).
FUX_CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
FIG5 = "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5"
FIG6 = "D3 D3 A3 F3 E3 D3 F3 C4 D4 C#4 D4"
FIG73 = ("r:2 A4:2~ | A4:2 D5:2~ | D5:2 C5:2~ | C5:2 Bb4:2~ | Bb4:2 G4:2 | A4:2 C5:2~"
         " | C5:2 F5:2~ | F5:2 E5:2~ | E5:2 D5:2~ | D5:2 C#5:2 | D5:1")


def _edit(cp: str, index: int, pitch: str) -> str:
    notes = cp.split()
    notes[index] = pitch
    return " ".join(notes)


def _is_octave_or_unison(v) -> bool:
    iv = v.interval
    return iv.quality == "P" and iv.simple_number in (1, 8)


@dataclass(frozen=True)
class OpeningOptions:
    allow_fifth_below: bool = False  # a fifth below the cantus firmus would suggest another mode


@rule(
    code="C101", name="opening-interval-not-perfect",
    message="the counterpoint does not begin on a perfect consonance",
    species=CP_SPECIES, scope="notes", reach=(0, 0), weight=10, options=OpeningOptions,
    what="Flags a first counterpoint note (after any opening rest) that is not a unison, fifth or octave "
         "above the cantus firmus, or not a unison or octave below it (where it sounds: a counterpoint "
         "written above that starts under the cantus firmus is below it).",
    why="The beginning establishes the mode: a perfect consonance on the final (or its fifth, above) leaves "
        "no doubt about it. A fifth below the cantus firmus would put the fourth degree in the bass and "
        "suggest a different final.",
    wrong=Example(cf=FUX_CF, cp=_edit(FIG5, 0, "F5"), bars=(1,)),
    right=Example(cf=FUX_CF, cp=FIG5),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (the beginning and end must be perfect "
           "consonances; below, the fifth is not used at the beginning); Jeppesen, Counterpoint (1931), Part II.",
)
def opening_interval_not_perfect(ctx, i, opts):
    if i != 0:
        return None
    a = ctx.line[0]
    v = ctx.vertical_at(a.start)
    if v is None:
        return None
    iv = v.interval
    sounds_above = ctx.cp_above and not v.crossed  # a counterpoint "above" that starts under the cantus is below it
    allowed = (1, 8, 5) if sounds_above or opts.allow_fifth_below else (1, 8)
    if iv.quality == "P" and iv.simple_number in allowed:
        return None
    return Hit(a.start, f"the counterpoint begins on {a.pitch.pretty}, {against(v)}", end=a.end - 1)


@rule(
    code="C102", name="closing-interval-not-octave-or-unison",
    message="the counterpoint does not end on an octave or unison",
    species=CP_SPECIES, scope="notes", reach=(0, 0), weight=10,
    what="Flags a final counterpoint note that does not form an octave, unison or compound octave with the "
         "cantus firmus's final.",
    why="The close must rest on the final of the mode in both voices; in two voices only the octave or "
        "unison gives that repose (a fifth or third leaves the cadence open).",
    wrong=Example(cf=FUX_CF, cp=_edit(FIG5, 10, "F5"), bars=(11,)),
    right=Example(cf=FUX_CF, cp=FIG5),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1; Jeppesen, Counterpoint (1931), Part II, first species.",
)
def closing_interval_not_octave_or_unison(ctx, i, opts):
    if i != len(ctx.line) - 1:
        return None
    a = ctx.line[i]
    v = ctx.vertical_at(a.start)
    if v is None or _is_octave_or_unison(v):
        return None
    return Hit(a.start, f"the counterpoint ends on {a.pitch.pretty}, {against(v)}", end=a.end - 1)


def _cadence(ctx, i):
    """(penultimate note, final note, penultimate vertical, final vertical) when line[i] is the last note."""
    line = ctx.line
    if i != len(line) - 1 or i == 0:
        return None
    prev, fin = line[i - 1], line[i]
    vp, vf = ctx.sounding_before(fin.start), ctx.vertical_at(fin.start)
    if vp is None or vf is None:
        return None
    return prev, fin, vp, vf


@rule(
    code="C103", name="cadence-not-clausula-vera",
    message="the voices do not close by contrary step into the octave or unison",
    species=CP_SPECIES, scope="notes", reach=(1, 0), weight=10,
    what="Flags a close in which the counterpoint steps to its final in the same direction as the cantus "
         "firmus, instead of the clausula vera: a sixth expanding to the octave or a third contracting to "
         "the unison, one voice falling a step to the final and the other rising to it.",
    why="The cadence of the strict style is the clausula vera: the two voices converge on (or diverge to) "
        "the final by contrary stepwise motion, the tenor clausula 2-1 against the discant clausula 7-1. "
        "Reaching the final octave by similar motion is a direct octave and no cadence at all.",
    wrong=Example(cf=FUX_CF, cp=_edit(FIG5, 9, "E5"), bars=(10,)),
    right=Example(cf=FUX_CF, cp=FIG6, above=False),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (the major sixth before the octave, the minor "
           "third before the unison); Jeppesen, Counterpoint (1931), Part II (the clausula vera); Schubert, "
           "Modal Counterpoint, Renaissance Style (1999), Ch. 2.",
)
def cadence_not_clausula_vera(ctx, i, opts):
    found = _cadence(ctx, i)
    if found is None:
        return None
    prev, fin, vp, vf = found
    if not step(prev, fin).is_step or not _is_octave_or_unison(vf):
        return None  # C105 or C102
    cf_move = vf.cf.midi - vp.cf.midi
    cp_move = fin.pitch.midi - prev.pitch.midi
    if cf_move == 0 or (cf_move > 0) != (cp_move > 0):
        return None
    return Hit(prev.start, f"{prev.pitch.pretty}→{fin.pitch.pretty} against {vp.cf.pretty}→{vf.cf.pretty}: "
                           f"{vp.interval.description} to {vf.interval.description} with both voices "
                           f"{'rising' if cp_move > 0 else 'falling'}", end=fin.start)


@rule(
    code="C104", name="missing-leading-tone", message="the counterpoint rises to the final without the leading tone",
    species=CP_SPECIES, scope="notes", reach=(1, 0), weight=10,
    what="Flags a counterpoint that rises by step to the final from a note other than the leading tone: "
         "a semitone below the final (raised by musica ficta in dorian, mixolydian and aeolian), or a whole "
         "tone below it in phrygian.",
    why="The clausula vera needs a semitone in one voice: rising in the voice that takes 7-1 (C sharp to D "
        "in dorian, F sharp to G in mixolydian, G sharp to A in aeolian), falling in phrygian, where the "
        "cantus firmus's F to E supplies it and the counterpoint rises a whole tone.",
    wrong=Example(cf=FUX_CF, cp=_edit(FIG5, 9, "C5"), bars=(10,)),
    right=Example(cf=FUX_CF, cp=FIG5),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (the major sixth before the octave, with the "
           "sharp in dorian, mixolydian, aeolian) and the phrygian examples (figs. 11-12); Jeppesen, "
           "Counterpoint (1931), Part I (musica ficta).",
)
def missing_leading_tone(ctx, i, opts):
    found = _cadence(ctx, i)
    if found is None:
        return None
    prev, fin, vp, vf = found
    if step(prev, fin).steps != 1 or not ctx.mode.is_final(fin.pitch):
        return None
    wanted = ctx.mode.leading_tone(fin.pitch)
    if prev.pitch.midi == wanted.midi and prev.pitch.step == wanted.step:
        return None
    return Hit(prev.start, f"{prev.pitch.pretty}→{fin.pitch.pretty} ({vp.interval.description} to "
                           f"{vf.interval.description}): the cadence needs {wanted.pretty}", end=fin.start)


@rule(
    code="C105", name="final-not-approached-by-step", message="the counterpoint reaches its final by leap",
    species=CP_SPECIES, scope="notes", reach=(1, 0), weight=10,
    what="Flags a counterpoint whose last note is reached by a leap or a repeated note rather than by step.",
    why="Both voices of a two-voice cadence reach the final by step (the clausula vera); a leap into the "
        "final weakens the close and leaves the leading tone out.",
    wrong=Example(cf=FUX_CF, cp=_edit(FIG5, 9, "G4"), bars=(10,)),
    right=Example(cf=FUX_CF, cp=FIG5),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1; Jeppesen, Counterpoint (1931), Part II (the cadence).",
)
def final_not_approached_by_step(ctx, i, opts):
    found = _cadence(ctx, i)
    if found is None:
        return None
    prev, fin, _, _ = found
    if step(prev, fin).is_step:
        return None
    return Hit(prev.start, f"the final {fin.pitch.pretty} is reached by {move(prev, fin)} from {prev.pitch.pretty}",
               end=fin.start)


@dataclass(frozen=True)
class FictaOptions:
    ficta_only_at_cadence: bool = False  # raised notes only in the last two bars


@rule(
    code="C106", name="chromatic-note", message="a note foreign to the mode",
    species=CP_SPECIES, scope="notes", reach=(0, 0), weight=10, options=FictaOptions,
    what="Flags a counterpoint note outside the mode that is not one of the mode's musica ficta: the raised "
         "leading tone (dorian, mixolydian, aeolian), the raised sixth before it (aeolian), B-flat for the "
         "tritone (dorian, lydian), and the major third over the final in the first and the last bar (dorian, "
         "phrygian, aeolian: in three voices or more the first and last chords may be complete, with a major "
         "third).",
    why="Strict counterpoint is diatonic in its mode; the only chromatic notes are the few alterations "
        "singers made by musica ficta, mostly at cadences. Any other accidental changes the mode.",
    wrong=Example(cf=FUX_CF, cp=_edit(FIG5, 2, "G#4"), bars=(3,)),
    right=Example(cf=FUX_CF, cp=FIG5),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 and the modal examples (figs. 5-23); the "
           "three- and four-voice figures (the major third in the last chord: figs. 106, 123, 166, 195); "
           "Jeppesen, Counterpoint (1931), Part I (the modes and musica ficta).",
    voices="line",
)
def chromatic_note(ctx, i, opts):
    a = ctx.line[i]
    mode = ctx.mode
    if mode.contains(a.pitch):
        return None
    kind = mode.ficta(a.pitch)
    if kind is None:
        return Hit(a.start, f"{a.pitch.pretty} is foreign to {mode.label}", end=a.end - 1)
    if opts.ficta_only_at_cadence and kind in RAISED and a.bar < ctx.last_bar - 1:
        return Hit(a.start, f"{a.pitch.pretty} ({kind}) before the cadence", end=a.end - 1)
    if kind == RAISED_THIRD and a.bar not in (0, ctx.last_bar):
        return Hit(a.start, f"{a.pitch.pretty}, the {kind}, away from the first and the last bar", end=a.end - 1)
    return None


@rule(
    code="C107", name="leading-tone-unresolved", message="a raised note does not rise by step",
    species=CP_SPECIES, scope="notes", reach=(0, 5), weight=10,
    what="Flags a note raised by musica ficta (a leading tone, or the raised sixth of aeolian) that does not "
         "rise by step to the note above it by the next downbeat.",
    why="Ficta sharps exist to lead upward by a semitone (C sharp to D) or, for the raised sixth, to avoid "
        "the augmented second on the way up to the leading tone; turning away from them contradicts the "
        "reason for the sharp. Fux lets the line ornament the sharp within its bar (figs. 41, 56) as long as "
        "the step up comes by the next downbeat.",
    wrong=Example(cf=FUX_CF, cp=_edit(FIG5, 6, "C#5"), bars=(7,)),
    right=Example(cf=FUX_CF, cp=FIG5),
    source="Jeppesen, Counterpoint (1931), Part I (musica ficta); Fux, Gradus ad Parnassum (1725), Book II "
           "(figs. 21, 41, 42, 56, 86a: every sharp rises).",
    voices="line",
)
def leading_tone_unresolved(ctx, i, opts):
    line = ctx.line
    a = line[i]
    kind = ctx.mode.ficta(a.pitch)
    if i + 1 >= len(line) or kind not in RAISED or ctx.mode.contains(a.pitch):
        return None
    limit = ((a.end - 1) // ctx.bar_ticks + 1) * ctx.bar_ticks  # the next downbeat after the note
    for b in line[i + 1:i + 6]:
        if b.start > limit:
            break
        if step(a, b).steps == 1:
            return None
    nxt = line[i + 1]
    return Hit(a.start, f"{a.pitch.pretty} ({kind}) moves by {move(a, nxt)} to {nxt.pitch.pretty} and does not "
                        f"rise by the next downbeat", end=nxt.end - 1)


@rule(
    code="C108", name="cadence-suspension-missing", message="fourth species ends without a cadential suspension",
    species={4}, scope="bars", reach=(0, 0), severity=WARNING, weight=3,
    what="Notes a fourth-species counterpoint whose penultimate bar does not begin with a dissonant "
         "suspension (7-6 above, 2-3 below) resolving into the leading tone.",
    why="The cadence of fourth species is the suspension cadence: the syncopation 7-6 (counterpoint above) "
        "or 2-3 (below) on the penultimate downbeat, which is how Fux closes every fourth-species example.",
    wrong=Example(cf=FUX_CF, cp=FIG73.replace("E5:2 D5:2~ | D5:2 C#5:2", "E5:2 D5:2 | E5:2 C#5:2"), species=4,
                  bars=(10,)),
    right=Example(cf=FUX_CF, cp=FIG73, species=4),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 4 (figs. 73-78 all close 7-6 or 2-3); Jeppesen, "
           "Counterpoint (1931), Part II, fourth species (the cadence).",
)
def cadence_suspension_missing(ctx, bar, opts):
    if bar != ctx.last_bar - 1 or bar < 1:
        return None
    v = ctx.downbeat(bar)
    if v is None:
        return None
    if not v.cp_attacked and not v.consonant:
        return None
    return Hit(v.start, f"the penultimate downbeat is {v.cp.pretty}, {against(v)}"
                        f"{'' if v.cp_attacked else ' (tied but consonant)'}, not a suspension")


RULES = (opening_interval_not_perfect, closing_interval_not_octave_or_unison, cadence_not_clausula_vera,
         missing_leading_tone, final_not_approached_by_step, chromatic_note, leading_tone_unresolved,
         cadence_suspension_missing)
