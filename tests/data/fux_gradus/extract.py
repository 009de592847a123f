"""Rebuild this folder's two-voice Fux figures from the MarkGotham/species corpus (MIT, see LICENSE).

Run once, from the repository root, where ../shared/corpus/fux-gradus exists:

    .venv/bin/python tests/data/fux_gradus/extract.py ../shared/corpus/fux-gradus

It reads I/I-Solutions.mxl and I/data.tsv, renumbers each figure's bars from 1, corrects the two
transcription slips listed in the corpus's ERRATA.md (see README.md here), and writes one MusicXML file
per figure plus figures.tsv.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from pathlib import Path

from counterpoint.io.m21 import _part_notes, write_exercise
from counterpoint.model.build import assemble
from counterpoint.model.exercise import Note
from counterpoint.model.pitch import Pitch

HERE = Path(__file__).resolve().parent


def _octave_up(notes: list[Note], indices: range) -> list[Note]:
    sounding = [i for i, n in enumerate(notes) if n.pitch is not None]
    out = list(notes)
    for k in indices:
        i = sounding[k]
        p = out[i].pitch
        out[i] = replace(out[i], pitch=Pitch(p.octave + 1, p.step, p.alter))
    return out


def _tie_into_bar(notes: list[Note], bar: int, bar_ticks: int) -> list[Note]:
    """Tie the last note of ``bar`` (from 1) to the first note of the next bar."""
    out = list(notes)
    end = bar * bar_ticks
    i = next(i for i, n in enumerate(out) if n.end == end)
    assert out[i].pitch == out[i + 1].pitch, "the tie must join equal pitches"
    out[i] = replace(out[i], tie=True)
    return out


def main(corpus: Path) -> None:
    from music21 import converter

    score = converter.parse(str(corpus / "I" / "I-Solutions.mxl"))
    upper, lower = score.parts[0], score.parts[1]
    rows = list(csv.DictReader(open(corpus / "I" / "data.tsv"), delimiter="\t"))
    index = []
    for row in rows:
        first, last = int(row["Measure start"]), int(row["Measure end"])
        figure = row["Figure"].split()[0]
        cf_pos = row["Cantus firmus"].lower()
        species = int(row["Species"])
        up, _ = _part_notes(upper.measures(first, last), "upper part")
        lo, _ = _part_notes(lower.measures(first, last), "lower part")
        cf, cp = (lo, up) if cf_pos == "lower" else (up, lo)
        note = ""
        if figure == "22":
            cp = _octave_up(cp, range(5, 10))
            note = "notes 6-10 of the counterpoint raised an octave (ERRATA.md)"
        if figure == "86a":
            cp = _tie_into_bar(cp, 11, cf[0].duration)
            note = "the A4 of bar 11 tied into bar 12 (ERRATA.md)"
        ex = assemble(tuple(cf), tuple(cp), species=species, cp_above=cf_pos == "lower",
                      title=f"Fux, Gradus ad Parnassum, Fig. {figure}")
        assert ex.mode.final_name.lower() == row["Modal final"], (figure, ex.mode)
        name = f"fig-{figure.zfill(3 + (not figure[-1].isdigit()))}-cf-{cf_pos}.musicxml"
        write_exercise(ex, HERE / name)
        index.append((name, figure, species, row["Modal final"], cf_pos, ex.mode.label, note))
        print(name, ex.describe, note)
    with open(HERE / "figures.tsv", "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["file", "figure", "species", "final", "cantus_firmus", "mode", "correction"])
        w.writerows(index)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
