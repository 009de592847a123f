"""Textures of three voices or more at the music21 edge: read a score's parts, top first, and write them back."""

from __future__ import annotations

import re
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.io.m21 import _CF_WORDS, _is_uniform, _m21_part, _part_notes, _short, parse_file
from counterpoint.model.build import assemble_texture
from counterpoint.model.exercise import TICKS_PER_QUARTER
from counterpoint.model.texture import MAX_VOICES, VOICE_NAMES, Texture, default_names
from counterpoint.worksheet import species_from_text

# Fux's annotations number the cantus firmus's voice from the top: "Cantus firmus: 3" ("&colon;" in kern).
_CF_NUMBER = re.compile(r"cantus\s+firmus\s*(?::|&colon;)\s*(\d)", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*(,\s*species\s*\d|\(\s*cantus firmus\s*\))\s*$", re.IGNORECASE)
_GENERIC_NAME = re.compile(r"^(\d+|p\d+|pno|piano|part\s*\d*|staff\s*\d*|voice\s*\d*|spine_\d+|none)?$", re.IGNORECASE)


_VOICE_WORDS = {name for names in VOICE_NAMES.values() for name in names} | {"cantus", "quintus", "sextus", "upper", "middle", "lower"}


def voiced_parts(score) -> list:
    from music21 import stream

    parts = list(score.parts) if isinstance(score, stream.Score) else [score]
    return [p for p in parts if any(not e.isRest for e in p.recurse().notesAndRests)]


def parse_cf_voice(value, n: int) -> int | None:
    """--cf-voice as an index from 0: a number from the top (1 = highest), or 'upper'/'lower' (the outer voices)."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ("upper", "top", "highest"):
        return 0
    if text in ("lower", "bottom", "lowest", "bass"):
        return n - 1
    if text.isdigit() and 1 <= int(text) <= n:
        return int(text) - 1
    raise InputError(f"--cf-voice must be a voice number from 1 (the highest) to {n}, or upper or lower, not '{value}'.")


def texture_from_score(score, *, cf_voice=None, species=None, mode=None, title: str = "") -> Texture:
    """A music21 Score of 2-6 parts (top first) as a Texture; the cantus firmus's voice and each voice's
    species are inferred where not given (see :func:`find_cf_voice`)."""
    from music21 import key

    parts = voiced_parts(score)
    if not parts:
        raise InputError("the file has no notes.")
    if len(parts) > MAX_VOICES:
        raise InputError(f"the file has {len(parts)} voices with notes; at most {MAX_VOICES} are supported.")
    if len(parts) < 2:
        raise InputError("the file has one voice with notes; an exercise in several voices needs two or more.")
    read, texts_all, names = [], [], list(default_names(len(parts)))
    for i, part in enumerate(parts):
        notes, texts = _part_notes(part, names[i])
        while notes and notes[-1].pitch is None:
            notes.pop()
        read.append(notes)
        texts_all += texts
        given = _SUFFIX.sub("", str(part.partName or "")).strip()  # "Tenor, species 1", "Bass (cantus firmus)"
        if given and not _GENERIC_NAME.match(given) and not _CF_WORDS.search(given):
            names[i] = given.lower() if given.lower() in _VOICE_WORDS else given
    cf_index, why = find_cf_voice(parts, read, texts_all, cf_voice)
    inferred = [why] if why else []
    if species is not None and isinstance(species, int):
        species = (species,) * (len(parts) - 1)
    if species is None:
        found = next((species_from_text(t) for t in texts_all if species_from_text(t)), None)
        if found and len(parts) == 2:
            species = (found,)
    signature = None
    ks = score.recurse().getElementsByClass(key.KeySignature).first()
    if ks is not None:
        signature = ks.sharps
    if not title and getattr(score, "metadata", None) is not None and score.metadata.title:
        title = score.metadata.title
    return assemble_texture([(tuple(n), names[i]) for i, n in enumerate(read)], cf_index, species=species,
                            mode=mode, signature=signature, title=title, inferred=tuple(inferred))


def find_cf_voice(parts, read, texts: list[str], given) -> tuple[int, str]:
    """(the cantus firmus's index, how it was found in words, or "" when given)."""
    n = len(parts)
    index = parse_cf_voice(given, n)
    if index is not None:
        return index, ""
    named = [(i, str(part.partName or "")) for i, part in enumerate(parts) if _CF_WORDS.search(str(part.partName or ""))]
    if len(named) > 1:
        which = " and ".join(f"{i + 1} ('{_short(name)}')" for i, name in named)
        raise InputError(f"{'two' if len(named) == 2 else len(named)} voices are named as the cantus firmus "
                         f"(voices {which}); an exercise has one, so rename one or give --cf-voice N.")
    if named:
        i, name = named[0]
        return i, f"cantus firmus: voice {i + 1} (named '{_short(name)}')"
    for t in texts:
        m = _CF_NUMBER.search(t)
        if m and 1 <= int(m.group(1)) <= n:
            return int(m.group(1)) - 1, f"cantus firmus: voice {m.group(1)} (from the label '{_short(t)}')"
    uniform = [i for i, notes in enumerate(read) if notes and _is_uniform(notes)]
    if len(uniform) == 1:
        return uniform[0], f"cantus firmus: voice {uniform[0] + 1} (the one in equal notes; --cf-voice overrides)"
    raise InputError(f"cannot tell which of the {n} voices is the cantus firmus ({len(uniform)} move in equal notes); "
                     f"add --cf-voice N, counting from 1 for the highest.")


def load_texture(path: str | Path, **overrides) -> Texture:
    score = parse_file(path)
    overrides.setdefault("title", Path(path).stem)
    return texture_from_score(score, **overrides)


def texture_to_score(tex: Texture):
    """A music21 Score with the parts top first, each named by its voice ('Alto'; 'Bass (cantus firmus)'), which
    :func:`texture_from_score` reads back."""
    from music21 import metadata, stream

    score = stream.Score()
    score.metadata = metadata.Metadata()
    score.metadata.title = tex.title or tex.describe
    for v in tex.voices:
        label = f"{v.name.capitalize()} (cantus firmus)" if v.is_cantus else v.name.capitalize()
        score.insert(0, _m21_part(v.notes, label, tex))
    return score


def write_texture(tex: Texture, path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """Write a texture as MusicXML (.musicxml, .xml, .mxl) or MIDI (.mid), the parts top first; an existing
    file is replaced only with ``force`` (see :func:`counterpoint.io.m21.write_exercise`)."""
    from counterpoint.files.safe import safe_output
    from counterpoint.io.m21 import write_score

    path = Path(path)
    fmt = {".musicxml": "musicxml", ".xml": "musicxml", ".mxl": "mxl", ".mid": "midi", ".midi": "midi"}.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot write {path.name}; use .musicxml, .xml, .mxl or .mid.")
    for v in tex.voices:
        for n in v.notes:
            if fmt == "midi" and n.pitch is not None and not 0 <= n.pitch.midi <= 127:
                raise InputError(f"{n.pitch.name} lies outside MIDI's range (C-1 to G9); write MusicXML instead.")
    score = texture_to_score(tex)
    with safe_output(path, force=force, inputs=inputs) as tmp:
        write_score(score, fmt, tmp)
    return path


def texture_report_to_score(report, messages: bool = False):
    """The texture with each violation's code above the first voice it names."""
    from music21 import expressions

    tex = report.exercise
    score = texture_to_score(tex)
    bar_ql = tex.bar_ticks / TICKS_PER_QUARTER
    names = [v.name for v in tex.voices]
    for v in report.violations:
        first = v.voice.split("–")[0]
        index = names.index(first) if first in names else 0
        text = expressions.TextExpression(f"{v.code} {v.voice}: {v.message}" if messages else v.code)
        text.style.color = "red" if v.severity == "error" else "orange"
        text.placement = "above"
        part = score.parts[index]
        measure = part.measure(v.bar)
        if measure is not None:
            measure.insert((v.bar - 1) * bar_ql + (v.beat - 1) - measure.offset, text)
    return score


def _register() -> None:
    from counterpoint.model.exercise import register_edge

    register_edge("texture_to_score", texture_to_score)
    register_edge("texture_from_score", texture_from_score)
    register_edge("load_texture", load_texture)


_register()
