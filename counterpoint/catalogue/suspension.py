"""D2xx: syncopations and suspensions (fourth species, and tied notes in fifth species).

A syncopation is a counterpoint note tied over the bar line. Where it is attacked it must be consonant
(the preparation); if it is dissonant against the next cantus-firmus note (a suspension), it must resolve
down by step onto a consonance. In fifth species the resolution may be ornamented: it may come on the
half bar after a consonant note between (Fux figs. 82, 83, 87a, 88), instead of directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from counterpoint.catalogue.base import WARNING, Example, Hit, rule
from counterpoint.catalogue.context import consonant_among
from counterpoint.catalogue.dissonance import against, move, side
from counterpoint.catalogue.helpers import step
from counterpoint.model.interval import Interval

SYNCOPATED = frozenset({4, 5})
# Fux's D-dorian cantus firmus with his fourth-species solutions above and below it (figs. 73 and 74).
FUX_CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
FIG73 = ("r:2 A4:2~ | A4:2 D5:2~ | D5:2 C5:2~ | C5:2 Bb4:2~ | Bb4:2 G4:2 | A4:2 C5:2~"
         " | C5:2 F5:2~ | F5:2 E5:2~ | E5:2 D5:2~ | D5:2 C#5:2 | D5:1")
FIG74 = ("r:2 D3:2~ | D3:2 D4:2~ | D4:2 C4:2~ | C4:2 B3:2~ | B3:2 E4:2~ | E4:2 D4:2~"
         " | D4:2 F4:2~ | F4:2 E4:2~ | E4:2 D4:2~ | D4:2 C#4:2 | D4:1")


def suspension(ctx, i):
    """(attack, downbeat vertical) when line[i] is tied over a bar line into a dissonance, else None."""
    a = ctx.line[i]
    if not a.tied_over:
        return None
    v = ctx.vertical_at((a.bar + 1) * ctx.bar_ticks)
    if v is None or v.cp_attacked or v.consonant:
        return None
    return a, v


def resolution(ctx, i, ornamented: bool):
    """The note that resolves the suspension line[i]: the next note if it steps down, or (fifth species,
    ``ornamented``) the note sounding on the following half bar if that steps down from the suspension.
    Reads at most line[i + 3]."""
    line, a = ctx.line, ctx.line[i]
    if i + 1 >= len(line):
        return None
    if step(a, line[i + 1]).steps == -1:
        return line[i + 1]
    if ornamented:
        half = (a.bar + 1) * ctx.bar_ticks + ctx.bar_ticks // 2
        for b in line[i + 2:i + 4]:
            if b.start <= half < b.end:
                return b if step(a, b).steps == -1 else None
    return None


@dataclass(frozen=True)
class PreparationOptions:
    # In a texture: a tied note may enter as a perfect fourth over the lowest voice when another voice sounds
    # the sixth above that voice (a 6/4 on the weak half) and the lowest voice holds its pitch into the next
    # downbeat, where the fourth becomes the suspension (Jeppesen's consonant fourth).
    consonant_fourth: bool = False  # in a texture, a tied note may enter as a fourth over the bass in a 6/4 (above)


@rule(
    code="D201", name="suspension-unprepared", message="a tied note is dissonant where it is attacked",
    species=SYNCOPATED, scope="notes", reach=(1, 0), weight=10, options=PreparationOptions,
    what="Flags a counterpoint note tied over the bar line that is already dissonant with the cantus firmus "
         "where it is struck, on the weak beat (unless it is the stepwise resolution of a suspension, which "
         "D204 reports). With `consonant_fourth`, in three voices or more, a perfect fourth over the lowest "
         "voice is accepted as the preparation when another voice sounds the sixth over that voice and the "
         "lowest voice keeps its pitch into the next downbeat: the fourth then becomes a 4-3 suspension.",
    why="A syncopation is prepared: it enters as a consonance and only becomes dissonant when the cantus "
        "firmus moves under it. A dissonance struck on the weak beat and then held has neither preparation "
        "nor passing motion to justify it.",
    wrong=Example(cf=FUX_CF, cp=FIG73.replace("C5:2 Bb4:2~ | Bb4:2 G4:2", "C5:2 E5:2~ | E5:2 B4:2"),
                  species=4, bars=(4,)),
    right=Example(cf=FUX_CF, cp=FIG73, species=4),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 4 (fourth species: the tied note is consonant on "
           "the upbeat; in three voices fig. 141 bar 3 prepares a 4-3 by a fourth in a 6/4); Jeppesen, "
           "Counterpoint (1931), Part II, fourth species (preparation), and The Style of Palestrina and the "
           "Dissonance (1927), on the consonant fourth.",
)
def suspension_unprepared(ctx, i, opts):
    a = ctx.line[i]
    if not a.tied_over:
        return None
    v = ctx.vertical_at(a.start)
    if v is None or v.consonant:
        return None
    if opts.consonant_fourth and _consonant_fourth(ctx, v):
        return None
    if i > 0 and suspension(ctx, i - 1) is not None and step(ctx.line[i - 1], a).steps == -1:
        return None  # a suspension resolving onto a dissonance: D204
    return Hit(a.start, f"{a.pitch.pretty} is tied over the bar line but enters as {against(v)}", end=a.end - 1)


def _consonant_fourth(ctx, v) -> bool:
    """A perfect fourth of the line over the reference voice, the lowest sounding, with another voice a sixth over
    the reference and the reference's pitch held or struck again on the next downbeat."""
    iv = v.interval
    if (iv.simple_number, iv.quality) != (4, "P") or v.cp != v.upper or v.supported:
        return False
    low = v.lower
    if not any(Interval.between(low, p[k]).simple_number == 6 and p[k].midi > low.midi for p, k in v.below):
        return False
    nxt = ctx.downbeat(v.bar + 1)
    return nxt is not None and nxt.cf == v.cf


@dataclass(frozen=True)
class ResolutionOptions:
    ornamented_in_fifth_species: bool = True  # fifth species: resolution on the half bar after a consonant ornament


@rule(
    code="D202", name="suspension-unresolved", message="a suspended dissonance does not resolve down by step",
    species=SYNCOPATED, scope="notes", reach=(0, 3), weight=10, options=ResolutionOptions,
    what="Flags a tied note that is dissonant on the downbeat and is then left by leap or by repetition "
         "instead of falling a step to its resolution (an upward step is D203).",
    why="A suspension is a consonance delayed: the dissonant tied note must fall by step to the consonance "
        "it holds back. Without the stepwise descent the dissonance is never explained. In fifth species "
        "the resolution may be ornamented: a consonant note may come between, provided the resolving note "
        "sounds on the half bar.",
    wrong=Example(cf=FUX_CF, cp=FIG73.replace("D5:2 C5:2~ | C5:2 Bb4:2~ | Bb4:2 G4:2",
                                              "D5:2 B4:2~ | B4:2 D5:2~ | D5:2 G4:2"),
                  species=4, bars=(3,)),
    right=Example(cf=FUX_CF, cp=FIG73, species=4),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 4 (ligatures resolve downward by step) and Ch. 5 "
           "(ornamented resolutions, figs. 82, 83, 88); Jeppesen, Counterpoint (1931), Part II, fourth and "
           "fifth species.",
)
def suspension_unresolved(ctx, i, opts):
    found = suspension(ctx, i)
    if found is None:
        return None
    a, v = found
    line = ctx.line
    if i + 1 < len(line) and step(a, line[i + 1]).steps == 1:
        return None  # D203
    if resolution(ctx, i, opts.ornamented_in_fifth_species and ctx.species == 5) is not None:
        return None
    if i + 1 >= len(line):
        return Hit(v.start, f"{a.pitch.pretty} ({against(v)}) is never resolved")
    nxt = line[i + 1]
    return Hit(v.start, f"{a.pitch.pretty} suspended ({against(v)}) is left by {move(a, nxt)} to "
                        f"{nxt.pitch.pretty} instead of falling a step", end=nxt.end - 1)


@rule(
    code="D203", name="suspension-resolves-upward", message="a suspended dissonance resolves upward",
    species=SYNCOPATED, scope="notes", reach=(0, 1), weight=10,
    what="Flags a tied note dissonant on the downbeat that moves up by step to the next note.",
    why="The suspended dissonance is a consonance held back; it resolves by falling to the note it "
        "displaced. Rising from it (a 'retardation') is foreign to the strict style Fux and Jeppesen teach.",
    wrong=Example(cf=FUX_CF, cp=FIG74.replace("D4:2 C#4:2", "D4:2 E4:2"), species=4, above=False, bars=(10,)),
    right=Example(cf=FUX_CF, cp=FIG74, species=4, above=False),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 4; Jeppesen, Counterpoint (1931), Part II, fourth "
           "species (the dissonant syncope always resolves downward).",
)
def suspension_resolves_upward(ctx, i, opts):
    found = suspension(ctx, i)
    if found is None or i + 1 >= len(ctx.line):
        return None
    a, v = found
    nxt = ctx.line[i + 1]
    if step(a, nxt).steps != 1:
        return None
    return Hit(v.start, f"{a.pitch.pretty} suspended ({against(v)}) rises to {nxt.pitch.pretty}", end=nxt.end - 1)


@rule(
    code="D204", name="suspension-resolves-to-dissonance", message="a suspension resolves onto another dissonance",
    species=SYNCOPATED, scope="notes", reach=(0, 3), weight=10, options=ResolutionOptions,
    what="Flags a suspension whose stepwise resolution is itself dissonant with the cantus firmus.",
    why="The resolution is the consonance the suspension delayed; resolving onto another dissonance (a "
        "fourth, a diminished fifth) leaves the tension unresolved.",
    wrong=Example(cf="D4 A4 F4 E4 D4", cp="r:2 D3:2~ | D3:2 C4:2~ | C4:2 B3:2 | A3:2 C#4:2 | D4:1",
                  species=4, above=False, bars=(3,)),
    right=Example(cf=FUX_CF, cp=FIG74, species=4, above=False),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 4; Jeppesen, Counterpoint (1931), Part II, fourth species.",
)
def suspension_resolves_to_dissonance(ctx, i, opts):
    found = _resolved_suspension(ctx, i, opts)
    if found is None:
        return None
    a, v, r, rv = found
    if rv.consonant:
        return None
    return Hit(v.start, f"{a.pitch.pretty} ({against(v)}) resolves to {r.pitch.pretty}, {against(rv)}",
               end=r.end - 1)


def figure(v, r: Interval) -> str:
    """The suspension figure from the suspended voice's side, of the dissonant vertical v and the interval r
    of the resolution: '7-6', '4-3', '9-8', '2-1' when the counterpoint sounds above; '2-3', '4-5', '7-8'
    when it sounds below."""
    d = v.interval
    ds = d.simple_number
    rs = 1 if r.number == 1 else r.simple_number
    if side(v) == "over" and ds == 2:
        return "2-1" if d.number == 2 and rs == 1 else f"9-{rs}"
    return f"{ds}-{rs}"


@dataclass(frozen=True)
class FigureOptions:
    """The suspensions a rulebook accepts, as figures from the suspended voice's side."""

    upper: tuple[str, ...] = ("7-6", "4-3", "9-8", "2-1")  # counterpoint sounding above
    lower: tuple[str, ...] = ("2-3", "4-5")  # counterpoint sounding below (the dissonance in the bass)
    ornamented_in_fifth_species: bool = True  # fifth species: the resolution may be ornamented first
    # In a texture the voice the suspension is dissonant against may strike a new note as it resolves (a whole
    # note split into halves): accept the figure when, against the note that voice held, it is an accepted one
    # (and the resolution is consonant with the new note, which D204 asks).
    reference_moves: bool = False  # in a texture, the other voice may move as the suspension resolves (above)


def _resolved_suspension(ctx, i, opts):
    """(attack, its dissonant vertical, the resolving note, the resolution's vertical) for line[i], or None."""
    found = suspension(ctx, i)
    if found is None:
        return None
    a, v = found
    r = resolution(ctx, i, opts.ornamented_in_fifth_species and ctx.species == 5)
    if r is None:
        return None
    rv = ctx.vertical_at(r.start)
    return None if rv is None else (a, v, r, rv)


def _figure_of(ctx, i, opts):
    """(attack, its dissonant vertical, the resolving note, the resolution's vertical, the figure) of a suspension
    resolving onto a consonance, or None."""
    found = _resolved_suspension(ctx, i, opts)
    if found is None or not found[3].consonant:
        return None
    a, v, r, rv = found
    return a, v, r, rv, figure(v, rv.interval)


def _held_figure(v, r) -> str:
    """The figure of the suspension at v resolving to note r, against the note the other voice held at v."""
    low, high = sorted((r.pitch, v.cf), key=lambda p: (p.midi, p.diatonic))
    return figure(v, Interval.between(low, high))


@rule(
    code="D205", name="suspension-figure-forbidden", message="a suspension figure the style does not use",
    species=SYNCOPATED, scope="notes", reach=(0, 3), weight=10, options=FigureOptions,
    what="Flags a resolved suspension whose figure is not among the accepted ones: with the counterpoint "
         "above 7-6, 4-3, 9-8 (and 2-1); with the counterpoint below 2-3 and 4-5. The 7-8 in the lower voice "
         "is the classic fault. In a texture the voice the suspension is dissonant against may strike a new "
         "note as it resolves; with `reference_moves` the figure is then judged against the note that voice "
         "held (the resolution must still be consonant with the new one: D204).",
    why="Only some suspensions sound as delayed consonances. In the lower voice the seventh resolving to an "
        "octave merely exposes the octave it displaces (Fux calls it unusable), while 2-3 and 4-5 are the "
        "lower voice's suspensions.",
    wrong=Example(cf="D4 F4 D4 E4 F4 E4 D4",
                  cp="r:2 D3:2~ | D3:2 A3:2 | G3:2 F3:2~ | F3:2 E3:2~ | E3:2 D3:2~ | D3:2 C#3:2 | D3:1",
                  species=4, above=False, bars=(4,)),
    right=Example(cf=FUX_CF, cp=FIG74, species=4, above=False),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 4 (the dissonances of the ligature above and below, "
           "figs. 73-78; in four voices fig. 197 bar 5, where the soprano moves as the bass resolves); Jeppesen, "
           "Counterpoint (1931), Part II, fourth species.",
)
def suspension_figure_forbidden(ctx, i, opts):
    found = _figure_of(ctx, i, opts)
    if found is None:
        return None
    a, v, r, rv, fig = found
    allowed = opts.upper if side(v) == "over" else opts.lower
    if fig in allowed:
        return None
    if opts.reference_moves and rv.cf_attacked and rv.cf != v.cf and _held_figure(v, r) in allowed:
        return None
    where = "above" if side(v) == "over" else "below"
    return Hit(v.start, f"{a.pitch.pretty}→{r.pitch.pretty} against {v.cf.pretty}: a {fig} suspension with the "
                        f"counterpoint {where}", end=r.end - 1)


@dataclass(frozen=True)
class WeakFigureOptions:
    upper: tuple[str, ...] = ("9-8", "2-1")  # figures accepted with the counterpoint above
    lower: tuple[str, ...] = ()  # figures accepted with the counterpoint below
    ornamented_in_fifth_species: bool = True  # fifth species: the resolution may be ornamented first


@rule(
    code="D206", name="suspension-figure-weak", message="a second-rate suspension figure",
    species=SYNCOPATED, scope="notes", reach=(0, 3), severity=WARNING, weight=2, options=WeakFigureOptions,
    what="Notes a suspension that is allowed but weaker than the best ones: by default the 9-8 and 2-1 with "
         "the counterpoint above, which resolve onto a perfect consonance.",
    why="7-6 and 4-3 (above) and 2-3 (below) resolve onto imperfect consonances and keep the music moving; "
        "the 9-8 resolves onto an octave, which sounds empty in two voices and, repeated, approaches parallel "
        "octaves.",
    wrong=Example(cf=FUX_CF, cp=FIG73.replace("A4:2 D5:2~ | D5:2 C5:2~ | C5:2 Bb4:2~",
                                              "A4:2 F5:2~ | F5:2 E5:2 | A4:2 Bb4:2~"),
                  species=4, bars=(3,)),
    right=Example(cf=FUX_CF, cp=FIG73, species=4),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 4 (fig. 77 uses the 9-8); Jeppesen, Counterpoint (1931), "
           "Part II, fourth species; Salzer & Schachter, Counterpoint in Composition (1969), Ch. 5.",
)
def suspension_figure_weak(ctx, i, opts):
    found = _figure_of(ctx, i, opts)
    if found is None:
        return None
    a, v, r, _, fig = found
    weak = opts.upper if side(v) == "over" else opts.lower
    if fig not in weak:
        return None
    return Hit(v.start, f"{a.pitch.pretty}→{r.pitch.pretty} against {v.cf.pretty}: a {fig} suspension",
               end=r.end - 1)


@rule(
    code="D207", name="syncopation-chain-broken", message="a bar of fourth species without a syncopation",
    species={4}, scope="bars", reach=(0, 0), severity=WARNING, weight=3,
    what="Notes an inner bar of fourth species whose downbeat is struck afresh instead of being tied from "
         "the bar before.",
    why="Fourth species is a chain of ligatures. Fux allows the chain to be broken (the 'broken syncopation', "
        "in effect a bar of second species) when no good syncopation is available, but it should be the "
        "exception.",
    wrong=Example(cf=FUX_CF, cp=FIG73, species=4, bars=(6,)),
    right=Example(cf=FUX_CF, cp=FIG74, species=4, above=False),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 4 (fig. 73, bar 6, and fig. 75, bar 4, break the "
           "chain); Jeppesen, Counterpoint (1931), Part II, fourth species.",
)
def syncopation_chain_broken(ctx, bar, opts):
    if bar == 0 or bar >= ctx.last_bar:
        return None
    v = ctx.downbeat(bar)
    if v is None or not v.cp_attacked:
        return None
    return Hit(v.start, f"{v.cp.pretty} is struck on the downbeat of bar {bar + 1} instead of being tied over")


@dataclass(frozen=True)
class SuspensionShareOptions:
    min_share: float = 0.5  # of the ligatures, the share that should be dissonant suspensions
    min_ligatures: int = 4  # a line with fewer ligatures is not judged


def _dissonant_with_any(v) -> bool:
    """The held note of vertical v is dissonant with the cantus firmus or, in a texture, with another voice
    sounding then, each pair judged as :attr:`Vertical.consonant` judges the pair with the cantus firmus."""
    if not v.consonant:
        return True
    sounding = [v.cf] + [pitches[k] for pitches, k in v.below]
    for j in range(1, len(sounding)):
        low, high = sorted((v.cp, sounding[j]), key=lambda p: (p.midi, p.diatonic))
        if not consonant_among(Interval.between(low, high), low, sounding[:j] + sounding[j + 1:], v.cadence):
            return True
    return False


@rule(
    code="D208", name="too-few-suspensions", message="too few of the ligatures are dissonant suspensions",
    species={4}, scope="whole", reach=(0, 0), severity=WARNING, weight=2, options=SuspensionShareOptions,
    voices="line",
    what="Counts the ligatures of a fourth-species line (notes tied over the bar line) and how many of them "
         "become dissonant on the downbeat, against the cantus firmus or, in three voices or more, against any "
         "voice sounding then. When fewer than `min_share` (half) are dissonant it flags the consonant ones "
         "that make up the shortfall, the last first, so the cost grows with it. Lines with fewer than "
         "`min_ligatures` (4) ligatures are not judged.",
    why="The syncopation exists to make the suspension: a dissonance prepared on the weak half, struck against "
        "on the beat and resolved down by step. Consonant syncopations are allowed where no dissonant one is "
        "possible, but a line made mostly of them is second species shifted by half a bar, and it leaves them by "
        "leap. Fux's own fourth-species lines make about half their ligatures dissonant (28 of 52 in figs. "
        "73-78; 67 of 124 in his three- and four-voice figures).",
    wrong=Example(cf=FUX_CF, cp="r:2 A4:2~ | A4:2 C5:2~ | C5:2 B4:2~ | B4:2 D5:2~ | D5:2 B4:2 | A4:2 C5:2~"
                                " | C5:2 F5:2~ | F5:2 E5:2~ | E5:2 D5:2~ | D5:2 C#5:2 | D5:1",
                  species=4, bars=(7,)),
    right=Example(cf=FUX_CF, cp=FIG73, species=4),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 4 (the ligature and its dissonances; figs. 73-78); "
           "Jeppesen, Counterpoint (1931), Part II, fourth species; Salzer & Schachter, Counterpoint in "
           "Composition (1969), Ch. 5 (the dissonant suspension as the species' point).",
)
def too_few_suspensions(ctx, _, opts):
    ligatures = []
    for a in ctx.line:
        if not a.tied_over:
            continue
        v = ctx.vertical_at((a.bar + 1) * ctx.bar_ticks)
        if v is not None and not v.cp_attacked:
            ligatures.append((v, _dissonant_with_any(v)))
    n = len(ligatures)
    if n < opts.min_ligatures:
        return None
    dissonant = sum(d for _, d in ligatures)
    need = math.ceil(opts.min_share * n - 1e-9)
    if dissonant >= need:
        return None
    consonant = [v for v, d in ligatures if not d]
    return [Hit(v.start, f"{v.cp.pretty} held against {v.cf.pretty}{' and the other voices' if v.below else ''} is a "
                         f"consonant syncopation: {dissonant} of the {n} ligatures are dissonant, fewer than {need}")
            for v in consonant[-(need - dissonant):]]


RULES = (suspension_unprepared, suspension_unresolved, suspension_resolves_upward, suspension_resolves_to_dissonance,
         suspension_figure_forbidden, suspension_figure_weak, syncopation_chain_broken, too_few_suspensions)
