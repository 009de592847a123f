"""Species rhythms for the generator: bar patterns, and sampling a whole line's rhythm from them.

A bar pattern lists its note durations in ticks (a bar is 16). ``tied_in`` means its first note
continues the previous bar's last note; ``tie_out`` means its last note is tied into the next bar.
The fourth- and fifth-species patterns are the ones Fux writes in his own solutions (Gradus, Figs.
73-88b), weighted by how often he uses each, so every Fux rhythm is reachable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from counterpoint.errors import InputError
from counterpoint.model.exercise import Note


@dataclass(frozen=True)
class BarPattern:
    durations: tuple[int, ...]
    tied_in: bool = False
    tie_out: bool = False
    rest_first: bool = False

    @property
    def label(self) -> str:
        marks = {16: "1", 8: "2", 4: "4", 2: "8", 12: "2."}
        words = [("r" if self.rest_first and i == 0 else "t" if self.tied_in and i == 0 else "n") + marks.get(d, str(d))
                 for i, d in enumerate(self.durations)]
        return " ".join(words) + ("~" if self.tie_out else "")


def _p(text: str) -> BarPattern:
    """'t4 n4 n8~' in Fux-count notation: r rest, t tied in, n new note; 16ths of a whole note."""
    words = text.split()
    durs = tuple(int(w[1:].rstrip("~")) for w in words)
    return BarPattern(durs, tied_in=words[0][0] == "t", tie_out=words[-1].endswith("~"), rest_first=words[0][0] == "r")


WHOLE_BAR = _p("n16")
# (pattern, weight) by place in the line: first bar, inner bars, penultimate bar. The last bar is a whole note.
PATTERNS: dict[int, dict[str, list[tuple[BarPattern, float]]]] = {
    1: {"first": [(WHOLE_BAR, 1)], "inner": [(WHOLE_BAR, 1)], "penultimate": [(WHOLE_BAR, 1)]},
    2: {"first": [(_p("r8 n8"), 11), (_p("n8 n8"), 1)], "inner": [(_p("n8 n8"), 1)], "penultimate": [(_p("n8 n8"), 1)]},
    3: {"first": [(_p("n4 n4 n4 n4"), 1)], "inner": [(_p("n4 n4 n4 n4"), 1)], "penultimate": [(_p("n4 n4 n4 n4"), 1)]},
    4: {
        # An untied first half note: never in Fux, but where the cantus firmus's second note makes every
        # opening suspension fail (C5 B4 … with the counterpoint below: the tied octave becomes a 7-8),
        # the chain has to start in bar 2. Rare, so it is sampled only once the usual rhythms have failed.
        "first": [(_p("r8 n8~"), 1), (_p("r8 n8"), 0.02)],
        "inner": [(_p("t8 n8~"), 20), (_p("t8 n8"), 1), (_p("n8 n8~"), 1)],
        "penultimate": [(_p("t8 n8"), 1)],
    },
    5: {
        "first": [(_p("r8 n8~"), 10), (_p("r8 n8"), 2)],
        "inner": [(_p(t), w) for t, w in (
            ("n4 n4 n8~", 23), ("t4 n4 n8~", 20), ("t4 n4 n4 n4", 10), ("t8 n4 n4", 8), ("n8 n8~", 7),
            ("n4 n4 n4 n4", 6), ("t4 n2 n2 n8~", 5), ("t4 n2 n2 n4 n4", 5), ("n8 n4 n4", 4), ("t8 n8~", 3),
            ("t8 n8", 3), ("n8 n8", 2), ("t4 n4 n8", 1), ("t4 n4 n4 n2 n2", 1), ("n4 n2 n2 n4 n4", 1),
            ("n4 n4 n8", 1))],
        "penultimate": [(_p("t8 n8"), 1)],
    },
}


Table = dict[str, list[tuple[BarPattern, float]]]


def licensed_patterns(species: int, opts) -> Table:
    """The species' patterns with those a rulebook's S101 options license added (rarely drawn): ``opts`` is
    an S101 options object (:class:`counterpoint.catalogue.rhythm.RhythmOptions`), None for none.

    Fux relaxes the species' rhythms in three and four voices, and ``fux.toml`` names each licence in its
    ``[texture.options.S101]`` table: a whole note in the penultimate bar of second and third species, a
    half tied into it in second species (the cadence syncopation), two halves in a first-species bar, a
    dotted half in fifth species, a whole bar's rest before a syncopated entry, and in third species a
    quarter rest before the first note. Places: "first", "inner", "antepenultimate" (the bar before the
    penultimate one: inner patterns and these), "penultimate"; "late" holds a whole-bar rest after which
    the line opens as in its first bar.
    """
    table: Table = {k: list(v) for k, v in PATTERNS[species].items()}
    if opts is None:
        return table

    def add(place: str, text: str, weight: float) -> None:
        table.setdefault(place, []).append((WHOLE_BAR if text == "n16" else _p(text), weight))

    if species == 3 and getattr(opts, "quarter_rest_opening", False):
        add("first", "r4 n4 n4 n4", 0.1)
    if species in (2, 3) and opts.penultimate_whole:
        add("penultimate", "n16", 0.25)
    if species == 2 and opts.penultimate_tie:
        add("antepenultimate", "n8 n8~", 0.5)
        add("penultimate", "t8 n8", 0.5)
    if species == 1 and opts.halves_in_first:
        add("inner", "n8 n8", 0.005)
    if species == 5 and opts.dotted_half:
        add("inner", "n12 n4", 0.5)
    if species in (4, 5) and opts.late_entry_bars >= 1:
        table["late"] = [(BarPattern((16,), rest_first=True), 0.05)]
    return table


def sample_rhythm(species: int, n_bars: int, rng: random.Random, temperature: float = 1.0,
                  table: Table | None = None) -> tuple[BarPattern, ...]:
    """One rhythm for a whole line: a pattern per bar whose ties fit together.

    ``temperature`` above 1 flattens Fux's weights, so that rarer patterns (a broken syncopation chain,
    say) come up more often: the search raises it when the usual rhythms lead nowhere. ``table`` replaces
    the species' own patterns (see :func:`licensed_patterns`).
    """
    table = PATTERNS[species] if table is None else table
    late = table.get("late", [])
    for _ in range(200):
        bars: list[BarPattern] = []
        opening = 0  # the bar that opens the line: 1 after a late entry's whole-bar rest
        if late and n_bars >= 5:
            weight = sum(w for _, w in late)
            if rng.random() < weight / (1 + weight):
                bars.append(late[0][0])
                opening = 1
        for b in range(opening, n_bars - 1):
            place = "first" if b == opening else "penultimate" if b == n_bars - 2 else "inner"
            pool = table[place] + (table.get("antepenultimate", []) if b == n_bars - 3 and place == "inner" else [])
            options = [(p, w) for p, w in pool if p.tied_in == (bars[-1].tie_out if bars else False)]
            if place != "penultimate" and b == n_bars - 3:
                ties = {p.tied_in for p, _ in table["penultimate"]}
                options = [(p, w) for p, w in options if p.tie_out in ties]
            if not options:
                break
            weights = [w ** (1.0 / temperature) for _, w in options]
            bars.append(rng.choices([p for p, _ in options], weights=weights)[0])
        else:
            if n_bars >= 2 and bars[-1].tie_out:
                continue
            return (*bars, WHOLE_BAR)
    raise InputError(f"no {species}-species rhythm fits {n_bars} bars.")


def resample_bars(species: int, bars: tuple[BarPattern, ...], first: int, last: int, rng: random.Random,
                  tries: int = 20) -> tuple[BarPattern, ...] | None:
    """The rhythm with inner bars ``first``..``last`` drawn afresh, their ties fitting the bars around them.

    Returns None when no other rhythm fits there. The first, penultimate and last bars keep their patterns.
    """
    table = PATTERNS[species]["inner"]
    first, last = max(1, first), min(len(bars) - 3, last)
    if first > last:
        return None
    for _ in range(tries):
        new = list(bars)
        ok = True
        for b in range(first, last + 1):
            options = [(p, w) for p, w in table if p.tied_in == new[b - 1].tie_out]
            if b == last:
                options = [(p, w) for p, w in options if p.tie_out == bars[b + 1].tied_in]
            if not options:
                ok = False
                break
            new[b] = rng.choices([p for p, _ in options], weights=[w for _, w in options])[0]
        if ok and tuple(new) != bars:
            return tuple(new)
    return None


def rhythm_notes(bars: tuple[BarPattern, ...], placeholder, bar_ticks: int = 16) -> tuple[Note, ...]:
    """Notes (with a placeholder pitch) for a rhythm; tied continuations become tied notes."""
    notes: list[Note] = []
    for b, pattern in enumerate(bars):
        t = b * bar_ticks
        scale = bar_ticks // 16
        for k, d in enumerate(pattern.durations):
            dur = d * scale
            if k == 0 and pattern.rest_first:
                notes.append(Note(None, t, dur))
            else:
                last = k == len(pattern.durations) - 1
                notes.append(Note(placeholder, t, dur, tie=last and pattern.tie_out))
            t += dur
    return tuple(notes)


def rhythm_of(cp: tuple[Note, ...], bar_ticks: int) -> tuple[BarPattern, ...]:
    """The bar patterns of an existing counterpoint (to check Fux's rhythms are in the pattern language)."""
    bars: dict[int, list[Note]] = {}
    for n in cp:
        bars.setdefault(n.start // bar_ticks, []).append(n)
    out, prev_tie = [], False
    scale = bar_ticks // 16
    for b in sorted(bars):
        ns = bars[b]
        out.append(BarPattern(tuple(n.duration // scale for n in ns), tied_in=prev_tie, tie_out=ns[-1].tie,
                              rest_first=ns[0].pitch is None))
        prev_tie = ns[-1].tie
    return tuple(out)
