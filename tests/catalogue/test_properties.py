"""Property: a random one-note change to one of Fux's solutions that creates a parallel fifth or octave,
an unprepared or unresolved dissonance, or a forbidden melodic interval is always reported, at its bar.

The oracle below is written independently of the rules, from the model's spelled intervals alone.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpoint import check
from counterpoint.catalogue.context import Context
from counterpoint.model.edit import set_cp_pitch
from counterpoint.model.interval import Interval
from counterpoint.model.pitch import Pitch
from tests.support import fux_figures, load_fux

FIGURES = [r["file"] for r in fux_figures()]


def _forbidden_leap(a: Pitch, b: Pitch) -> bool:
    iv = Interval.between(a, b)
    return iv.quality not in ("P", "M", "m") or iv.simple_number == 7 or iv.number > 8


def _faults(ex) -> set[tuple[str, int]]:
    """(kind, bar from 1) for every fault of the four kinds in an exercise."""
    ctx = Context(ex)
    out: set[tuple[str, int]] = set()
    cp = ctx.cp
    for a, b in zip(cp, cp[1:]):
        if _forbidden_leap(a.pitch, b.pitch):
            out.add(("melodic", b.bar + 1))
    vs = ctx.verticals
    for u, v in zip(vs, vs[1:]):
        dcf, dcp = v.cf.midi - u.cf.midi, v.cp.midi - u.cp.midi
        same_way = dcf and dcp and (dcf > 0) == (dcp > 0)
        for number in (5, 8):
            def perfect(x, number=number):
                iv = x.interval
                return iv.quality == "P" and (iv.simple_number == 5 if number == 5 else iv.simple_number in (1, 8))
            if same_way and perfect(u) and perfect(v):
                out.add(("parallel", v.bar + 1))
    species = ex.species
    for v in vs:
        if v.interval.is_consonant:
            continue
        attack = cp[v.cp_index]
        prev = cp[v.cp_index - 1] if v.cp_index > 0 else None
        nxt = cp[v.cp_index + 1] if v.cp_index + 1 < len(cp) else None
        if species == 1:
            out.add(("dissonance", v.bar + 1))
        elif v.cp_attacked and v.offset == 0 and species in (2, 3):
            out.add(("dissonance", v.bar + 1))
        elif v.cp_attacked and species in (2, 3):
            # a weak-beat dissonance must be approached by step (passing or neighbour); anything else is unprepared
            if prev is None or abs(Interval.between(prev.pitch, attack.pitch).steps) != 1:
                out.add(("dissonance", v.bar + 1))
        elif not v.cp_attacked and v.offset == 0 and species == 4:
            # a suspension: prepared by a consonance where the note was struck, resolved down by step
            struck = ctx.vertical_at(attack.start)
            unprepared = struck is not None and not struck.interval.is_consonant
            unresolved = nxt is None or Interval.between(attack.pitch, nxt.pitch).steps != -1
            if unprepared or unresolved:
                out.add(("dissonance", v.bar + 1))
    return out


CODES = {
    "melodic": {"M101", "M102", "M103", "M104"},
    "parallel": {"V101", "V102"},
    # A dissonant first or last vertical is reported as a faulty opening or cadence.
    "dissonance": {"H101", "D101", "D102", "D103", "D104", "D201", "D202", "D203", "D204", "D205", "C101", "C102", "C103"},
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([f for f in FIGURES]), st.integers(0, 200), st.integers(-9, 9), st.integers(-1, 1))
def test_planted_faults_are_always_reported(file, which, steps, alter):
    ex = load_fux(file)
    if ex.species == 5:
        return  # the florid species mixes every figure; the other four cover the fault kinds exactly
    starts = [n for i, n in enumerate(ex.cp) if n.pitch is not None and not (i and ex.cp[i - 1].tie)]
    note = starts[which % len(starts)]
    new = note.pitch.transpose_steps(steps)
    new = new.with_alter(ex.mode.alter_of(new.step) + alter)
    bar, beat = note.start // ex.bar_ticks + 1, 1 + (note.start % ex.bar_ticks) / 4
    edited = set_cp_pitch(ex, bar, beat, new)
    created = _faults(edited) - _faults(ex)
    report = check(edited, "fux")
    for kind, at in created:
        found = {v.code for v in report.violations if v.bar <= at <= (v.end_bar or v.bar)}
        assert found & CODES[kind], f"{file}: {new} at bar {bar} beat {beat:g} creates a {kind} fault at bar {at}; reported {sorted(found)}"
