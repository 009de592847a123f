"""music21 at the edges: read any score music21 parses into an Exercise, and write an Exercise back.

music21 is imported lazily, inside these functions, so that the CLI's --help and the rule engine stay fast.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.model.build import assemble, mean_height
from counterpoint.model.exercise import TICKS_PER_QUARTER, Exercise, Note
from counterpoint.model.pitch import STEPS, Pitch
from counterpoint.worksheet import SEPARATING_BARLINES as _SEPARATING, species_from_text
from counterpoint.scorefile import SUFFIXES, parse_file, register_clef  # noqa: F401  (SUFFIXES: for callers)
from counterpoint.scorefile import pitch_from_m21 as _pitch, pitch_to_m21 as _m21_pitch  # noqa: F401

_CF_WORDS = re.compile(r"\b(cantus|c\.\s?f\.|cf)\b", re.IGNORECASE)
_CF_POSITION = re.compile(r"cantus\s+firmus\s*(?::|&colon;)\s*(lower|upper)", re.IGNORECASE)


def load_exercise(path: str | Path, **overrides) -> Exercise:
    """Read an exercise file; ``overrides`` are species, cf_voice ("upper"/"lower"), mode."""
    score = parse_file(path)
    overrides.setdefault("title", Path(path).stem)
    return exercise_from_score(score, **overrides)


def load_exercises(path: str | Path, errors: list | None = None, **overrides) -> list[tuple[str, Exercise]]:
    """Every exercise in a file, as ("bars 12-22", Exercise) pairs in score order ("" when the file holds one).

    A file holds several exercises when its bars fall into sections: a double or final barline on any staff
    ends one, and in a score of two staves or more, bars where every staff rests lie between two (the files
    ``fill`` writes, and Fux's combined files, where the cantus firmus may change staff from one exercise to
    the next). Each section is read as its own two-voice exercise, its labels read from its own bars; four
    staves with notes are read as two staff pairs. ``overrides`` apply to every exercise.

    An exercise that cannot be read raises InputError naming its bars; with ``errors`` (a list) given, it
    is recorded there as (where, InputError) instead and the other exercises are still read.
    """
    score = parse_file(path)
    overrides.setdefault("title", Path(path).stem)
    return exercises_from_score(score, errors, **overrides)


def score_sections(score) -> list[tuple[str, object]]:
    """("bars 12–22", sub-score) for each exercise of a score that holds several one after another (ended by
    a double or final barline, or by a bar where every staff rests); [("", score)] for a single one."""
    from music21 import stream

    sections = _sections(score) if isinstance(score, stream.Score) else []
    if len(sections) <= 1:
        return [("", score)]
    return [(f"bars {a}–{b}", _section_score(score, first, stop)) for first, stop, (a, b) in sections]


def exercises_from_score(score, errors: list | None = None, **overrides) -> list[tuple[str, Exercise]]:
    out = []
    for where, sub in score_sections(score):
        for staves, pair in _staff_pairs(sub):
            label = ", ".join(t for t in (where, staves) if t)
            try:
                out.append((label, exercise_from_score(pair, **overrides)))
            except InputError as exc:
                if errors is None or not label:
                    raise InputError(f"{label}: {exc}" if label else str(exc)) from None
                errors.append((label, exc))
    return out


def _staff_pairs(score) -> list[tuple[str, object]]:
    """A score of 2k staves with notes (a filled worksheet of k staff pairs) as k two-staff scores, top first."""
    import copy

    from music21 import stream

    if not isinstance(score, stream.Score):
        return [("", score)]
    voiced = [p for p in score.parts if any(not e.isRest for e in p.recurse().notesAndRests)]
    if len(voiced) <= 2 or len(voiced) % 2:
        return [("", score)]  # two voices, or an odd number, which exercise_from_score reports
    pairs = []
    for k in range(0, len(voiced), 2):
        pair = stream.Score()
        pair.metadata = score.metadata
        for p in voiced[k:k + 2]:
            pair.insert(0, copy.deepcopy(p))
        index = [list(score.parts).index(p) + 1 for p in voiced[k:k + 2]]
        pairs.append((f"staves {index[0]}–{index[1]}", pair))
    return pairs


def _sections(score) -> list[tuple[int, int, tuple[int, int]]]:
    """(first measure index, one past the last, (first and last bar number)) of each section with notes."""
    from music21 import stream

    parts = [list(p.getElementsByClass(stream.Measure)) for p in score.parts]
    if not parts or not all(parts) or len({len(ms) for ms in parts}) != 1:
        return []
    out, start = [], None
    for i in range(len(parts[0])):
        sounding = any(any(not e.isRest for e in ms[i].recurse().notesAndRests) for ms in parts)
        if not sounding and len(parts) == 1:  # one staff: a rest inside the cantus firmus, reported as such
            continue
        if not sounding:
            if start is not None:
                out.append((start, i))
            start = None
            continue
        if start is None:
            start = i
        if any(ms[i].rightBarline is not None and ms[i].rightBarline.type in _SEPARATING for ms in parts):
            out.append((start, i + 1))
            start = None
    if start is not None:
        out.append((start, len(parts[0])))

    def number(i):
        n = getattr(parts[0][i], "number", None)
        return n if n else i + 1

    return [(a, b, (number(a), number(b - 1))) for a, b in out]


def _section_score(score, first: int, stop: int):
    """A new Score of bars [first, stop) of every staff, with the clef, key and metre in force restated."""
    import copy

    from music21 import clef, key, meter, metadata, stream

    sub = stream.Score()
    sub.metadata = metadata.Metadata()
    for part in score.parts:
        measures = list(part.getElementsByClass(stream.Measure))
        new = stream.Part()
        new.partName = part.partName
        if part_id(part):
            new.id = part.id
        for i in range(first, stop):
            m = copy.deepcopy(measures[i])
            if i == first:
                for cls in (clef.Clef, key.KeySignature, meter.TimeSignature):
                    if not m.getElementsByOffset(0).getElementsByClass(cls):
                        ctx = measures[i].getContextByClass(cls)
                        if ctx is not None:
                            m.insert(0, copy.deepcopy(ctx))
            new.append(m)
        sub.insert(0, new)
    return sub


def _part_notes(part, label: str) -> tuple[list[Note], list[str]]:
    """The part's notes and rests in ticks, plus its texts (part name, expressions) for labels."""
    from music21 import chord, expressions, note

    flat = part.flatten()
    notes: list[Note] = []
    for el in flat.notesAndRests:
        if el.duration.isGrace:
            continue
        start = _ticks(el.offset, label)
        dur = _ticks(el.quarterLength, label)
        if dur == 0:
            continue
        if isinstance(el, chord.Chord):
            bar = getattr(el, "measureNumber", None)
            who = label if label.startswith("part ") else f"the {label}"
            raise InputError(f"{who} has a chord{f' in bar {bar}' if bar else ''}; each voice must be a single line.")
        if isinstance(el, note.Rest):
            notes.append(Note(None, start, dur))
            continue
        tie = el.tie is not None and el.tie.type in ("start", "continue")
        notes.append(Note(_pitch(el.pitch), start, dur, tie))
    texts = [str(part.partName or _kern_name(flat)), part_id(part)]
    texts += [t.content for t in flat.getElementsByClass(expressions.TextExpression)]
    texts += [str(c.comment) for c in flat.getElementsByClass("SpineComment")]  # kern !LO:TX texts
    return _fill_gaps(notes), texts


def part_id(part) -> str:
    """The part's id when a file gave it one; music21 otherwise makes it a number (the object's id)."""
    pid = getattr(part, "id", "")
    return pid if isinstance(pid, str) and not pid.isdigit() else ""


def _kern_name(flat) -> str:
    """A kern spine's *I"Name, which music21 keeps only as an unknown tandem interpretation."""
    for el in flat.getElementsByClass("MiscTandem"):
        tandem = str(getattr(el, "tandem", ""))
        if tandem.startswith('"'):
            return tandem[1:]
    return ""


def _fill_gaps(notes: list[Note]) -> list[Note]:
    """Make silences explicit so that notes lie end to end from time 0."""
    out: list[Note] = []
    t = 0
    for n in sorted(notes, key=lambda n: n.start):
        if n.start > t:
            out.append(Note(None, t, n.start - t))
        if n.start < t:
            raise InputError("a voice has overlapping notes; each voice must be a single line.")
        out.append(n)
        t = n.end
    return out


def _ticks(ql, label: str) -> int:
    value = Fraction(ql).limit_denominator(64) * TICKS_PER_QUARTER
    if value.denominator != 1:
        raise InputError(f"the {label} has a rhythm finer than a sixteenth note, which species counterpoint does not use.")
    return int(value)


def exercise_from_score(score, *, species: int | None = None, cf_voice: str | None = None,
                        mode=None, title: str = "") -> Exercise:
    """Turn a music21 Score (one or two voices) into an Exercise, inferring what is not given."""
    from music21 import key, stream

    if not isinstance(score, stream.Stream):
        raise InputError(f"an Exercise is read from a music21 Score or Part, not {type(score).__name__} {str(score)[:40]!r}.")
    parts = list(score.parts) if isinstance(score, stream.Score) else [score]
    voices = []
    texts_all: list[str] = []
    for i, part in enumerate(parts):
        notes, texts = _part_notes(part, "part " + str(i + 1))
        texts_all += texts
        if any(n.pitch is not None for n in notes):
            voices.append((notes, texts))
    if not voices:
        raise InputError("the file has no notes.")
    if len(voices) > 2:
        raise InputError(f"the file has {len(voices)} voices with notes; a two-voice exercise has a cantus firmus and at most one counterpoint.")

    inferred: list[str] = []
    if species is None:
        for text in texts_all:
            found = species_from_text(text)
            if found:
                species = found
                inferred.append(f"species {found} (from the label '{_short(text)}'; --species overrides)")
                break
    cf_i, why, guessed = _cf_index(voices, cf_voice, texts_all)
    if why:
        inferred.append(why)
    cf_notes = voices[cf_i][0]
    cp_notes = voices[1 - cf_i][0] if len(voices) == 2 else []
    try:
        cf_notes = _strip_rests(cf_notes)
        signature = None
        ks = score.recurse().getElementsByClass(key.KeySignature).first()
        if ks is not None:
            signature = ks.sharps
        if not title and score.metadata is not None and score.metadata.title:
            title = score.metadata.title
        cp_above = None
        if len(voices) == 2:
            cp_above = mean_height(cp_notes) >= mean_height(cf_notes)
        return assemble(tuple(cf_notes), tuple(cp_notes), species=species, cp_above=cp_above, mode=mode,
                        signature=signature, title=title, inferred=tuple(inferred))
    except InputError as exc:
        if not guessed:
            raise
        raise InputError(f"taking the lower staff as the cantus firmus (a guess: both voices move in equal notes), "
                         f"{str(exc).rstrip('.')}; if the cantus firmus is the upper staff, add --cf-voice upper.") from None


def _strip_rests(cf: list[Note]) -> list[Note]:
    """Rests before or after the cantus firmus are tolerated; rests inside it are not."""
    while cf and cf[-1].pitch is None:
        cf.pop()
    lead = 0
    while lead < len(cf) and cf[lead].pitch is None:
        lead += 1
    if lead:
        raise InputError("the cantus firmus begins with a rest; it must start on the first beat.")
    if any(n.pitch is None for n in cf):
        raise InputError("the cantus firmus contains a rest; it must be one unbroken line of equal notes.")
    return cf


def _cf_index(voices, cf_voice: str | None, texts: list[str]) -> tuple[int, str, bool]:
    """(index of the cantus firmus voice, how it was found in words or "" when given, whether it was a guess)."""
    if len(voices) == 1:
        return 0, "", False
    order = sorted(range(2), key=lambda i: mean_height(voices[i][0]))  # [lower, upper]

    def where(i: int) -> str:
        return "upper" if i == order[1] else "lower"

    if cf_voice is not None:
        if cf_voice not in ("upper", "lower"):
            raise InputError(f"--cf-voice must be 'upper' or 'lower', not '{cf_voice}'.")
        return (order[1] if cf_voice == "upper" else order[0]), "", False
    for i, (_, own) in enumerate(voices):
        named = next((t for t in own[:2] if _CF_WORDS.search(t)), None)
        if named:
            return i, f"cantus firmus: {where(i)} staff (named '{_short(named)}')", False
    for t in texts:
        m = _CF_POSITION.search(t)
        if m:
            i = order[1] if m.group(1).lower() == "upper" else order[0]
            return i, f"cantus firmus: {where(i)} staff (from the label '{_short(t)}')", False
    uniform = [_is_uniform(v[0]) for v in voices]
    if uniform[0] != uniform[1]:
        i = 0 if uniform[0] else 1
        return i, f"cantus firmus: {where(i)} staff (the one in equal notes; --cf-voice overrides)", False
    return order[0], ("cantus firmus: lower staff, a guess: both voices move in equal notes; "
                      "if the cantus firmus is the upper staff, add --cf-voice upper"), True


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _is_uniform(notes: list[Note]) -> bool:
    sounding = [n for n in notes if n.pitch is not None]
    return len({n.duration for n in sounding}) == 1 and not any(n.tie for n in sounding) and sounding[0].start == 0


# -- writing ----------------------------------------------------------------------------------------

def _m21_part(notes, name: str, ex: Exercise):
    from music21 import clef, key, meter, note, stream, tie

    part = stream.Part()
    part.partName = name
    part.id = name
    part.append(key.KeySignature(ex.mode.signature))
    bar_ql = ex.bar_ticks / TICKS_PER_QUARTER
    part.append(meter.TimeSignature("2/2" if bar_ql == 4 else f"{int(bar_ql)}/4"))
    prev_tie = False
    pitches = []
    for n in notes:
        ql = Fraction(n.duration, TICKS_PER_QUARTER)
        if n.pitch is None:
            el = note.Rest(quarterLength=ql)
            prev_tie = False
        else:
            el = note.Note(_m21_pitch(n.pitch), quarterLength=ql)
            pitches.append(el.pitch)
            if n.tie:
                el.tie = tie.Tie("continue" if prev_tie else "start")
            elif prev_tie:
                el.tie = tie.Tie("stop")
            prev_tie = n.tie
        part.append(el)
    if pitches:
        part.insert(0, register_clef([n.pitch for n in notes if n.pitch is not None]))
    part.makeMeasures(inPlace=True)
    part.makeTies(inPlace=True)
    return part


def exercise_to_score(ex: Exercise):
    """A music21 Score with the upper voice first, part names 'Cantus firmus' and 'Counterpoint, species N'."""
    from music21 import metadata, stream

    score = stream.Score()
    score.metadata = metadata.Metadata()
    score.metadata.title = ex.title or ex.describe
    cf = _m21_part(ex.cf, "Cantus firmus", ex)
    if ex.is_cantus_only:
        score.insert(0, cf)
        return score
    cp = _m21_part(ex.cp, f"Counterpoint, species {ex.species}", ex)
    for part in ((cp, cf) if ex.cp_above else (cf, cp)):
        score.insert(0, part)
    return score


def write_exercise(ex: Exercise, path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """Write MusicXML (.musicxml, .xml, .mxl) or MIDI (.mid) by extension (kern and ABC: io/writers.py).

    Written through :func:`counterpoint.files.safe.safe_output`: music21's helper files (the ``.musicxml`` it
    zips into an ``.mxl``) stay in a private folder, and an existing file is replaced only with ``force``.
    """
    from counterpoint.files.safe import safe_output

    path = Path(path)
    fmt = {".musicxml": "musicxml", ".xml": "musicxml", ".mxl": "mxl", ".mid": "midi", ".midi": "midi"}.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot write {path.name}; use .musicxml, .xml, .mxl or .mid.")
    if fmt == "midi":
        check_midi_range(ex)
    score = exercise_to_score(ex)
    with safe_output(path, force=force, inputs=inputs) as tmp:
        write_score(score, fmt, tmp)
    return path


def check_midi_range(ex: Exercise) -> None:
    """MIDI holds notes 0-127 (C-1 to G9); refuse, rather than silently shift, a note outside."""
    for n in (*ex.cf, *ex.cp):
        if n.pitch is not None and not 0 <= n.pitch.midi <= 127:
            raise InputError(f"{n.pitch.name} lies outside MIDI's range (C-1 to G9); write MusicXML, kern or ABC instead.")


def write_score(score, fmt: str, tmp: Path) -> None:
    """music21's ``score.write`` to ``tmp`` (a path inside safe_output's private folder), its warnings captured."""
    from counterpoint.files.quiet import quiet

    with quiet():
        score.write(fmt, fp=str(tmp))


def report_to_score(report, messages: bool = False):
    """The exercise as a Score with each violation's code written above its place (with ``messages``, the
    code, name and message) and the interval of every counterpoint note over the cantus firmus written as a
    figure under the upper staff: the marked exercise a teacher hands back."""
    from music21 import expressions

    ex = report.exercise
    if hasattr(ex, "voices"):  # three voices or more
        from counterpoint.io.texture_io import texture_report_to_score

        return texture_report_to_score(report, messages)
    score = exercise_to_score(ex)
    upper = score.parts[0]
    bar_ql = ex.bar_ticks / TICKS_PER_QUARTER
    for v in report.violations:
        text = expressions.TextExpression(f"{v.code} {v.name}: {v.message}" if messages else v.code)
        text.style.color = "red" if v.severity == "error" else "orange"
        text.placement = "above"
        offset = (v.bar - 1) * bar_ql + (v.beat - 1)
        measure = upper.measure(v.bar)
        if measure is not None:
            measure.insert(offset - measure.offset, text)
    if not ex.is_cantus_only:
        _figure_intervals(ex, upper)
    return score


def write_marked_score(reports, path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """Write marked reports as MusicXML (.musicxml, .xml, .mxl): each violation's code, name and message at
    its place, intervals figured; several exercises one after another, each ended by a double barline."""
    import copy

    from music21 import bar, stream

    path = Path(path)
    fmt = {".musicxml": "musicxml", ".xml": "musicxml", ".mxl": "mxl"}.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot write {path.name} as a score; use .musicxml, .xml or .mxl.")
    scores = [report_to_score(r, messages=True) for r in reports]
    if len({len(s.parts) for s in scores}) != 1:
        raise InputError("the exercises have different numbers of voices; write the marked file as .pdf or .svg.")
    result = scores[0]
    if len(scores) > 1:
        result.metadata.title = Path(reports[0].path).stem + " (marked)" if reports[0].path else "Marked exercises"
        for more in scores[1:]:
            for target, part in zip(result.parts, more.parts):
                count = len(target.getElementsByClass(stream.Measure))
                target.getElementsByClass(stream.Measure).last().rightBarline = bar.Barline("double")
                for k, m in enumerate(part.getElementsByClass(stream.Measure), 1):
                    m = copy.deepcopy(m)
                    m.number = count + k
                    target.append(m)
    from counterpoint.files.safe import safe_output

    with safe_output(path, force=force, inputs=inputs) as tmp:
        write_score(result, fmt, tmp)
    return path


def interval_figures(ex: Exercise) -> list[tuple[int, int]]:
    """(tick, interval number) wherever either voice strikes a note: 8 for an octave, 10 for a tenth."""
    from counterpoint.model.interval import Interval

    def sounding(notes, t):
        return next((n.pitch for n in notes if n.start <= t < n.end and n.pitch is not None), None)

    upper, lower = (ex.cp, ex.cf) if ex.cp_above else (ex.cf, ex.cp)
    out = []
    for t in sorted({n.start for n in (*ex.cp, *ex.cf) if n.pitch is not None}):
        hi, lo = sounding(upper, t), sounding(lower, t)
        if hi is not None and lo is not None:
            out.append((t, abs(Interval.between(lo, hi).steps) + 1))
    return out


def _figure_intervals(ex: Exercise, upper_part) -> None:
    figures = dict(interval_figures(ex))
    for el in upper_part.recurse().notes:
        tick = int(Fraction(el.getOffsetInHierarchy(upper_part)) * TICKS_PER_QUARTER)
        if tick in figures:
            el.addLyric(str(figures[tick]))


def _register() -> None:
    from counterpoint.model.exercise import register_edge

    register_edge("exercise_to_score", exercise_to_score)
    register_edge("exercise_from_score", exercise_from_score)
    register_edge("report_to_score", report_to_score)
    register_edge("load_exercise", load_exercise)
    register_edge("write_score", write_score)


_register()
