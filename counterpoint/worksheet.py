"""Read a worksheet: find its blank exercises (a cantus firmus staff beside an empty staff) and their species.

How a worksheet is laid out
---------------------------
* A *cantus-firmus staff* is a part with notes; an *empty staff* is a part with no notes at all
  (whole-bar rests, or nothing). Both are judged exercise by exercise, over the bars of each cantus
  firmus, so one staff may hold the cantus firmus of one exercise and be the empty staff of the next
  (Fux's own worksheets, where the cantus firmus is sometimes the upper, sometimes the lower voice).
* **Several staff pairs.** Each empty staff is paired with the nearest cantus-firmus staff. When two are
  equally near (``CF1, empty1, CF2, empty2``), the one no other empty staff is paired with wins, then
  the one above. A cantus-firmus staff no empty staff is paired with is left alone.
* **Three voices or more.** When several empty staves are paired with one cantus firmus (``empty, CF,
  empty``, or ``empty, empty, empty, CF``), they make one exercise of three voices or more: the empty
  staves are written together against the cantus firmus, every pair of voices under the rules, as Fux's
  three- and four-voice exercises are. Each empty staff may carry its own species label; one without
  a label takes the exercise's label (the cantus firmus staff's texts, then any staff's, then the title).
* **Several exercises on one staff pair.** Along a cantus-firmus staff, an exercise ends at a double or
  final barline, or at a bar of rests; the next exercise starts at the next bar with a note. Each bar of
  an exercise holds one cantus-firmus note.
* **Position.** The counterpoint goes above the cantus firmus when its empty staff is above, below when
  below; in an exercise of three voices or more, the voices keep the staves' order, top first.
* **Species.** Given by the caller, or read from a label. The label is looked for, nearest first, in the
  text expressions of the pair's two staves from the end of the previous exercise on that pair to the end
  of this one, then in the empty and the cantus-firmus staff's names, then in text expressions of any
  staff within the exercise's bars, then in the score's title, subtitle, movement name and credits.
  "Species 2", "species: II", "2nd species", "second species" and "florid" (fifth) are understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from counterpoint.errors import InputError
from counterpoint.model.build import assemble
from counterpoint.model.exercise import TICKS_PER_QUARTER, Exercise, Note
from counterpoint.model.texture import MAX_VOICES
from counterpoint.scorefile import pitch_from_m21 as _pitch

SEPARATING_BARLINES = {"double", "final", "heavy", "heavy-heavy", "heavy-light", "light-light", "light-heavy"}
_NUMBER = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "one": 1, "two": 2,
           "three": 3, "four": 4, "five": 5, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
           "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
_AFTER = re.compile(r"\bspecies\s*(?:no\.?\s*)?[:#]?\s*(\d+|i{1,3}|iv|v|one|two|three|four|five)\b", re.IGNORECASE)
_BEFORE = re.compile(r"\b(\d+(?:st|nd|rd|th)?|first|second|third|fourth|fifth)[\s-]+species\b", re.IGNORECASE)
_FLORID = re.compile(r"\bflorid\b", re.IGNORECASE)
_MENTION = re.compile(r"\bspecies\b", re.IGNORECASE)


def species_from_text(text: str) -> int | None:
    """1-5 when ``text`` names a species ("Species 2", "2nd species", "second species", "florid"), else None.

    >>> [species_from_text(t) for t in ("Species 2", "third species", "Ex. 4: species IV", "Cantus firmus")]
    [2, 3, 4, None]
    """
    for pattern in (_AFTER, _BEFORE):
        m = pattern.search(text)
        if m:
            word = m.group(1).lower()
            return _NUMBER.get(word)
    if _FLORID.search(text):
        return 5
    return None


@dataclass
class Task:
    """One blank exercise on a worksheet: where it is, its cantus firmus, and what to write."""

    index: int  # 1-based, in reading order (by first bar, then top to bottom)
    cf_part: int  # part indices in the score, top first
    cp_part: int
    first: int  # measure indices (0-based, into the parts' measure lists): first, and one past the last
    stop: int
    cantus: Exercise  # the cantus firmus alone (species 0), its mode read with the key signature
    species: int
    position: str  # "above" or "below"
    label: str = ""  # the text the species was read from ("" when it was given)
    bar_numbers: tuple[int, int] = (0, 0)  # the first and last bar as numbered in the score
    names: tuple[str, ...] = ("", "")  # the cantus-firmus and empty staff's names (then further empty staves')
    # three voices or more: every empty staff of the exercise, top first, and each one's species and label
    cp_parts: tuple[int, ...] = ()
    voice_species: tuple[int, ...] = ()
    voice_labels: tuple[str, ...] = ()

    @property
    def is_texture(self) -> bool:
        return len(self.cp_parts) > 1

    @property
    def staves(self) -> tuple[int, ...]:
        """Every staff of the exercise, top first: the cantus firmus's and the empty ones."""
        return tuple(sorted((self.cf_part, *(self.cp_parts or (self.cp_part,)))))

    @property
    def cf_voice(self) -> int:
        """The cantus firmus's voice, counted from 1 at the top."""
        return self.staves.index(self.cf_part) + 1

    @property
    def summary(self) -> str:
        """'second species above', or 'three voices: first species, third species, cantus firmus in voice 3'."""
        from counterpoint.model.exercise import SPECIES_NAMES

        if not self.is_texture:
            return f"{SPECIES_NAMES[self.species]} {self.position}"
        count = {3: "three", 4: "four", 5: "five", 6: "six"}[len(self.staves)]
        return (f"{count} voices: {', '.join(SPECIES_NAMES[s] for s in self.voice_species)}, "
                f"cantus firmus in voice {self.cf_voice}")

    @property
    def where(self) -> str:
        """'exercise 2 (bars 13-23)'."""
        a, b = self.bar_numbers
        return f"exercise {self.index} (bars {a}-{b})"


@dataclass
class _Part:
    index: int
    name: str
    measures: list
    texts: list[tuple[int, str]] = field(default_factory=list)  # (measure index, text expression)
    has_notes: bool = False
    sounding: list[bool] = field(default_factory=list)  # per measure: does it hold a note?

    def empty_in(self, first: int, stop: int) -> bool:
        return not any(self.sounding[first:stop])


def read_worksheet(score, species: int | None = None, title: str = "") -> list[Task]:
    """Every blank exercise on a music21 Score, in reading order; raises InputError for an unusable worksheet."""
    from music21 import stream

    if species is not None and species not in (1, 2, 3, 4, 5):
        raise InputError(f"species {species} does not exist; use 1, 2, 3, 4 or 5.")
    if isinstance(score, stream.Opus):
        raise InputError("the file holds several separate scores; put the exercises in one score.")
    if not isinstance(score, stream.Score) or not score.parts:
        raise InputError("the file is not a score with staves.")
    parts = [_read_part(i, p) for i, p in enumerate(score.parts)]
    if not any(p.has_notes for p in parts):
        raise InputError("the worksheet has no cantus firmus: every staff is empty.")
    score_texts = _score_texts(score)
    runs = {p.index: _runs(p) for p in parts if p.has_notes}
    found = []
    for cf in (p for p in parts if p.has_notes):
        for first, stop in runs[cf.index]:
            empties = [cp for cp, paired in _pair(parts, first, stop) if paired is cf]
            if not empties:
                continue
            empties.sort(key=lambda p: p.index)
            if len(empties) + 1 > MAX_VOICES:
                raise InputError(f"bars {_number(cf.measures, first)}-{_number(cf.measures, stop - 1)} have "
                                 f"{len(empties)} empty staves beside one cantus firmus; this tool writes at most "
                                 f"{MAX_VOICES} voices.")
            cp = empties[0]
            task = Task(0, cf.index, cp.index, first, stop, _cantus(cf, first, stop, title), species or 0,
                        "above" if cp.index < cf.index else "below",
                        bar_numbers=(_number(cf.measures, first), _number(cf.measures, stop - 1)),
                        names=(cf.name, *(e.name for e in empties)))
            if len(empties) > 1:
                task.cp_parts = tuple(e.index for e in empties)
                task.position = "with"
            prev_stop = max((b for i in (cf.index, *task.cp_parts, cp.index) for _, b in runs.get(i, ()) if b <= first),
                            default=0)
            found.append((task, prev_stop, cf, empties))
    if not found:
        raise InputError("the worksheet has no empty staff to fill; leave the counterpoint's staff empty "
                         "(whole-bar rests or no notes) beside each cantus firmus.")
    found.sort(key=lambda it: (it[0].first, min(it[0].cf_part, it[0].cp_part), it[0].cp_part))
    for i, (task, prev_stop, cf, empties) in enumerate(found, 1):
        task.index = i
        if task.is_texture:
            if species is None:
                labelled = [_label(task, prev_stop, parts, cf, e, score_texts, own_only=True) for e in empties]
                if not all(labelled):
                    try:
                        shared = _label(task, prev_stop, parts, cf, None, score_texts)
                    except InputError:
                        if not any(labelled):
                            raise
                        bare = ", ".join(e.name for e, lab in zip(empties, labelled) if not lab)
                        raise InputError(f"{task.where}: the staff {bare} has no species label, and the exercise "
                                         "none for it; label it like 'Species 2' or give --species.") from None
                    labelled = [lab or shared for lab in labelled]
                task.voice_species = tuple(sp for sp, _ in labelled)
                task.voice_labels = tuple(text for _, text in labelled)
                task.label = "; ".join(dict.fromkeys(task.voice_labels))
            else:
                task.voice_species = (species,) * len(empties)
                task.voice_labels = ("",) * len(empties)
            task.species = task.voice_species[0]
        elif species is None:
            task.species, task.label = _label(task, prev_stop, parts, cf, empties[0], score_texts)
    return [task for task, *_ in found]


def _read_part(index: int, part) -> _Part:
    from music21 import expressions, stream

    measures = list(part.getElementsByClass(stream.Measure))
    pid = part.id if isinstance(part.id, str) and not part.id.isdigit() else ""  # else music21's object id
    out = _Part(index, str(part.partName or pid or f"staff {index + 1}"), measures)
    for i, m in enumerate(measures):
        out.sounding.append(any(not e.isRest for e in m.recurse().notesAndRests))
        out.has_notes |= out.sounding[-1]
        out.texts += [(i, t.content) for t in m.recurse().getElementsByClass(expressions.TextExpression) if t.content]
    if not measures and part.recurse().notes:
        raise InputError(f"the staff {out.name} has notes but no bars; write the worksheet with barlines.")
    return out


def _pair(parts: list[_Part], first: int, stop: int) -> list[tuple[_Part, _Part]]:
    """Pair each staff empty in bars [first, stop) with its nearest staff holding notes there (see the module
    docstring). Emptiness is judged bar range by bar range, so a cantus firmus may change staff from one
    exercise to the next, as in Fux's own worksheets."""
    cfs = [p for p in parts if not p.empty_in(first, stop)]
    nearest = {}
    for e in (p for p in parts if p.empty_in(first, stop)):
        d = min(abs(c.index - e.index) for c in cfs)
        nearest[e.index] = [c for c in cfs if abs(c.index - e.index) == d]
    taken = {c[0].index for c in nearest.values() if len(c) == 1}
    pairs = []
    for e_index, cands in nearest.items():
        free = [c for c in cands if c.index not in taken] or cands
        cf = free[0]  # candidates are in score order, so the staff above wins a remaining tie
        taken.add(cf.index)
        pairs.append((parts[e_index], cf))
    return pairs


def _runs(cf: _Part) -> list[tuple[int, int]]:
    """The bar ranges of the exercises along a cantus-firmus staff."""
    runs, start = [], None
    for i, m in enumerate(cf.measures):
        notes = [e for e in m.recurse().notesAndRests if not e.isRest]
        if not notes:
            if start is not None:
                runs.append((start, i))
            start = None
            continue
        if start is None:
            start = i
        barline = m.rightBarline
        if barline is not None and barline.type in SEPARATING_BARLINES:
            runs.append((start, i + 1))
            start = None
    if start is not None:
        runs.append((start, len(cf.measures)))
    return runs


def _cantus(cf: _Part, first: int, stop: int, title: str) -> Exercise:
    from music21 import chord, key

    notes: list[Note] = []
    bar = None
    for i in range(first, stop):
        m = cf.measures[i]
        els = [e for e in m.recurse().notesAndRests if not e.duration.isGrace and e.quarterLength > 0]
        where = f"bar {_number(cf.measures, i)} of {cf.name}"
        if any(isinstance(e, chord.Chord) for e in els):
            raise InputError(f"{where} holds a chord; a cantus firmus is a single line.")
        if len(els) != 1:
            raise InputError(f"{where} holds {len(els)} notes and rests; a cantus firmus has one note per bar.")
        dur = Fraction(els[0].quarterLength).limit_denominator(64) * TICKS_PER_QUARTER
        if dur.denominator != 1:
            raise InputError(f"{where} has a note value this tool cannot read.")
        bar = int(dur) if bar is None else bar
        notes.append(Note(_pitch(els[0].pitch), (i - first) * bar, int(dur)))
    ks = next(iter(cf.measures[first].recurse().getElementsByClass(key.KeySignature)), None)
    if ks is None:  # no key change here: the signature in force
        ks = cf.measures[first].getContextByClass(key.KeySignature)
    return assemble(tuple(notes), species=0, signature=None if ks is None else ks.sharps, title=title)


def _number(measures, i: int) -> int:
    n = getattr(measures[i], "number", None)
    return n if n else i + 1


def _score_texts(score) -> list[str]:
    from music21 import text

    md = score.metadata
    texts = []
    if md is not None:
        texts += [str(v) for v in (md.title, md.movementName, getattr(md, "subtitle", None)) if v]
    texts += [t.content for t in score.getElementsByClass(text.TextBox) if t.content]
    return texts


def _label(task: Task, prev_stop: int, parts: list[_Part], cf: _Part, cp: _Part | None, score_texts: list[str],
           own_only: bool = False):
    """(species, label) for a task, or InputError when no label names one.

    With ``own_only``, only the empty staff ``cp``'s own texts and name are read, and None is returned
    when they name no species (a voice of a texture that takes the exercise's label). With ``cp`` None,
    the cantus firmus's texts and name, then every staff's texts and the score's.
    """
    mine = (cp,) if own_only else tuple(p for p in (cp, cf) if p is not None)
    own = [(i, t) for p in mine for i, t in p.texts if prev_stop <= i < task.stop]
    own.sort(key=lambda it: (it[0] > task.first, abs(it[0] - task.first)))  # nearest at or before the start first
    names = [p.name for p in mine]
    if own_only:
        candidates = [t for _, t in own] + names
    else:
        staves = set(task.staves)
        others = [t for p in parts if p not in mine and not (cp is None and p.index in staves)
                  for i, t in p.texts if task.first <= i < task.stop]
        candidates = [t for _, t in own] + names + others + score_texts
    for text in candidates:
        sp = species_from_text(text)
        if sp:
            return sp, text
    if own_only:
        return None
    unknown = next((t for t in candidates if _MENTION.search(t)), None)
    if unknown:
        raise InputError(f"{task.where}: the label '{unknown}' names no species from 1 to 5; "
                         "label it like 'Species 2' or give --species.")
    raise InputError(f"{task.where} has no species label; label it like 'Species 2' (a staff name or a "
                     "text above the staff) or give --species.")
