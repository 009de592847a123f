"""V: voice leading between the two voices: parallel and direct perfect intervals, contrary motion."""

from __future__ import annotations

from counterpoint.catalogue.base import ALL_SPECIES, Example, Hit, rule
from counterpoint.catalogue.helpers import is_perfect, motion, moves_together, movement


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


RULES = (parallel_fifths, parallel_octaves)
