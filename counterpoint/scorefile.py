"""Reading a score file with music21, and converting pitches both ways: the primitives shared by the
worksheet engine (a layer below io) and counterpoint.io. music21 is imported inside the functions."""

from __future__ import annotations

import re
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.model.pitch import STEPS, Pitch

FORMATS = {".musicxml": "MusicXML", ".xml": "MusicXML", ".mxl": "compressed MusicXML", ".krn": "Humdrum kern",
           ".abc": "ABC"}
SUFFIXES = set(FORMATS)
_ABC_VOICE = re.compile(r"^V:\s*\d\S*(.*)$", re.MULTILINE)


def parse_file(path: str | Path):
    """Parse a score file with music21, turning every failure into one sentence."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a score.")
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"{path.name} is not a score this tool reads; use MusicXML (.musicxml, .xml, .mxl), kern (.krn) or ABC (.abc).")
    from counterpoint.files.limits import check_input
    from counterpoint.files.quiet import quiet

    if check_input(path) == 0:
        raise InputError(f"{path.name} is empty.")
    from music21 import converter

    try:
        with quiet():
            score = converter.parse(str(path), forceSource=True)
    except Exception as exc:  # music21 raises many unrelated types for unreadable input
        reason = _reader_reason(exc)
        raise InputError(f"{path.name} could not be read as music: it is not valid {FORMATS[path.suffix.lower()]}"
                         + (f" ({reason})." if reason else ".")) from None
    if path.suffix.lower() == ".abc":
        _name_abc_voices(score, path.read_text(encoding="utf-8", errors="replace"))
    return score


def _reader_reason(exc: Exception) -> str:
    """What music21's reader said about a file it could not read, when it said it in words: the first clause
    of one of its own exceptions, without object reprs. Python's own errors from inside a reader (an unpacking
    or a division that failed) mean nothing to a user and give nothing."""
    if not type(exc).__module__.startswith("music21"):
        return ""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = re.split(r"\.\s|<", text)[0].strip().rstrip(".:;,")
    if len(text) > 100:
        text = text[:100].rsplit(" ", 1)[0] + " ..."
    return text


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


def pitch_from_m21(p) -> Pitch:
    alter = int(p.alter) if p.accidental is not None else 0
    if alter != p.alter:
        raise InputError(f"{p.nameWithOctave} is a microtone; only whole semitone accidentals are supported.")
    octave = p.octave if p.octave is not None else 4
    if not -1 <= octave <= 9:  # as a note list allows: C-1 (MIDI 0) to B9
        raise InputError(f"the score has a note {p.step}{octave}, whose octave lies outside -1 to 9; correct its octave.")
    return Pitch(octave, STEPS.index(p.step), alter)


def pitch_to_m21(p: Pitch):
    from music21 import pitch as m21pitch

    acc = {0: "", 1: "#", 2: "##", -1: "-", -2: "--"}[p.alter]
    return m21pitch.Pitch(f"{STEPS[p.step]}{acc}{p.octave}")


# Each clef's bottom and top staff line as diatonic numbers (C4 is 28), in order of preference.
_CLEFS = {"treble": (30, 38), "bass": (18, 26), "tenor": (22, 30), "alto": (24, 32)}


def register_clef(pitches):
    """The music21 clef that needs the fewest ledger lines for these pitches (treble, then bass, on a tie)."""
    from music21 import clef

    def ledgers(bounds):
        low, high = bounds
        return sum(max(0, (low - p.diatonic) // 2) + max(0, (p.diatonic - high) // 2) for p in pitches)

    name = min(_CLEFS, key=lambda c: (ledgers(_CLEFS[c]), list(_CLEFS).index(c)))
    return {"treble": clef.TrebleClef, "bass": clef.BassClef, "tenor": clef.TenorClef, "alto": clef.AltoClef}[name]()
