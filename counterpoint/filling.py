"""Fill a worksheet: write a counterpoint on every empty staff, or an answer key with the best few per exercise.

>>> from counterpoint.filling import fill
>>> done = fill("worksheet.musicxml", out="filled.musicxml", seed=1)      # doctest: +SKIP
>>> [(f.task.where, f.task.species, f.best.notes) for f in done]           # doctest: +SKIP

How a worksheet is laid out (several staff pairs, several exercises on one pair, species labels) is
described in :mod:`counterpoint.worksheet`.

What is written
---------------
* **Filled worksheet** (the default): the same score, every part and bar kept; each exercise's empty staff
  now holds its best counterpoint. The cantus-firmus staves are not touched.
* **Answer key** (``answer_key=True``): each exercise is written ``n`` times in a row, the best solution
  first, every copy ending with a double barline (a final one at the end) and its counterpoint labelled
  "Exercise 1 (second species above) - Solution 2 (penalty 3.5)". Exercises that share bars (the staff
  pairs of one system) are copied together, so the staves stay aligned. When fewer than ``n`` different
  lines were found within the time limit, the missing copies say so and keep the staff empty.

The output is never the worksheet itself, and an existing file is only replaced with ``force=True``.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from counterpoint.errors import InputError, NoSolutionError
from counterpoint.model.exercise import TICKS_PER_QUARTER, edge
from counterpoint.scorefile import parse_file, pitch_to_m21 as _m21_pitch, register_clef
from counterpoint.worksheet import Task, read_worksheet

OUT_SUFFIXES = {".musicxml": "musicxml", ".xml": "musicxml", ".mxl": "mxl", ".pdf": "picture", ".svg": "picture",
                ".png": "picture"}

__all__ = ["fill", "Filled", "read_worksheet", "Task"]


@dataclass
class Filled:
    """One exercise of the worksheet and its solutions, best first."""

    task: Task
    solutions: list  # [Solution], best first; solutions[0] is what the filled worksheet holds
    timed_out: bool = False

    @property
    def best(self):
        return self.solutions[0]

    def to_dict(self) -> dict:
        t = self.task
        out = {"exercise": t.index, "bars": list(t.bar_numbers), "staves": list(t.names), "species": t.species,
               "position": t.position, "mode": t.cantus.mode.label, "label": t.label,
               "cantus_firmus": [p.name for p in t.cantus.cf_pitches], "timed_out": self.timed_out,
               "solutions": [s.to_dict() for s in self.solutions]}
        if t.is_texture:
            out.update(species=list(t.voice_species), labels=list(t.voice_labels), cf_voice=t.cf_voice,
                       voices=len(t.staves))
        return out


def fill(worksheet, out=None, species: int | None = None, answer_key: bool = False, n: int = 3, rules="fux",
         seed: int | None = None, time_limit: float = 5.0, *, force: bool = False, critic: bool = True) -> list[Filled]:
    """Generate up to ``n`` counterpoints for every blank exercise of ``worksheet`` (a path or a music21 Score).

    ``species`` overrides the worksheet's labels; ``time_limit`` (seconds) applies to each exercise; ranking
    blends the rule penalty with the critic unless ``critic`` is false (see :func:`counterpoint.generate`). When
    ``out`` is given, the filled worksheet (or, with ``answer_key``, the answer key) is written there.
    Raises InputError for an unusable worksheet or output path, NoSolutionError (naming the exercise and
    the rules in conflict) when an exercise has no solution.
    """
    from counterpoint.catalogue.rulebook import load_rulebook
    from counterpoint.ranking import generate

    from counterpoint.errors import require_flag, require_int, require_number

    require_int("n", n, 1, 1000)
    require_int("species", species, 1, 5, optional=True)
    require_int("seed", seed, -2**63, 2**63 - 1, optional=True)
    require_number("time_limit", time_limit, 0.05, 3600)
    for flag, value in (("answer_key", answer_key), ("force", force), ("critic", critic)):
        require_flag(flag, value)
    if not isinstance(worksheet, (str, Path)) and not hasattr(worksheet, "parts"):
        raise InputError(f"the worksheet must be a file path or a music21 Score, not a {type(worksheet).__name__}.")
    if out is not None and not isinstance(out, (str, Path)):
        raise InputError(f"out must be a file path, not a {type(out).__name__}.")
    source = Path(worksheet) if isinstance(worksheet, (str, Path)) else None
    out_path = _check_out(out, source, force) if out is not None else None
    book = load_rulebook(rules)
    if source is not None:
        score = parse_file(source)
    else:
        score = worksheet
    tasks = read_worksheet(score, species, title=source.stem if source else "")
    done = []
    for task in tasks:
        try:
            if task.is_texture:  # every empty staff written together against the cantus firmus
                found = generate(task.cantus, task.voice_species, rules=book, n=n, seed=seed, time_limit=time_limit,
                                 critic=critic, cf_voice=task.cf_voice)
                timed_out = found.stats.get("timed_out", False)
            else:
                found = generate(task.cantus, task.species, task.position, rules=book, n=n, seed=seed,
                                 time_limit=time_limit, critic=critic)
                timed_out = found.stats.timed_out
        except (NoSolutionError, InputError) as exc:
            raise type(exc)(f"{task.where}: {exc}") from None
        done.append(Filled(task, list(found), timed_out))
    if out_path is not None:
        from counterpoint.files.safe import safe_output

        result = answer_key_score(score, done) if answer_key else filled_score(score, done)
        result.metadata.title = worksheet_title(score, source) + (": answer key" if answer_key else "")
        fmt = OUT_SUFFIXES[out_path.suffix.lower()]
        inputs = _inputs(source, rules)
        if fmt == "picture":  # engraved by counterpoint.io.engrave, which registers itself with the model
            edge("write_score_picture")(result, out_path, force=force, inputs=inputs)
        else:
            with safe_output(out_path, force=force, inputs=inputs) as tmp:
                edge("write_score")(result, fmt, tmp)  # music21's writer, its warnings captured (counterpoint.io.m21)
    return done


def _inputs(source: Path | None, rules) -> tuple:
    return tuple(p for p in (source, rules if isinstance(rules, (str, Path)) else None) if p is not None)


def worksheet_title(score, source: Path | None) -> str:
    """The worksheet's own title, else its movement name, else the file's name; never music21's placeholder."""
    md = score.metadata
    for value in ((md.title, md.movementName) if md is not None else ()):
        if value and str(value) != "Music21 Fragment":
            value = str(value)
            return Path(value).stem if Path(value).suffix.lower() in (".mxl", ".musicxml", ".xml", ".krn", ".abc") else value
    return source.stem if source is not None else "Worksheet"


def _check_out(out, source: Path | None, force: bool) -> Path:
    from counterpoint.files.safe import check_destination

    out = Path(out)
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise InputError(f"cannot write {out.name}; write the worksheet as .musicxml, .xml, .mxl, .pdf, .svg or .png.")
    if source is not None and (out.resolve() == source.resolve()
                               or (out.exists() and source.exists() and os.path.samefile(out, source))):
        raise InputError(f"the output is the worksheet itself ({source.name}); "
                         "write the filled worksheet to another file.")
    return check_destination(out, force=force, inputs=(source,) if source is not None else ())


def filled_score(score, done: list[Filled], k: int = 0, labels: bool = False):
    """A copy of ``score`` with every exercise's empty staff holding its k-th solution (0 = the best)."""
    from music21 import expressions, metadata, stream

    result = copy.deepcopy(score)
    if result.metadata is None:
        result.metadata = metadata.Metadata()
    parts = list(result.parts)
    for f in done:
        t = f.task
        sol = f.solutions[k] if k < len(f.solutions) else None
        for i, (staff, notes) in enumerate(_lines(t, sol)):
            measures = _pad(parts[staff], parts[t.cf_part])
            _put_line(measures, t, notes)
            if labels and i == 0:
                head = f"Exercise {t.index} ({t.summary})"
                text = (f"{head} - Solution {k + 1} (penalty {sol.penalty:g})" if sol is not None
                        else f"{head} - Solution {k + 1}: no further solution was found within the time limit")
                measures[t.first].insert(0, expressions.TextExpression(text))
    for f in done:
        sol = f.solutions[k] if k < len(f.solutions) else None
        if sol is not None:
            for staff, notes in _lines(f.task, sol):
                _set_clef(list(parts[staff].getElementsByClass(stream.Measure)), f.task,
                          [n.pitch for n in notes if n.pitch is not None])
    return result


def _lines(task: Task, sol) -> list[tuple[int, tuple]]:
    """(staff, notes) for every empty staff of the exercise, top first; no notes when ``sol`` is None."""
    staves = task.cp_parts or (task.cp_part,)
    if sol is None:
        return [(staff, ()) for staff in staves]
    if not task.is_texture:
        return [(task.cp_part, sol.exercise.cp)]
    voices = sol.texture.voices  # top first, as the staves are
    return [(staff, voices[i].notes) for i, staff in enumerate(task.staves) if staff != task.cf_part]


def _set_clef(measures: list, task: Task, pitches) -> None:
    """Give the counterpoint's bars the clef its register needs (bass or tenor for a low line), and restore
    the staff's own clef after them."""
    from music21 import clef

    want = register_clef(pitches)
    first = measures[task.first]
    before = first.getContextByClass(clef.Clef)
    at_start = list(first.getElementsByOffset(0).getElementsByClass(clef.Clef))
    current = at_start[0] if at_start else before
    if current is not None and type(current) is type(want):
        return
    for c in at_start:
        first.remove(c)
    first.insert(0, want)
    if task.stop < len(measures) and not measures[task.stop].getElementsByOffset(0).getElementsByClass(clef.Clef):
        measures[task.stop].insert(0, copy.deepcopy(current) if current is not None else clef.TrebleClef())


def _pad(cp_part, cf_part) -> list:
    """The empty staff's bars, with whole-bar rests added where the worksheet left it shorter than the cantus firmus."""
    from music21 import meter, note, stream

    cp_measures = list(cp_part.getElementsByClass(stream.Measure))
    cf_measures = list(cf_part.getElementsByClass(stream.Measure))
    for i in range(len(cp_measures), len(cf_measures)):
        src = cf_measures[i]
        m = stream.Measure(number=src.number)
        if i == 0:  # the staff had no bars at all: give it the cantus firmus's key and metre
            for cls in ("KeySignature", "TimeSignature"):
                el = src.getElementsByClass(cls).first()
                if el is not None:
                    m.insert(0, copy.deepcopy(el))
        ts = src.getContextByClass(meter.TimeSignature)
        m.insert(0, note.Rest(quarterLength=ts.barDuration.quarterLength if ts else src.duration.quarterLength))
        cp_part.insert(src.offset, m)
        cp_measures.append(m)
    return cp_measures


def _put_line(measures: list, task: Task, cp_notes) -> None:
    """Replace the rests of the task's bars on the empty staff with the counterpoint (or with whole-bar rests)."""
    from music21 import note, tie

    bar = task.cantus.bar_ticks
    pieces = _pieces(cp_notes, bar)
    for k in range(task.stop - task.first):
        m = measures[task.first + k]
        for v in list(m.voices):
            m.remove(v)
        for el in list(m.notesAndRests):
            m.remove(el)
        for start, dur, pitch, kind in pieces.get(k, [(0, bar, None, None)]):
            ql = Fraction(dur, TICKS_PER_QUARTER)
            el = note.Rest(quarterLength=ql) if pitch is None else note.Note(_m21_pitch(pitch), quarterLength=ql)
            if kind:
                el.tie = tie.Tie(kind)
            m.insert(Fraction(start, TICKS_PER_QUARTER), el)


def _pieces(notes, bar: int) -> dict[int, list]:
    """{bar: [(start in bar, duration, pitch, tie type)]}, splitting any note that crosses a barline."""
    flat = []
    for n in notes:
        s, e = n.start, n.end
        while s < e:
            cut = min(e, (s // bar + 1) * bar)
            flat.append((s, cut - s, n.pitch, n.tie if cut == e else n.pitch is not None))
            s = cut
    out: dict[int, list] = {}
    prev = False
    for s, d, p, tied in flat:
        kind = None
        if p is not None:
            kind = ("continue" if prev else "start") if tied else ("stop" if prev else None)
        prev = p is not None and tied
        out.setdefault(s // bar, []).append((s % bar, d, p, kind))
    return out


def answer_key_score(score, done: list[Filled]):
    """Each exercise (with any exercises sharing its bars) copied once per solution, best first."""
    from music21 import bar, clef, key, meter, stream

    sections = _sections([f.task for f in done])
    depth = max(len(f.solutions) for f in done)
    copies = [filled_score(score, done, k, labels=True) for k in range(depth)]
    result = copy.deepcopy(score)
    if result.metadata is None:
        from music21 import metadata

        result.metadata = metadata.Metadata()
    new_parts = list(result.parts)
    for part in new_parts:
        for m in list(part.getElementsByClass(stream.Measure)):
            part.remove(m)
        for sp in list(part.spanners):
            part.remove(sp)
    number = 0
    for s_i, (first, stop) in enumerate(sections):
        here = [f for f in done if first <= f.task.first < stop]
        times = max(len(f.solutions) for f in here)
        for k in range(times):
            for p_i, part in enumerate(new_parts):
                src = list(copies[k].parts[p_i].getElementsByClass(stream.Measure))
                for i in range(first, min(stop, len(src))):
                    m = copy.deepcopy(src[i])
                    m.number = number + 1 + i - first
                    if i == first:  # each copy starts like a new system: clef, key and metre restated
                        for cls in (clef.Clef, key.KeySignature, meter.TimeSignature):
                            if not m.getElementsByOffset(0).getElementsByClass(cls):
                                ctx = src[i].getContextByClass(cls)
                                if ctx is not None:
                                    m.insert(0, copy.deepcopy(ctx))
                    if i == stop - 1:
                        last = s_i == len(sections) - 1 and k == times - 1
                        m.rightBarline = bar.Barline("final" if last else "double")
                    part.append(m)
            number += stop - first
    return result


def _sections(tasks: list[Task]) -> list[tuple[int, int]]:
    """The bar ranges of the worksheet that hold exercises, overlapping ranges merged."""
    spans = sorted((t.first, t.stop) for t in tasks)
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]
