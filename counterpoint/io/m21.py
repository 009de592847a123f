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

SUFFIXES = {".musicxml", ".xml", ".mxl", ".krn", ".abc"}
_CF_WORDS = re.compile(r"\b(cantus|c\.\s?f\.|cf)\b", re.IGNORECASE)
_CF_POSITION = re.compile(r"cantus\s+firmus\s*(?::|&colon;)\s*(lower|upper)", re.IGNORECASE)
_ABC_VOICE = re.compile(r"^V:\s*\d\S*(.*)$", re.MULTILINE)
_SPECIES_LABEL = re.compile(r"species\s*(?::|&colon;)?\s*([1-5])\b|\b([1-5])(?:st|nd|rd|th)\s+species", re.IGNORECASE)


def parse_file(path: str | Path):
    """Parse a score file with music21, turning every failure into one sentence."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a score.")
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"{path.name} is not a score this tool reads; use MusicXML (.musicxml, .xml, .mxl), kern (.krn) or ABC (.abc).")
    from counterpoint.io.limits import check_input

    if check_input(path) == 0:
        raise InputError(f"{path.name} is empty.")
    from music21 import converter

    from counterpoint.io.quiet import quiet

    try:
        with quiet():
            score = converter.parse(str(path), forceSource=True)
    except Exception as exc:  # music21 raises many unrelated types for unreadable input
        reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path.name} could not be read as music ({reason}).") from None
    if path.suffix.lower() == ".abc":
        _name_abc_voices(score, path.read_text(encoding="utf-8", errors="replace"))
    return score


def _name_abc_voices(score, text: str) -> None:
    """Give each part the name="..." of its V: line, which music21 drops (it makes one part per V: line)."""
    names = []
    for m in _ABC_VOICE.finditer(text):
        name = re.search(r'\b(?:name|nm)="([^"]*)"', m.group(1))
        names.append(name.group(1) if name else "")
    parts = list(score.parts)
    if len(names) == len(parts):
        for part, name in zip(parts, names):
            if name and not part.partName:
                part.partName = name


def load_exercise(path: str | Path, **overrides) -> Exercise:
    """Read an exercise file; ``overrides`` are species, cf_voice ("upper"/"lower"), mode."""
    score = parse_file(path)
    overrides.setdefault("title", Path(path).stem)
    return exercise_from_score(score, **overrides)


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
            raise InputError(f"the {label} has a chord{f' in bar {bar}' if bar else ''}; each voice must be a single line.")
        if isinstance(el, note.Rest):
            notes.append(Note(None, start, dur))
            continue
        tie = el.tie is not None and el.tie.type in ("start", "continue")
        notes.append(Note(_pitch(el.pitch), start, dur, tie))
    texts = [str(part.partName or _kern_name(flat)), str(getattr(part, "id", "") or "")]
    texts += [t.content for t in flat.getElementsByClass(expressions.TextExpression)]
    texts += [str(c.comment) for c in flat.getElementsByClass("SpineComment")]  # kern !LO:TX texts
    return _fill_gaps(notes), texts


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


def _pitch(p) -> Pitch:
    alter = int(p.alter) if p.accidental is not None else 0
    if alter != p.alter:
        raise InputError(f"{p.nameWithOctave} is a microtone; only whole semitone accidentals are supported.")
    return Pitch(p.octave if p.octave is not None else 4, STEPS.index(p.step), alter)


def exercise_from_score(score, *, species: int | None = None, cf_voice: str | None = None,
                        mode=None, title: str = "") -> Exercise:
    """Turn a music21 Score (one or two voices) into an Exercise, inferring what is not given."""
    from music21 import key, stream

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

    if species is None:
        for text in texts_all:
            m = _SPECIES_LABEL.search(text)
            if m:
                species = int(m.group(1) or m.group(2))
                break
    cf_i = _cf_index(voices, cf_voice, texts_all)
    cf_notes = voices[cf_i][0]
    cp_notes = voices[1 - cf_i][0] if len(voices) == 2 else []
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
                    signature=signature, title=title)


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


def _cf_index(voices, cf_voice: str | None, texts: list[str]) -> int:
    if len(voices) == 1:
        return 0
    order = sorted(range(2), key=lambda i: mean_height(voices[i][0]))  # [lower, upper]
    if cf_voice is not None:
        if cf_voice not in ("upper", "lower"):
            raise InputError(f"--cf-voice must be 'upper' or 'lower', not '{cf_voice}'.")
        return order[1] if cf_voice == "upper" else order[0]
    for i, (_, own) in enumerate(voices):
        if any(_CF_WORDS.search(t) for t in own[:2]):
            return i
    for t in texts:
        m = _CF_POSITION.search(t)
        if m:
            return order[1] if m.group(1).lower() == "upper" else order[0]
    uniform = [_is_uniform(v[0]) for v in voices]
    if uniform[0] != uniform[1]:
        return 0 if uniform[0] else 1
    return order[0]  # both move in whole notes: the lower voice is taken as the cantus firmus


def _is_uniform(notes: list[Note]) -> bool:
    sounding = [n for n in notes if n.pitch is not None]
    return len({n.duration for n in sounding}) == 1 and not any(n.tie for n in sounding) and sounding[0].start == 0


# -- writing ----------------------------------------------------------------------------------------

def _m21_pitch(p: Pitch):
    from music21 import pitch as m21pitch

    acc = {0: "", 1: "#", 2: "##", -1: "-", -2: "--"}[p.alter]
    return m21pitch.Pitch(f"{STEPS[p.step]}{acc}{p.octave}")


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
        part.insert(0, clef.bestClef(part, recurse=True))
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

    Written through :func:`counterpoint.io.safe.safe_output`: music21's helper files (the ``.musicxml`` it
    zips into an ``.mxl``) stay in a private folder, and an existing file is replaced only with ``force``.
    """
    from counterpoint.io.safe import safe_output

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
    from counterpoint.io.quiet import quiet

    with quiet():
        score.write(fmt, fp=str(tmp))
