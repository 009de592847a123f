"""H: the vertical sonorities between the two voices: consonance, unisons, spacing, crossing, overlap."""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.catalogue.base import ALL_SPECIES, WARNING, Example, Hit, rule
from counterpoint.catalogue.helpers import PARALLEL, motion, movement


def _downbeat_checked(ctx, v) -> bool:
    """The vertical is one whose consonance this family judges: every vertical in first species, the
    downbeat in the others, and only where the counterpoint attacks it (a tied-over downbeat is a
    syncopation, judged by the suspension rules)."""
    if ctx.species == 1:
        return True
    return v.on_downbeat and v.cp_attacked


@rule(
    code="H101", name="dissonant-downbeat", message="a dissonance where a consonance is required",
    species=ALL_SPECIES, scope="bars", reach=(0, 0), weight=10,
    what="Flags a dissonant interval (second, fourth, tritone, seventh, or any augmented or diminished "
         "interval) on every note of first species, and on the downbeat of the other species when the "
         "counterpoint strikes it (a note tied over the bar line is a suspension, judged by the D2xx rules).",
    why="In strict counterpoint the accented beat carries the harmony: only consonances may sound there. "
        "In two voices the perfect fourth is a dissonance. Weak-beat dissonances are licensed by their "
        "treatment (passing tones and the like, the D1xx rules), and suspended ones by preparation and "
        "resolution (D2xx).",
    wrong=Example(cf="D4 E4 F4 E4 D4", cp="A4 A4 A4 C#5 D5", bars=(2,)),
    right=Example(cf="D4 E4 F4 E4 D4", cp="A4 G4 A4 C#5 D5"),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (only consonances in first species), Ch. 2 "
           "(the downbeat half note must be consonant), Ch. 3 (the first quarter), Ch. 5 (florid); "
           "Jeppesen, Counterpoint (1931), Part II.",
)
def dissonant_downbeat(ctx, bar, opts):
    for v in ctx.in_bar(bar):
        if _downbeat_checked(ctx, v) and not v.consonant:
            where = "" if ctx.species == 1 else " on the downbeat"
            yield Hit(v.start, f"{v.label}: {v.interval.description}{where} is a dissonance", voice="both")


@rule(
    code="H102", name="unison-inside", message="a unison between the first and the last note",
    species=ALL_SPECIES, scope="bars", reach=(0, 0), weight=5,
    what="Flags a unison between the voices anywhere but the first and the last bar; in second to fifth "
         "species only a unison on the downbeat counts, as Fux allows it on a weak beat.",
    why="A unison makes two voices one and empties the texture; it is kept for the beginning and the end. "
        "On an unaccented beat the voices only touch in passing, which Fux allows in the second species "
        "onwards (e.g. figs. 36, 42, 55, 73).",
    wrong=Example(cf="D4 E4 F4 G4 A4 F4 E4 D4", cp="A4 G4 F4 B4 C5 D5 C#5 D5", bars=(3,)),
    right=Example(cf="D4 E4 F4 G4 A4 F4 E4 D4", cp="A4 G4 A4 B4 C5 D5 C#5 D5"),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (the unison only at the beginning and the end) "
           "and Ch. 2 (the unison on the upbeat); Jeppesen, Counterpoint (1931), Part II.",
    voices="two",
)
def unison_inside(ctx, bar, opts):
    if bar in (0, ctx.last_bar):
        return
    for v in ctx.in_bar(bar):
        if (ctx.species == 1 or v.on_downbeat) and v.interval.number == 1 and v.interval.quality == "P":
            yield Hit(v.start, f"{v.cp.pretty} against {v.cf.pretty}: a unison inside the exercise", voice="both")


@dataclass(frozen=True)
class SpacingOptions:
    max_number: int = 12  # the widest distance allowed between the voices, as an interval number (12: a twelfth)


@rule(
    code="H103", name="voices-too-far-apart", message="the voices are too far apart",
    species=ALL_SPECIES, severity=WARNING, scope="bars", reach=(0, 0), weight=2, options=SpacingOptions,
    what="Flags a bar where the two voices stand further apart than `max_number` (a twelfth by default; "
         "modern books usually say a tenth).",
    why="Two voices that drift too far apart stop sounding as one texture; the counterpoint should stay "
        "within reach of the cantus firmus.",
    wrong=Example(cf="D4 E4 F4 E4 D4", cp="A4 C6 A5 C#5 D5", bars=(2,)),
    right=Example(cf="D4 E4 F4 E4 D4", cp="A4 C5 A4 C#5 D5"),
    source="Jeppesen, Counterpoint (1931), Part II, first species (no more than a twelfth, and that rarely); "
           "Salzer & Schachter, Counterpoint in Composition (1969), Ch. 3 (normally within a tenth).",
    voices="adjacent",
)
def voices_too_far_apart(ctx, bar, opts):
    wide = [v for v in ctx.in_bar(bar) if v.interval.number > opts.max_number]
    if wide:
        v = max(wide, key=lambda w: w.interval.number)
        return Hit(v.start, f"{v.label}: a {v.interval.description} apart (more than {_number_word(opts.max_number)})",
                   voice="both")
    return None


def _number_word(n: int) -> str:
    return {8: "an octave", 10: "a tenth", 11: "an eleventh", 12: "a twelfth", 15: "a double octave"}.get(n, f"a {n}th")


@dataclass(frozen=True)
class CrossingOptions:
    max_run: int = 0  # the longest stretch of bars in which the counterpoint may cross the cantus firmus


@rule(
    code="H104", name="voice-crossing", message="the counterpoint crosses the cantus firmus",
    species=ALL_SPECIES, scope="whole", reach=(0, 0), weight=5, options=CrossingOptions,
    what="Flags each stretch of bars in which the counterpoint sounds on the wrong side of the cantus firmus "
         "(below it when it is the upper voice, above it when it is the lower) for more than `max_run` bars "
         "(0 by default: no crossing at all).",
    why="When the voices cross, the ear follows the outer pitches and loses which line is which, and the "
        "intervals no longer mean what they are written as. Fux himself lets the counterpoint cross for a "
        "few bars where the range demands it (figs. 14, 39, 59, 82), so the fux rulebook raises `max_run`.",
    wrong=Example(cf="D4 E4 F4 E4 D4", cp="A4 C4 A4 C#5 D5", bars=(2,)),
    right=Example(cf="D4 E4 F4 E4 D4", cp="A4 G4 A4 C#5 D5"),
    source="Salzer & Schachter, Counterpoint in Composition (1969), Ch. 3 (crossing of voices); Jeppesen, "
           "Counterpoint (1931), Part II (crossing only briefly); Fux, Gradus ad Parnassum (1725), figs. 14, 39.",
    voices="adjacent",
)
def voice_crossing(ctx, _, opts):
    runs: list[list] = []
    last_bar = None
    for v in ctx.verticals:
        if not v.crossed:
            continue
        if runs and v.bar - last_bar <= 1:
            runs[-1].append(v)
        else:
            runs.append([v])
        last_bar = v.bar
    for run in runs:
        first, last = run[0], run[-1]
        length = last.bar - first.bar + 1
        if length > opts.max_run:
            side = "below" if ctx.cp_above else "above"
            span = f"for {length} bars" if length > 1 else "in one bar"
            yield Hit(first.start, f"the counterpoint goes {side} the cantus firmus ({first.cp.pretty} against "
                      f"{first.cf.pretty}) {span}", voice="both", end=last.start)


@rule(
    code="H105", name="voice-overlap", message="a voice moves past where the other voice just was",
    species=ALL_SPECIES, severity=WARNING, scope="bars", reach=(1, 0), weight=2,
    what="Flags an overlap: without crossing, the counterpoint moves beyond the note the cantus firmus "
         "has just left (or the cantus firmus beyond the counterpoint's last note).",
    why="An overlapping move blurs which voice is which almost as much as a crossing does: the ear hears "
        "the new note as a continuation of the other line.",
    wrong=Example(cf="D4 F4 D4 G4 F4 E4 D4", cp="D3 D4 B3 E4 D4 C#4 D4", above=False, bars=(4,)),
    right=Example(cf="D4 F4 D4 G4 F4 E4 D4", cp="D3 D4 B3 C4 D4 C#4 D4", above=False),
    source="Salzer & Schachter, Counterpoint in Composition (1969), Ch. 3 (overlapping); Schubert, Modal "
           "Counterpoint, Renaissance Style (1999), Ch. 4.",
    voices="adjacent",
)
def voice_overlap(ctx, bar, opts):
    sign = 1 if ctx.cp_above else -1
    for vi in ctx.bar_verticals[bar]:
        if vi == 0:
            continue
        a, b = ctx.verticals[vi - 1], ctx.verticals[vi]
        if a.crossed or b.crossed or a.interval.number == 1:
            continue
        if b.cp_attacked and b.cp != a.cp and sign * (b.cp.midi - a.cf.midi) < 0:
            yield Hit(b.start, f"{movement(a, b)}: the counterpoint's {b.cp.pretty} passes the cantus firmus's "
                      f"previous {a.cf.pretty}", voice="cp")
        elif b.cf_attacked and b.cf != a.cf and sign * (a.cp.midi - b.cf.midi) < 0:
            yield Hit(b.start, f"{movement(a, b)}: the cantus firmus's {b.cf.pretty} passes the counterpoint's "
                      f"previous {a.cp.pretty}", voice="cf")


@dataclass(frozen=True)
class ImperfectRunOptions:
    max_run: int = 3  # the most thirds (or sixths) allowed in a row in parallel motion


@rule(
    code="H106", name="too-many-parallel-imperfects", message="too many parallel thirds or sixths in a row",
    species={1}, severity=WARNING, scope="whole", reach=(0, 0), weight=2, options=ImperfectRunOptions,
    what="Flags a chain of more than `max_run` (3) thirds, or of sixths, moving in parallel.",
    why="Parallel imperfect consonances are allowed, but a long chain of them makes the counterpoint a mere "
        "shadow of the cantus firmus and loses the independence of the voices.",
    wrong=Example(cf="D4 E4 F4 G4 A4 G4 E4 D4", cp="A4 G4 A4 B4 C5 B4 C#5 D5", bars=(5,)),
    right=Example(cf="D4 E4 F4 G4 A4 G4 E4 D4", cp="A4 G4 A4 D5 C5 B4 C#5 D5"),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (imperfect consonances in moderation); "
           "Jeppesen, Counterpoint (1931), Part II (no more than three or four parallel thirds or sixths); "
           "Salzer & Schachter, Counterpoint in Composition (1969), Ch. 3.",
)
def too_many_parallel_imperfects(ctx, _, opts):
    run = [ctx.verticals[0]] if ctx.verticals else []
    for a, b in zip(ctx.verticals, ctx.verticals[1:]):
        if (a.interval.is_imperfect_consonance and b.interval.is_imperfect_consonance
                and motion(a, b) == PARALLEL):
            run.append(b)
            continue
        yield from _long_run(run, opts.max_run)
        run = [b]
    yield from _long_run(run, opts.max_run)


def _long_run(run, max_run):
    if len(run) > max_run:
        kind = "thirds" if run[0].interval.simple_number == 3 else "sixths"
        yield Hit(run[max_run].start, f"{len(run)} parallel {kind} in a row, from {run[0].label} to {run[-1].label}",
                  voice="both", end=run[-1].start)


@dataclass(frozen=True)
class PerfectShareOptions:
    max_share: float = 0.5  # the largest share of perfect consonances among the inner downbeats


@rule(
    code="H107", name="too-many-perfect-consonances", message="too many perfect consonances on the downbeats",
    species=ALL_SPECIES, severity=WARNING, scope="whole", reach=(0, 0), weight=2, options=PerfectShareOptions,
    what="Counts the consonant downbeats between the first and the last bar and flags the exercise when more "
         "than `max_share` (half) of them are perfect (unisons, fifths, octaves).",
    why="Perfect consonances are hollow; the body of a counterpoint should be made of thirds and sixths, with "
        "fifths and octaves for the frame (beginning, end, occasional points of rest).",
    wrong=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D5 C5 E5 A5 G5 D5 C#5 D5", bars=(2,)),
    right=Example(cf="D4 F4 E4 D4 G4 F4 E4 D4", cp="D5 A4 G4 A4 B4 D5 C#5 D5"),
    source="Fux, Gradus ad Parnassum (1725), Book II, Ch. 1 (imperfect consonances to be preferred); "
           "Jeppesen, Counterpoint (1931), Part II; Salzer & Schachter, Counterpoint in Composition (1969), Ch. 3.",
    voices="two",
)
def too_many_perfect_consonances(ctx, _, opts):
    inner = [ctx.downbeat(b) for b in range(1, ctx.last_bar)]
    inner = [v for v in inner if v is not None and v.consonant]
    if len(inner) < 3:
        return None
    perfect = [v for v in inner if v.interval.is_perfect]
    if len(perfect) / len(inner) > opts.max_share:
        return Hit(perfect[0].start, f"{len(perfect)} of {len(inner)} inner downbeats are perfect consonances "
                   f"(more than {opts.max_share:.0%})", voice="both", end=perfect[-1].start)
    return None


@rule(
    code="H108", name="voices-crossed", message="the counterpoint sounds on the cantus firmus's side",
    species=ALL_SPECIES, severity=WARNING, scope="bars", reach=(0, 0), weight=3,
    what="Flags every bar in which the counterpoint crosses the cantus firmus, however briefly: a preference, "
         "where H104 (voice-crossing) makes a crossing longer than its rulebook allows an error.",
    why="A crossing the rulebook tolerates is still a blemish: the lines trade places and the ear loses them. "
        "Counted as a cost, it makes the generator cross only where nothing else fits, as Fux does.",
    wrong=Example(cf="D4 E4 F4 E4 D4", cp="A4 C4 A4 C#5 D5", bars=(2,)),
    right=Example(cf="D4 E4 F4 E4 D4", cp="A4 G4 A4 C#5 D5"),
    source="Jeppesen, Counterpoint (1931), Part II (crossing only briefly and for good reason); Salzer & "
           "Schachter, Counterpoint in Composition (1969), Ch. 3 (crossing of voices).",
    voices="adjacent",
)
def voices_crossed(ctx, bar, opts):
    for v in ctx.in_bar(bar):
        if v.crossed:
            side = "below" if ctx.cp_above else "above"
            return Hit(v.start, f"{v.cp.pretty} sounds {side} the cantus firmus's {v.cf.pretty}", voice="both")
    return None


RULES = (dissonant_downbeat, unison_inside, voices_too_far_apart, voice_crossing, voice_overlap,
         too_many_parallel_imperfects, too_many_perfect_consonances, voices_crossed)
