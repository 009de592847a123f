"""T: the texture of three voices or more, read all together: the chords, the first and last chords, the
cadence, doubling and spacing. Each reads a :class:`~counterpoint.catalogue.texture_context.TextureContext`.

What holds between two voices (parallels, dissonance, crossing) stays with the pair rules, which the texture
engine applies to every pair; these rules say what only the whole chord can tell.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from counterpoint.catalogue.base import ALL_SPECIES, WARNING, Example, Hit, rule
from counterpoint.errors import InputError
from counterpoint.model.interval import Interval
from counterpoint.model.pitch import Pitch

CF3 = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"  # Fux's dorian cantus firmus, here in the middle voice
FIG101_TOP = "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5"
FIG101_MID = CF3
FIG101_LOW = "D3 D3 A2 F2 E2 D2 F2 G2 D2 A2 D3"


def _names(ctx, voices) -> str:
    return ", ".join(ctx.names[v] for v in voices)


def _chord_text(chord) -> str:
    """'D3 A3 F4' (bass first)."""
    return " ".join(p.pretty for _, p in sorted(chord.sounding, key=lambda vp: (vp[1].midi, vp[1].diatonic)))


# -- T101: the complete triad -------------------------------------------------------------------------------

@rule(
    code="T101", name="incomplete-chord", message="a chord without its third",
    species=ALL_SPECIES, severity=WARNING, scope="bars", reach=(0, 0), weight=1, voices="texture",
    what="Flags a downbeat chord of three voices or more, other than the first and the last, in which no voice "
         "sounds a third (or tenth) over the bass: an empty chord of fifths and octaves.",
    why="With three voices the harmony can be complete, and Fux asks for the complete triad wherever the "
        "voices allow, the third being the note that fills it; a chord of bare fifths and octaves sounds "
        "hollow. The first and last chords may leave it out, and a sixth chord is complete without it.",
    wrong=Example(cf="", voices=("A4 A4 D5", "D4 E4 D4", "D3 A2 D3"), cf_voice=2, bars=(2,)),
    right=Example(cf="", voices=("A4 C#5 D5", "D4 E4 D4", "D3 A2 D3"), cf_voice=2),
    source="Fux, Gradus ad Parnassum (1725), Book II, three voices, first species (the harmonic triad to be "
           "complete wherever possible); Jeppesen, Counterpoint (1931), Part III, three-part writing.",
)
def incomplete_chord(ctx, bar, opts):
    if bar in (0, ctx.last_bar):
        return None
    chord = ctx.downbeat(bar)
    if chord is None or len(chord.sounding) < 3:
        return None
    numbers = {iv.simple_number for _, _, iv in chord.above_bass()}
    if numbers & {3, 6}:
        return None
    return Hit(chord.start, f"{_chord_text(chord)} has no third or sixth over the bass", voice="all voices")


# -- T102: doubling -----------------------------------------------------------------------------------------

@rule(
    code="T102", name="leading-tone-doubled", message="the leading tone sounds in two voices",
    species=ALL_SPECIES, scope="bars", reach=(0, 0), weight=10, voices="texture",
    what="Flags a chord in which two voices sound the raised leading tone (a note raised by musica ficta, as "
         "C sharp in dorian) at once, in any octave.",
    why="The leading tone must rise to the final; doubled, both voices must rise and make octaves, or one "
        "must turn away from where its sharp leads. Fux never doubles it; of the notes of a chord it is the "
        "one that may not be doubled.",
    wrong=Example(cf="", voices=("D5 C#5 D5", "A4 C#4 D4", "D3 E3 D3"), cf_voice=3, bars=(2,)),
    right=Example(cf="", voices=("D5 C#5 D5", "A4 G4 F#4", "D3 E3 D3"), cf_voice=3),
    source="Fux, Gradus ad Parnassum (1725), Book II, three and four voices (the sharp of the cadence in one "
           "voice); Jeppesen, Counterpoint (1931), Part III (doubling).",
)
def leading_tone_doubled(ctx, bar, opts):
    for chord in ctx.in_bar(bar):
        raised = [(v, p) for v, p in chord.sounding if not ctx.mode.contains(p)
                  and ctx.mode.ficta(p) == "raised leading tone"]
        if len(raised) >= 2 and any(chord.struck[v] for v, _ in raised):
            return Hit(chord.start, f"{raised[0][1].pretty} in the {_names(ctx, [v for v, _ in raised])}",
                       voice=ctx.pair_label(raised[0][0], raised[1][0]))
    return None


def _off_the_final(ctx, chord, verb: str, allowed) -> Hit | None:
    """The first or last chord's fault: a bass off the final, or a voice at an interval over it that
    ``allowed(simple number, quality)`` refuses ("the alto ends on F4, minor tenth over the final")."""
    low = chord.bass()
    if not ctx.mode.is_final(low[1]):
        return Hit(chord.start, f"the bass ({ctx.names[low[0]]}) {verb} on {low[1].pretty}, not the final",
                   voice=ctx.names[low[0]])
    for v, p, iv in chord.above_bass():
        if not allowed(iv.simple_number, iv.quality):
            return Hit(chord.start, f"the {ctx.names[v]} {verb} on {p.pretty}, {iv.description} over the final",
                       voice=ctx.names[v])
    return None


# -- T103: the last chord -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LastChordOptions:
    allow_third: bool = True  # the major third over the final
    allow_fifth: bool = True  # the fifth over the final


@rule(
    code="T103", name="last-chord-wrong", message="the last chord is not the final's chord",
    species=ALL_SPECIES, scope="bars", reach=(0, 0), weight=10, options=LastChordOptions, voices="texture",
    what="Flags a last chord whose bass is not the final, or in which a voice sounds anything but the final "
         "(in any octave), its fifth (`allow_fifth`), or its major third (`allow_third`, raised by musica ficta "
         "where the mode's third is minor).",
    why="The exercise closes on the final. In two voices that means the octave or unison; with three voices "
        "or more the last chord may be full, with the fifth and the third, but the third is then major, as "
        "the singers raised it, and the bass holds the final.",
    wrong=Example(cf="", voices=("A4 C#5 D5", "F4 E4 F4", "D4 A3 D3"), cf_voice=3, bars=(3,)),
    right=Example(cf="", voices=("A4 C#5 D5", "F4 E4 F#4", "D4 A3 D3"), cf_voice=3),
    source="Fux, Gradus ad Parnassum (1725), Book II, three voices (the last chord with the major third, or "
           "the octave and fifth: figs. 101-119); Jeppesen, Counterpoint (1931), Part III (the final chord).",
)
def last_chord_wrong(ctx, bar, opts):
    if bar != ctx.last_bar:
        return None
    chord = ctx.downbeat(bar)
    if chord is None:
        return None
    def allowed(n: int, q: str) -> bool:
        return (n in (1, 8) and q == "P") or (opts.allow_fifth and n == 5 and q == "P") or (opts.allow_third and n == 3 and q == "M")

    return _off_the_final(ctx, chord, "ends", allowed)


# -- T104: the first chord ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FirstChordOptions:
    allow_third: bool = True  # a third (or tenth) over the bass in the first chord


@rule(
    code="T104", name="first-chord-wrong", message="the first chord is not the final's chord",
    species=ALL_SPECIES, scope="bars", reach=(0, 0), weight=10, options=FirstChordOptions, voices="texture",
    what="Flags a first chord (the voices sounding on the first downbeat) whose bass is not the final, or in "
         "which a voice sounds anything but the final, its fifth or, with `allow_third`, its third.",
    why="The opening states the mode: the bass sounds the final and the other voices perfect consonances, or "
        "the third that completes the chord, as Fux allows from three voices on. A voice entering later (after "
        "a rest) is judged by the pair rules.",
    wrong=Example(cf="", voices=("B4 A4 C#5 D5", "F4 F4 E4 F#4", "D4 D4 A3 D3"), cf_voice=3, bars=(1,)),
    right=Example(cf="", voices=("A4 A4 C#5 D5", "F4 F4 E4 F#4", "D4 D4 A3 D3"), cf_voice=3),
    source="Fux, Gradus ad Parnassum (1725), Book II, three voices, first species (the first chord: the "
           "octave, the fifth and the third over the final); Jeppesen, Counterpoint (1931), Part III.",
)
def first_chord_wrong(ctx, bar, opts):
    if bar != 0:
        return None
    chord = ctx.downbeat(0)
    if chord is None or len(chord.sounding) < 2:
        return None
    def allowed(n: int, q: str) -> bool:
        return (n in (1, 5, 8) and q == "P") or (opts.allow_third and n == 3 and q in ("M", "m"))

    return _off_the_final(ctx, chord, "begins", allowed)


# -- T105: the cadence --------------------------------------------------------------------------------------

@rule(
    code="T105", name="cadence-missing", message="no voice leads into the final by the cadence's semitone",
    species=ALL_SPECIES, scope="bars", reach=(1, 0), weight=10, voices="texture",
    what="Flags a close in which no voice reaches the final (in any octave) from the leading tone, raised by "
         "musica ficta where the mode needs it; in phrygian, from the semitone above (F to E) or the whole tone "
         "below (D to E).",
    why="However many voices sound, the cadence turns on a semitone into the final: the leading tone rising "
        "(C sharp to D in dorian) or, in phrygian, the second degree falling (F to E). The other voices fill "
        "the chord, and may all fall, as in Fux's phrygian closes with the cantus firmus in the bass (fig. 125).",
    wrong=Example(cf="", voices=("A4 B4 A4", "F4 G4 F#4", "D4 E4 D4"), cf_voice=3, bars=(3,)),
    right=Example(cf="", voices=("A4 C#5 D5", "F4 G4 F#4", "D4 E4 D4"), cf_voice=3),
    source="Fux, Gradus ad Parnassum (1725), Book II, three and four voices (every close: the leading tone "
           "rises to the final against the second degree falling to it, figs. 101-204).",
)
def cadence_missing(ctx, bar, opts):
    if bar != ctx.last_bar or bar < 1:
        return None
    last = ctx.downbeat(bar)
    if last is None:
        return None
    phrygian = ctx.mode.name == "phrygian"
    for line in ctx.lines:
        if len(line) < 2 or line[-1].start != last.start:
            continue
        a, b = line[-2], line[-1]
        if not ctx.mode.is_final(b.pitch):
            continue
        d = Interval.between(a.pitch, b.pitch)
        want = ctx.mode.leading_tone(b.pitch)
        if d.steps == 1 and a.pitch.midi == want.midi and a.pitch.step == want.step:
            return None  # the leading tone rises to the final
        if phrygian and d.steps == -1 and a.pitch.midi - b.pitch.midi == 1:
            return None  # phrygian: the semitone falls to the final (F to E)
    if phrygian:
        return Hit(last.start, "no voice reaches the final by the semitone from above (F to E) or the whole tone "
                               "from below", voice="all voices")
    return Hit(last.start, "no voice rises to the final from the leading tone", voice="all voices")


# -- T106: spacing ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UpperSpacingOptions:
    max_number: int = 8  # the widest distance between neighbouring upper voices (8: an octave)


@rule(
    code="T106", name="upper-voices-too-far-apart", message="neighbouring upper voices more than an octave apart",
    species=ALL_SPECIES, severity=WARNING, scope="bars", reach=(0, 0), weight=1, options=UpperSpacingOptions,
    voices="texture",
    what="Flags a downbeat where two neighbouring voices other than the bass stand further apart than "
         "`max_number` (an octave); the bass may lie further from the voice above it.",
    why="A chord sounds as one when its upper voices keep close; a gap of more than an octave between them "
        "leaves a hole in the middle of the texture, while a wide space above the bass is natural.",
    wrong=Example(cf="", voices=("A5 A5 D6", "F4 F4 F4", "D3 D3 D3"), cf_voice=3, bars=(1, 2, 3)),
    right=Example(cf="", voices=("A4 A4 D5", "F4 F4 F4", "D3 D3 D3"), cf_voice=3),
    source="Jeppesen, Counterpoint (1931), Part III (the upper voices within an octave of each other); "
           "Salzer & Schachter, Counterpoint in Composition (1969), Ch. 5 (spacing).",
)
def upper_voices_too_far_apart(ctx, bar, opts):
    chord = ctx.downbeat(bar)
    if chord is None:
        return None
    here = sorted(chord.sounding, key=lambda vp: (vp[1].midi, vp[1].diatonic))
    for (v_low, low), (v_high, high) in zip(here[1:], here[2:]):
        iv = Interval.between(low, high)
        if iv.number > opts.max_number:
            return Hit(chord.start, f"{ctx.names[v_high]} {high.pretty} over {ctx.names[v_low]} {low.pretty}: "
                                    f"{iv.description}", voice=ctx.pair_label(v_high, v_low))
    return None


# -- T107: each voice in its compass -----------------------------------------------------------------------

@dataclass(frozen=True)
class CompassOptions:
    # (lowest, highest) of each named voice: the compass Fux gives it in his 76 three- and four-voice solutions,
    # figs. 101-204: soprano G#3 (fig. 117) to A5 (fig. 128); alto D3 (figs. 117, 144, 158, 201) to E5 (fig. 184);
    # tenor C3 (fig. 197) to A4 (a cantus firmus in figs. 168, 175 and 186; G4 as a free voice, fig. 169);
    # bass E2 (fig. 166) to F4 (fig. 111).
    soprano: tuple[str, str] = ("G3", "A5")  # lowest and highest note of the soprano
    alto: tuple[str, str] = ("D3", "E5")  # lowest and highest note of the alto
    tenor: tuple[str, str] = ("C3", "A4")  # lowest and highest note of the tenor
    bass: tuple[str, str] = ("E2", "F4")  # lowest and highest note of the bass

    def problem(self) -> str:
        """Why a rulebook's compass is unusable ('' when every voice has two notes, the lower first)."""
        for name in COMPASS_VOICES:
            span = getattr(self, name)
            try:
                low, high = _compass(self, name)
            except (ValueError, TypeError):
                return f"{name} must be two notes, the lowest and the highest, such as [\"C4\", \"G5\"], not {list(span)}"
            if low > high:
                return f"{name} must give its lowest note first, not {list(span)}"
        return ""


COMPASS_VOICES = ("soprano", "alto", "tenor", "bass")


@lru_cache(maxsize=64)
def _compass(opts: CompassOptions, name: str) -> tuple[int, int] | None:
    """(lowest, highest) MIDI number of the voice ``name``'s compass, None for a voice with another name;
    ValueError when the option is not two pitch names. Cached: the rule asks for every voice in every bar."""
    if name not in COMPASS_VOICES:
        return None
    span = getattr(opts, name)
    if len(span) != 2:
        raise ValueError(name)
    try:
        low, high = (Pitch.parse(p) for p in span)
    except InputError:
        raise ValueError(name) from None
    return low.midi, high.midi


@rule(
    code="T107", name="voice-out-of-compass", message="a voice sings outside its compass",
    species=ALL_SPECIES, severity=WARNING, scope="bars", reach=(0, 0), weight=2, options=CompassOptions,
    voices="texture",
    what="Flags a bar where a free voice named soprano, alto, tenor or bass strikes a note above or below that "
         "voice's compass (options `soprano`, `alto`, `tenor`, `bass`: lowest and highest note; by default the "
         "compass each has in Fux's own three- and four-voice solutions, soprano G3-A5, alto D3-E5, tenor C3-A4, "
         "bass E2-F4). The cantus firmus is given, not judged; voices with other names are not judged.",
    why="Counterpoint is written for singers: a soprano line that climbs to B5 or C6, or a bass that sinks "
        "below E2, is one no choir sings comfortably, and it pulls the texture apart. Fux keeps each part "
        "within the compass of its clef.",
    wrong=Example(cf="", voices=("D5 B5 A5", "F4 G4 F4", "D3 D3 D3"), cf_voice=3, bars=(2,)),
    right=Example(cf="", voices=("D5 G5 A5", "F4 G4 F4", "D3 D3 D3"), cf_voice=3),
    source="Fux, Gradus ad Parnassum (1725), Book II (each part in the compass of its clef: soprano, alto, tenor "
           "and bass); the compass measured on his figs. 101-204.",
)
def voice_out_of_compass(ctx, bar, opts):
    for v, line in enumerate(ctx.lines):
        if v == ctx.cf_voice:
            continue
        span = _compass(opts, ctx.names[v])
        if span is None:
            continue
        for a in line:
            if a.bar != bar:
                continue
            p = a.pitch
            if p.midi > span[1] or p.midi < span[0]:
                high = p.midi > span[1]
                edge = getattr(opts, ctx.names[v])[1 if high else 0]
                where = f"above its compass (up to {edge})" if high else f"below its compass (down to {edge})"
                return Hit(a.start, f"{ctx.names[v]} {p.pretty} {where}", voice=ctx.names[v])
    return None


RULES = (incomplete_chord, leading_tone_doubled, last_chord_wrong, first_chord_wrong, cadence_missing,
         upper_voices_too_far_apart, voice_out_of_compass)
