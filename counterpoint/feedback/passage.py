"""A passage people judge: the text of a score file (MusicXML, kern, ABC) or of an exercise's note lists.

The feedback package sits below the readers (``counterpoint.io``), so the caller hands it the passage's
text; :meth:`Passage.from_exercise` writes a two-voice exercise (a generated solution, say) as note lists,
which this package can read back without music21 (:func:`passage_exercise`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from counterpoint.errors import InputError

# format -> the file suffix a passage of that format is read back from
FORMATS = {"musicxml": ".musicxml", "mxl": ".mxl", "kern": ".krn", "abc": ".abc", "notes": ".json"}
SUFFIX_FORMATS = {".musicxml": "musicxml", ".xml": "musicxml", ".mxl": "mxl", ".krn": "kern", ".abc": "abc"}
MAX_CONTENT = 20_000_000  # characters; a species exercise is a few kB, a worksheet a few hundred
MAX_TITLE = 200
MAX_VOICES = 64


@dataclass(frozen=True)
class Passage:
    content: str  # the file's text; for "mxl" (a zip) its bytes in base64
    format: str  # one of FORMATS
    title: str = ""
    voices: int | None = None

    def __post_init__(self):
        if not isinstance(self.content, str) or not self.content.strip():
            raise InputError("a passage needs its content as non-empty text.")
        if len(self.content) > MAX_CONTENT:
            raise InputError(f"the passage is {len(self.content):,} characters long; at most {MAX_CONTENT:,} are stored.")
        if self.format not in FORMATS:
            raise InputError(f"passage format must be one of {', '.join(FORMATS)}, not {str(self.format)[:40]!r}.")
        if not isinstance(self.title, str) or len(self.title) > MAX_TITLE:
            raise InputError(f"a passage title must be text of at most {MAX_TITLE} characters.")
        if self.voices is not None and (isinstance(self.voices, bool) or not isinstance(self.voices, int)
                                        or not 1 <= self.voices <= MAX_VOICES):
            raise InputError(f"a passage's voices must be a whole number from 1 to {MAX_VOICES}.")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()

    @classmethod
    def from_bytes(cls, data: bytes, suffix: str, title: str = "", voices: int | None = None) -> Passage:
        """A passage from a score file's bytes and its suffix (``.musicxml``, ``.krn``, ...)."""
        fmt = SUFFIX_FORMATS.get(suffix.lower())
        if fmt is None:
            raise InputError(f"'{suffix}' files are not passages this tool stores; use MusicXML, kern or ABC.")
        if fmt == "mxl":
            return cls(base64.b64encode(data).decode("ascii"), fmt, title, voices)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("latin-1")
            except UnicodeDecodeError:
                raise InputError("the passage is not text in a known encoding.") from None
        return cls(text, fmt, title, voices)

    def file_bytes(self) -> bytes:
        """The bytes of the file the passage came from (for reading it back with the score readers)."""
        return base64.b64decode(self.content) if self.format == "mxl" else self.content.encode("utf-8")

    @classmethod
    def from_exercise(cls, exercise, title: str | None = None) -> Passage:
        """A two-voice exercise (or a generated Solution) as note lists: format ``notes``."""
        from counterpoint.model.notation import format_notes

        ex = getattr(exercise, "exercise", exercise)
        if not hasattr(ex, "cf") or not hasattr(ex, "cp"):
            raise InputError(f"a passage is made from an Exercise or a Solution, not {type(exercise).__name__}.")
        doc = {"cf": format_notes(ex.cf, default=ex.bar_ticks), "cp": format_notes(ex.cp, default=ex.bar_ticks),
               "bar": ex.bar_ticks, "species": ex.species, "cp_above": ex.cp_above, "mode": str(ex.mode)}
        return cls(json.dumps(doc, sort_keys=True), "notes", ex.title if title is None else title, 2)


def passage_exercise(passage: Passage):
    """The Exercise of a ``notes`` passage; InputError with one sentence if it cannot be rebuilt."""
    from counterpoint.model.build import assemble
    from counterpoint.model.notation import parse_notes

    if passage.format != "notes":
        raise InputError(f"a {passage.format} passage is read with the score readers, not as note lists.")
    try:
        doc = json.loads(passage.content)
        cf, cp, bar = doc["cf"], doc["cp"], int(doc.get("bar", 16))
        if not isinstance(cf, str) or not isinstance(cp, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise InputError("a stored note-list passage is malformed.") from None
    return assemble(parse_notes(cf, bar), parse_notes(cp, bar) if cp else (), species=doc.get("species"),
                    cp_above=doc.get("cp_above"), mode=doc.get("mode"), title=passage.title)
