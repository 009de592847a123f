"""The generator: counterpoint in species 1-5 above or below a cantus firmus, ranked and explained.

>>> from counterpoint.generator import generate
>>> best = generate("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", species=1, n=3, seed=1)
>>> len(best), all(s.report.ok for s in best)
(3, True)
"""

from __future__ import annotations

import math
import random
import time
from pathlib import Path

from counterpoint.catalogue.engine import check_exercise
from counterpoint.catalogue.registry import BY_CODE
from counterpoint.catalogue.rulebook import Rulebook, load_rulebook
from counterpoint.errors import InputError, NoSolutionError
from counterpoint.generator.domain import CF_REGISTER, VOICES, candidates, default_range, parse_range
from counterpoint.generator.search import DEFAULT_EFFORT, Ranker, Search, SearchStats, _Impossible, checked_rank, \
    penalty_rank
from counterpoint.generator.solution import Solution
from counterpoint.model.build import assemble
from counterpoint.model.exercise import SPECIES_NAMES, Exercise
from counterpoint.model.mode import Mode
from counterpoint.model.notation import parse_notes
from counterpoint.model.pitch import Pitch

__all__ = ["generate", "Solution", "GenerateResult", "Ranker", "penalty_rank"]


class GenerateResult(list):
    """A list of solutions, best first, that also tells how the search went (``.stats``)."""

    stats: SearchStats


def cantus_exercise(cf, mode: str | Mode | None = None) -> Exercise:
    """A cantus-firmus exercise from a note list, a file, an Exercise or a list of pitches."""
    if isinstance(cf, Exercise):
        return assemble(cf.cf, species=0, mode=mode or cf.mode, title=cf.title)
    if isinstance(cf, Path) or (isinstance(cf, str) and Path(cf).suffix.lower() in {".musicxml", ".xml", ".mxl", ".krn", ".abc"}):
        from counterpoint.model.exercise import edge

        ex = edge("load_exercise")(cf, mode=mode)  # the reader lives in counterpoint.io.m21
        return assemble(ex.cf, species=0, mode=ex.mode, title=ex.title)
    if isinstance(cf, str):
        return assemble(parse_notes(cf), species=0, mode=mode)
    if isinstance(cf, (list, tuple)):  # pitches, or notes (a cantus firmus's Note tuple)
        pitches = [getattr(x, "pitch", x) for x in cf]
        return assemble(parse_notes(" ".join(getattr(p, "name", str(p)) for p in pitches)), species=0, mode=mode)
    raise InputError(f"cannot read a cantus firmus from a {type(cf).__name__}.")


MAX_N = 1_000  # solutions one call may ask for
MAX_POOL = 300  # lines constructed before improvement, by default; improvement adds the rest
MIN_TIME_LIMIT = 0.05  # seconds: below this not even the construction of one line can be trusted to finish
# Seconds, by species, when none is given: where the search converges on Fux's cantus firmi (bench/objective_time.py,
# docs/benchmarks.md): within 5 s in every species but the third, which keeps improving until about 13 s.
DEFAULT_TIME_LIMIT = {1: 5.0, 2: 5.0, 3: 15.0, 4: 5.0, 5: 5.0}


def generate(cf, species: int = 1, position: str = "above", rules: str | Path | Rulebook = "fux", n: int = 10,
             seed: int | None = None, time_limit: float | None = None, *, mode: str | Mode | None = None,
             voice_range: str | None = None, rank: Ranker | None = None, min_diff: int | None = None,
             pool_size: int | None = None, progress=None, effort: int | None = None,
             start: float | None = None) -> GenerateResult:
    """Generate up to ``n`` counterpoints, best first, each passing every hard rule of the rulebook.

    The search first constructs a pool of legal lines, then improves them against the whole objective
    (large-neighbourhood search, ``effort`` improvement steps at most, by default 60 in first species,
    300 in fourth and 1,500 otherwise; 0 keeps the constructed lines) and
    returns the ``n`` best that differ from each other in at least ``min_diff`` bars. Its work is counted
    in steps, not seconds, so a seed gives the same lines on any machine, unless ``time_limit`` (seconds; by
    default :data:`DEFAULT_TIME_LIMIT` of the species: 15 in third species, 5 otherwise) cuts the search
    first: then ``result.stats.timed_out`` is true and the best lines found so far come back.

    Raises :class:`NoSolutionError` (naming the rules in conflict) when no line exists or the cantus
    firmus itself breaks a rule, and :class:`InputError` for unusable input.

    Ranking: ``rank``, a function from a list of solutions to their costs (lower first, one finite number
    each, a solution's cost independent of the others listed: the search calls it on many lists); by default
    the rule penalty alone. :func:`counterpoint.generate` (``counterpoint.ranking``) adds the critic.

    The time limit counts from the call (reading the rulebook and building the model are in it), or from
    ``start`` (a :func:`time.monotonic` reading) when a caller did work of its own for the same request first.
    """
    start = clock_start(start)
    _validate(species, position, n, seed, 5.0 if time_limit is None else time_limit, mode, effort, min_diff, pool_size)
    time_limit = DEFAULT_TIME_LIMIT[species] if time_limit is None else time_limit
    effort = DEFAULT_EFFORT[species] if effort is None else effort
    base = cantus_exercise(cf, mode)
    _check_pitches(base)
    book = load_rulebook(rules)
    _check_cantus(base, book)
    above = position == "above"
    if voice_range:
        low_p, high_p = parse_range(voice_range)
        low, high = low_p.diatonic, high_p.diatonic
    else:
        low, high = default_range(base.cf_pitches, above)
    rng = random.Random(seed)
    search = Search(base, species, above, book, low, high, rng)
    if not search.pitches:
        where = "its --range" if voice_range else f"the span of voices ({VOICES[0]}–{VOICES[1]}) near the cantus firmus"
        raise InputError(f"no pitch of {base.mode.label} lies in {where}; a cantus firmus this high or low leaves the "
                         "counterpoint no room (give its range with --range).")
    search.stats.time_limit = time_limit
    deadline = start + time_limit
    min_diff = max(2, (base.n_bars + 2) // 4) if min_diff is None else min_diff
    pool_size = min(MAX_POOL, max(30, 3 * n)) if pool_size is None else pool_size
    rank = checked_rank(rank, progress) or penalty_rank
    try:
        found = search.run(n, deadline, rank, min_diff, pool_size, progress, max_steps=effort)
    except _Impossible as exc:
        raise NoSolutionError(_diagnose(base, species, above, book, low, high, exc.model, seed, deadline)) from None
    if not found:  # the search ends early only at the deadline; an empty answer is never returned
        raise NoSolutionError(f"no {SPECIES_NAMES[species]} line was found within the time limit of {time_limit:g} s; "
                              "allow more time with --time-limit.")
    result = GenerateResult(found)
    result.stats = search.stats
    return result


def _check_pitches(base: Exercise) -> None:
    """A cantus firmus to write against (two voices or a texture) keeps to its mode's notes and lies where a voice
    can sing it, give or take an octave: within C1-C7 (the span of voices C2-C6 widened by an octave each way),
    so that a counterpoint has room on either side."""
    for p in base.cf_pitches:
        if not base.mode.contains(p):
            raise InputError(f"the cantus firmus's {p.name} lies outside {base.mode.label}; a cantus firmus uses only "
                             "the mode's notes.")
    low, high = Pitch.parse(CF_REGISTER[0]), Pitch.parse(CF_REGISTER[1])
    for p in base.cf_pitches:
        if not low.diatonic <= p.diatonic <= high.diatonic:
            raise InputError(f"the cantus firmus's {p.name} lies outside {CF_REGISTER[0]}–{CF_REGISTER[1]}, beyond "
                             "the voices a counterpoint is written for; transpose it by octaves.")


def clock_start(start) -> float:
    """When a request's time limit starts counting: now, or a caller's earlier :func:`time.monotonic` reading."""
    if start is None:
        return time.monotonic()
    if isinstance(start, bool) or not isinstance(start, (int, float)) or not math.isfinite(start) \
            or start > time.monotonic():
        raise InputError(f"start must be an earlier time.monotonic() reading, not {start!r}.")
    return float(start)


def _validate(species, position, n, seed, time_limit, mode, effort, min_diff, pool_size) -> None:
    """Every argument of the right type and in range, or one sentence saying which is not."""
    def whole(value, name: str, low: int, high: int | None = None) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"{name} must be a whole number, not {value!r}.")
        if value < low or (high is not None and value > high):
            raise InputError(f"{name} must be {'at least ' + str(low) if high is None else f'from {low} to {high}'}, not {value}.")

    if isinstance(species, bool) or not isinstance(species, int) or species not in (1, 2, 3, 4, 5):
        raise InputError(f"species {species!r} does not exist; use 1, 2, 3, 4 or 5.")
    if position not in ("above", "below"):
        raise InputError(f"position must be 'above' or 'below', not {position!r}.")
    whole(n, "n", 1, MAX_N)
    if effort is not None:
        whole(effort, "effort", 0)
    if seed is not None:
        whole(seed, "the seed", -(2 ** 63), 2 ** 63)
    for value, name in ((min_diff, "min_diff"), (pool_size, "pool_size")):
        if value is not None:
            whole(value, name, 1)
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)):
        raise InputError(f"the time limit must be a number of seconds, not {time_limit!r}.")
    if not math.isfinite(time_limit) or time_limit < MIN_TIME_LIMIT:
        raise InputError(f"the time limit must be a finite number of seconds, at least {MIN_TIME_LIMIT:g}, not {time_limit!r}.")
    if mode is not None and not isinstance(mode, (str, Mode)):
        raise InputError(f"a mode is a name such as 'G dorian', not a {type(mode).__name__}.")


def _check_cantus(base: Exercise, book: Rulebook) -> None:
    """The cantus firmus's own faults (the rulebook's hard rules for a cantus firmus), before any search."""
    faults = check_exercise(base, book).errors
    if faults:
        parts = ", ".join(f"{v.code} {v.name} ({v.place}: {v.message})" for v in faults[:3])
        more = f" and {len(faults) - 3} more" if len(faults) > 3 else ""
        raise NoSolutionError(f"the cantus firmus itself breaks {parts}{more}; correct it, or ignore the rule in a rulebook, "
                              "before writing a counterpoint to it.")


def _diagnose(base, species, above, book, low, high, model, seed, deadline: float) -> str:
    """Name the rules in conflict: those broken by the cantus firmus alone, or those whose removal makes a line possible."""
    where = "above" if above else "below"
    head = f"no {SPECIES_NAMES[species]} line {where} this cantus firmus satisfies rulebook {book.name}"
    if model.fixed_failures:
        parts = sorted({f"{s.rule.code} {s.rule.name} (bar {i + 1})" for s, i in model.fixed_failures})
        return f"{head}: the cantus firmus itself breaks {', '.join(parts)}."
    empty = model.empty_domains(candidates(base.mode, low, high))
    if empty:
        k, codes = empty[0]
        bar = model.ctx.cp[k].bar + 1
        names = " and ".join(f"{c} {BY_CODE[c].name}" for c in codes)
        verb = "rule" if len(codes) > 1 else "rules"
        return (f"{head}: in bar {bar}, {names} {verb} out every pitch in the range "
                f"{_range_name(base, low, high)}; widen it with --range or relax the rule.")
    codes = sorted({s.rule.code for s in model.windows_settings()} | {s.rule.code for s in model.whole})
    culprits = []
    cut_short = False
    for k, code in enumerate(codes):
        left = deadline - time.monotonic()  # the diagnosis spends what is left of the caller's time limit
        if left <= 0.01:
            cut_short = True
            break
        trial = Search(base, species, above, book, low, high, random.Random(seed), without=frozenset({code}))
        try:
            for _ in trial.stream(time.monotonic() + min(0.4, left / (len(codes) - k)), 1):
                culprits.append(code)
                break
        except _Impossible:
            continue
    bar = model.frontier
    place = ""
    if model.n and bar >= 0:
        b = model.ctx.cp[min(bar + 1, model.n - 1)].bar + 1
        place = f" near bar {b}"
    if culprits:
        names = " and ".join(f"{c} {BY_CODE[c].name}" for c in culprits)
        return f"{head}{place}: {names} cannot all hold with the other rules in range; relax one of them or widen the range (--range)."
    if cut_short:
        return f"{head}{place}; the time limit ran out before the conflicting rules were found (allow more with --time-limit)."
    return f"{head}{place}: no single rule is to blame; widen the range (--range) or relax the rulebook."


def _range_name(base: Exercise, low: int, high: int) -> str:
    return f"{base.mode.scale_pitch(low).name}–{base.mode.scale_pitch(high).name}"
